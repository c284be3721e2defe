package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Sentinel errors. Every error returned by a [Storage] method that has one of
// these causes matches it with errors.Is, and the matching io/fs error too:
//
//	errors.Is(err, storage.ErrNotExist) // true
//	errors.Is(err, fs.ErrNotExist)      // also true
//
// The driver's own error (an SDK error, an *fs.PathError) stays reachable with
// errors.As.
var (
	// ErrNotExist: the object does not exist. Matches fs.ErrNotExist.
	ErrNotExist error = &kind{"object does not exist", fs.ErrNotExist}
	// ErrExist: the object exists and the conflict policy forbids replacing it. Matches fs.ErrExist.
	ErrExist error = &kind{"object already exists", fs.ErrExist}
	// ErrInvalidName: the name breaks the naming rules (see [ValidateName]). Matches fs.ErrInvalid.
	ErrInvalidName error = &kind{"invalid object name", fs.ErrInvalid}
	// ErrPermission: the backend refused the operation. Matches fs.ErrPermission.
	ErrPermission error = &kind{"permission denied", fs.ErrPermission}
	// ErrUnsupported: the driver cannot do this (see [Capabilities]). Matches errors.ErrUnsupported.
	ErrUnsupported error = &kind{"operation not supported by this driver", errors.ErrUnsupported}
	// ErrChecksum: the saved bytes did not match the expected checksum
	// (nothing was stored), or the bytes of a whole read (Reader.Read to the
	// end, Reader.WriteTo, ReadRange of a whole object, a streamed Copy) did
	// not match the checksum the backend reports for the object (corrupted
	// in transit or at rest; a Copy then stores nothing).
	ErrChecksum error = &kind{"checksum mismatch", nil}
	// ErrInvalidArgument: an option or argument other than the name is invalid. Matches fs.ErrInvalid.
	ErrInvalidArgument error = &kind{"invalid argument", fs.ErrInvalid}
	// ErrChanged: another writer changed the object during the operation.
	// A [Reader] reads the one version it opened: a read that needs the
	// backend again (after Seek, through ReadAt, a parallel download) fails
	// with ErrChanged when that version was replaced or deleted meanwhile,
	// never mixing bytes of two versions; open the object again to read the
	// new one. A streamed Save that lost a race with a concurrent write of
	// the same name on a backend that cannot commit it (see the driver's
	// documentation) fails with ErrChanged too, and stored nothing; saving
	// again is safe.
	ErrChanged error = &kind{"object changed during the operation", nil}
	// ErrBucketNotExist: the bucket (S3, GCS) or container (Azure) the
	// storage is configured for does not exist: a configuration error, from
	// every operation that reaches the backend. It deliberately matches
	// neither ErrNotExist nor fs.ErrNotExist (nor any other io/fs error), so
	// a misspelt bucket never looks like an empty one: Exists returns this
	// error rather than false, and Delete fails rather than succeeding.
	ErrBucketNotExist error = &kind{"bucket does not exist", nil}
)

type kind struct {
	msg string
	std error
}

func (k *kind) Error() string { return "storage: " + k.msg }
func (k *kind) Unwrap() error { return k.std }

// Error is the error type returned by every [Storage] method. Op is the method
// ("save", "open", ...), Name the object name as the caller gave it (never a
// credential), Kind one of the sentinel errors or nil, and Err the underlying
// error, usually the driver's.
type Error struct {
	Op   string
	Name string
	Kind error
	Err  error

	text string // the driver's short text for Err (see ErrorTexter), or ""
}

// Error reads once as "storage: op "name": cause": the kind's text is left
// out when the cause already says it (an underlying error that wraps the
// sentinel itself, or an operating-system error reading "permission
// denied"), and a sentinel or *Error wrapped inside the cause is shown
// without its own "storage: " prefix.
func (e *Error) Error() string {
	msg := "storage: " + e.Op
	if e.Name != "" {
		msg += " " + quote(e.Name)
	}
	if d := e.detail(); d != "" {
		return msg + ": " + d
	}
	return msg
}

