package storage

import (
	"context"
	"errors"
	"net/http"
)

// KindForStatus returns the sentinel error that an object store's HTTP
// error status means, for a driver's [Driver.ErrorKind] once the service's
// own error code (more precise: NoSuchKey, BlobAlreadyExists, ...) has not
// decided it. Every driver over an HTTP service uses it, so one status
// means one kind on every backend:
//
//   - 404 Not Found: ErrNotExist (a driver tells a missing bucket first).
//   - 401 Unauthorized, 403 Forbidden: ErrPermission.
//   - 412 Precondition Failed: ErrExist, the answer to a create
//     conditional on the name being free ([Storage] reports it as
//     ErrChanged for a read pinned to a version, see [ReadRequest]).
//   - 400 Bad Request, 411 Length Required, 413 Content Too Large, 414 URI
//     Too Long, 416 Range Not Satisfiable, 431 Request Header Fields Too
//     Large: ErrInvalidArgument.
//   - 405 Method Not Allowed, 501 Not Implemented: ErrUnsupported.
//
// Any other status (409, whose meaning depends on the service's code; 429
// and 5xx, which are transient and retried) has no kind: nil.
func KindForStatus(status int) error {
	switch status {
	case http.StatusNotFound:
		return ErrNotExist
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrPermission
	case http.StatusPreconditionFailed:
		return ErrExist
	case http.StatusBadRequest, http.StatusLengthRequired, http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong,
		http.StatusRequestedRangeNotSatisfiable, http.StatusRequestHeaderFieldsTooLarge:
		return ErrInvalidArgument
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return ErrUnsupported
	}
	return nil
}

// StatusCanceled is the status [HTTPStatus] gives a request whose client
// went away (nginx's 499 "client closed request"): nobody reads it, but
// access logs tell it from a server error.
const StatusCanceled = 499

// HTTPStatus returns the status an HTTP handler serving a storage answers
// for err, the reverse of [KindForStatus] for the handlers of this module
// (hmacurl's signed URLs, media):
//
//   - ErrNotExist: 404; ErrPermission: 403.
//   - ErrInvalidName, ErrInvalidArgument, ErrChecksum (an upload whose bytes
//     did not match the checksum it declared): 400.
//   - ErrExist (a conflict policy refused the name): 409.
//   - ErrChanged (the object changed while it was read): 503; the client
//     may retry.
//   - ErrUnsupported: 501.
//   - context.Canceled: [StatusCanceled]; context.DeadlineExceeded: 504.
//   - anything else, ErrBucketNotExist included (a configuration error,
//     not the client's): 500.
func HTTPStatus(err error) int {
	switch KindOf(err) {
	case ErrNotExist:
		return http.StatusNotFound
	case ErrPermission:
		return http.StatusForbidden
	case ErrInvalidName, ErrInvalidArgument, ErrChecksum:
		return http.StatusBadRequest
	case ErrExist:
		return http.StatusConflict
	case ErrChanged:
		return http.StatusServiceUnavailable
	case ErrUnsupported:
		return http.StatusNotImplemented
	}
	switch {
	case errors.Is(err, context.Canceled):
		return StatusCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}
