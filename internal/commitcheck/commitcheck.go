// Package commitcheck tells a cloud driver when a commit it saw fail may
// have taken effect anyway, so that it looks at the object before it
// reports the failure.
//
// A commit (S3 PutObject or CompleteMultipartUpload, the last request of a
// GCS upload, Azure Put Blob or Put Block List) can take effect while its
// answer is lost: the connection breaks after the service acted, a success
// is cut short, a 5xx comes after the commit, or the SDK's retry of a
// conditional create finds the work of its own first attempt (the object
// it made, 412 or Azure's 409; the multipart upload it completed gone, S3's
// 404). Reporting such a commit as a failure would leave the bytes of a
// failed Save visible, and under the Rename policy the storage would send
// them again under a second name. So when [Unknown] says so, the driver
// looks (with what its service offers: an ETag, a CRC32C, a block list) and
// reports the commit as done when the object is its upload's, modified
// [Since] the commit began.
//
// The attempt count (whether the SDK sent the request again) and the HTTP
// status are the driver's to read from its SDK; the decision is the same on
// every backend.
package commitcheck

import (
	"context"
	"net/http"
	"time"
)

// Unknown reports whether a commit that returned err may have taken effect
// anyway. status is the HTTP status of the service's answer that err
// carries, 0 when there was none (the connection broke, the body was not
// read); retried says whether the SDK sent the request more than once.
//
//   - no error, or ctx ended (the caller gave up; there is nothing to look
//     with): no.
//   - no answer, a success cut short (2xx), a server error (5xx): yes.
//   - 404, 409, 412 after a retry: yes, the retry may have met its own
//     first attempt's work; without a retry they are the service's answer.
//   - anything else (the service refused the request): no.
func Unknown(ctx context.Context, err error, status int, retried bool) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	switch {
	case status == 0, status/100 == 2, status >= 500:
		return true
	case status == http.StatusNotFound, status == http.StatusConflict, status == http.StatusPreconditionFailed:
		return retried
	}
	return false
}

// Since reports whether modified, an object's modification (or creation)
// time as the service reports it, is at or after start, the local time the
// commit began, less a second of clock skew and in whole seconds (S3 and
// Azure dates have whole seconds): an older object with the same bytes is
// not taken for the upload's.
func Since(modified, start time.Time) bool {
	return !modified.Before(start.Add(-time.Second).Truncate(time.Second))
}