// detail is the message after "storage: op "name": ".
func (e *Error) detail() string {
	kmsg := ""
	if k, ok := e.Kind.(*kind); ok {
		kmsg = k.msg
	}
	cause := ""
	if e.Err != nil && e.Err != e.Kind {
		cause = causeText(e.Err, e.text)
	}
	switch {
	case cause == "":
		return kmsg
	case kmsg == "" || strings.Contains(cause, kmsg):
		return cause
	}
	return kmsg + ": " + cause
}

// causeText is err's message with the root package's own prefixes taken out
// of what it wraps: "storage: permission denied: x" reads "permission
// denied: x", and a wrapped *Error reads as its detail.
func causeText(err error, text string) string {
	s := err.Error()
	if text != "" {
		s = text
	}
	var inner *Error
	if errors.As(err, &inner) {
		s = strings.Replace(s, inner.Error(), inner.detail(), 1)
	}
	for _, k := range kinds {
		k := k.(*kind)
		s = strings.ReplaceAll(s, "storage: "+k.msg, k.msg)
	}
	return s
}

// Unwrap returns the kind and the underlying error, so errors.Is and errors.As
// see both.
func (e *Error) Unwrap() []error {
	switch {
	case e.Kind == nil:
		return []error{e.Err}
	case e.Err == nil || e.Err == e.Kind:
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// KindOf returns the sentinel error (ErrNotExist, ErrExist, ...) that err
// matches, or nil.
func KindOf(err error) error {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// DriverKind is the sentinel a [Storage] gives err, an error of driver
// d: the sentinel err already matches ([KindOf]), else d.ErrorKind(err),
// else the io/fs equivalent (fs.ErrNotExist is ErrNotExist, fs.ErrExist
// ErrExist, fs.ErrPermission ErrPermission, and so the syscall errors that
// match them), else nil. Wrappers classifying a driver's errors (metrics,
// logs) use it to agree with Storage.
func DriverKind(d Driver, err error) error {
	if k := KindOf(err); k != nil {
		return k
	}
	if k := d.ErrorKind(err); k != nil {
		return k
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ErrNotExist
	case errors.Is(err, fs.ErrExist):
		return ErrExist
	case errors.Is(err, fs.ErrPermission):
		return ErrPermission
	}
	return nil
}

var kinds = []error{ErrBucketNotExist, ErrNotExist, ErrExist, ErrInvalidName, ErrPermission, ErrUnsupported, ErrChecksum, ErrInvalidArgument, ErrChanged}

// wrap turns a driver's error into an *Error. Errors that already carry a
// kind keep it; otherwise the driver classifies them. A context error
// gains the cause ctx was cancelled with (see [withCause]).
func (s *Storage) wrap(ctx context.Context, op, name string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) && se.Op == op {
		return err
	}
	err = withCause(ctx, err)
	var k error
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		k = DriverKind(s.drv, err)
	} else {
		k = KindOf(err)
	}
	e := &Error{Op: op, Name: name, Kind: k, Err: err}
	if t, ok := s.drv.(ErrorTexter); ok {
		e.text = t.ErrorText(err)
	}
	return e
}

// ErrorTexter is an optional interface of a [Driver] whose SDK's errors
// read long (a multi-line dump of the HTTP exchange that says the service's
// message twice): the message of the *Error a [Storage] returns shows
// ErrorText(err) in place of err.Error(), while errors.As still reaches
// err itself. ErrorText returns "" to keep err.Error(). Wrapping drivers
// forward it.
type ErrorTexter interface {
	ErrorText(err error) string
}

// withCause returns err, a context error, with the cause ctx was cancelled
// with appended ("context canceled: interrupt signal received", or the
// cause given to [context.WithCancelCause] or [context.WithTimeoutCause]),
// unless ctx is not done, the cause is the bare context error, or err
// already carries it. errors.Is(err, context.Canceled) and errors.Is(err,
// cause) both hold on the result. Whether a driver noticed the
// cancellation first (plain ctx.Err()) or the input or the SDK did (an
// error wrapping it) the caller then reads the same reason.
func withCause(ctx context.Context, err error) error {
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	cause := context.Cause(ctx)
	if cause == nil || cause == ctx.Err() || errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w: %w", err, cause)
}

func errorf(op, name string, k error, detail string) error {
	e := &Error{Op: op, Name: name, Kind: k}
	if detail != "" {
		e.Err = errors.New(detail)
	}
	return e
}

// quote shows a name in an error message without letting control characters
// or invalid UTF-8 through.
func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
