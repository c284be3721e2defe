// Package bucketcheck tells a missing bucket from a missing object when a
// service answers both with the same "not found": S3's HEAD responses carry
// no error code, the GCS SDK turns both into ErrObjectNotExist on object
// calls, and gocloud.dev reports both as gcerrors.NotFound.
//
// A driver calls [Checker.Resolve] with such an error; the Checker asks the
// service whether the bucket exists (HeadBucket, a bucket metadata call) and
// returns an error matching storage.ErrBucketNotExist when it does not.
//
// Cost: a bucket that was found to exist is trusted for [TTL], so a burst of
// Stat or Exists calls on missing objects costs one extra request per TTL,
// not one per call. A missing bucket is never cached (each failing call asks
// again, so a bucket created later is seen at once). The price of the cache:
// a bucket deleted while the driver runs is reported as missing objects by
// the calls that cannot tell (Stat, Exists, Delete on GCS) for up to TTL.
// When the check itself fails (no permission to read the bucket's metadata,
// a network error), the original error is returned unchanged: a missing
// object is the safe answer only when the bucket is known to exist, but
// inventing a missing bucket would be worse.
package bucketcheck

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-storages/storage"
)

// TTL is how long a bucket found to exist is trusted without asking again.
const TTL = time.Minute

// Checker resolves ambiguous "not found" errors for one bucket. The zero
// value is not usable; create it with [New]. It is safe for concurrent use.
type Checker struct {
	bucket string
	exists func(ctx context.Context) (bool, error)
	now    func() time.Time

	confirmed atomic.Int64 // UnixNano of the last "exists" answer, 0 for never
	checks    atomic.Int64 // bucket checks made, for tests
}

// New returns a Checker for the bucket named bucket (used in messages) whose
// existence exists reports: (true, nil) exists, (false, nil) does not,
// (_, err) unknown.
func New(bucket string, exists func(ctx context.Context) (bool, error)) *Checker {
	return &Checker{bucket: bucket, exists: exists, now: time.Now}
}

// Resolve returns err unchanged unless the bucket does not exist, in which
// case it returns an error matching storage.ErrBucketNotExist that wraps
// err. Call it only with errors that mean "not found" and cannot tell a
// missing bucket from a missing object.
func (c *Checker) Resolve(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if t := c.confirmed.Load(); t != 0 && c.now().Sub(time.Unix(0, t)) < TTL {
		return err
	}
	if ctx.Err() != nil {
		return err
	}
	c.checks.Add(1)
	ok, cerr := c.exists(ctx)
	switch {
	case cerr != nil:
		return err
	case ok:
		c.confirmed.Store(c.now().UnixNano())
		return err
	}
	return Missing(c.bucket, err)
}

// Checks returns how many times the Checker asked the service.
func (c *Checker) Checks() int64 { return c.checks.Load() }

// Missing returns an error for a bucket the service says does not exist: it
// matches storage.ErrBucketNotExist with errors.Is, and err's types stay
// reachable with errors.As; but errors.Is does not see through to err, so a
// driver error that matches fs.ErrNotExist (a missing directory under
// gocloud.dev's fileblob) does not make the missing bucket look like a
// missing object.
func Missing(bucket string, err error) error {
	return &missingError{bucket: bucket, err: err}
}

type missingError struct {
	bucket string
	err    error
}

func (e *missingError) Error() string {
	return fmt.Sprintf("bucket %q does not exist: %v", e.bucket, e.err)
}

func (e *missingError) Unwrap() error { return storage.ErrBucketNotExist }

// As lets errors.As reach the service's error.
func (e *missingError) As(target any) bool { return errors.As(e.err, target) }
