package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
)

// A commit (PutObject, CompleteMultipartUpload) can take effect while its
// response is lost: the connection breaks after the service acted, a 200
// response is cut short, or the SDK's retry of a conditional create finds
// the object its own first attempt made (412) or the upload its first
// attempt completed gone (404 NoSuchUpload). Reporting such a commit as a
// failure would leave the bytes of a "failed" Save visible (and, with the
// Rename policy, send them again under a second name). So when the outcome
// is unknown the writer looks: if the object now has the ETag its own bytes
// give (the MD5 of a single-part body; for a multipart upload, the MD5 of
// its parts' MD5s and the part count, as S3 computes it), the commit is
// reported as done.

// attempts counts the HTTP attempts of one SDK call, retries included.
type attempts struct{ n atomic.Int32 }

// option is an s3.Options function for the call to count.
func (a *attempts) option(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("GoStoragesCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				a.n.Add(1)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

// outcomeUnknown reports whether a commit that returned err may have taken
// effect anyway.
func outcomeUnknown(ctx context.Context, err error, a *attempts) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	_, status := apiCode(err)
	switch {
	case status == 0: // no response: the connection broke
		return true
	case status/100 == 2: // a success whose body was cut short
		return true
	case status >= 500:
		return true
	case status == http.StatusPreconditionFailed || status == http.StatusNotFound:
		return a.n.Load() > 1 // the retry found the first attempt's work
	}
	return false
}

// committed reports whether name now holds the object whose ETag is etag
// (unquoted, lower-case hex) and whose size is size, modified at or after
// start (less a second of clock skew; S3 dates have whole seconds), so an
// older object with the same bytes is not taken for this one.
func (d *Driver) committed(ctx context.Context, name, etag string, size int64, start time.Time) bool {
	out, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.cfg.Bucket, Key: &name})
	if err != nil || out.ETag == nil || out.ContentLength == nil || out.LastModified == nil {
		return false
	}
	return strings.EqualFold(strings.Trim(*out.ETag, `"`), etag) && *out.ContentLength == size &&
		!out.LastModified.Before(start.Add(-time.Second).Truncate(time.Second))
}

// bodyETag is the ETag S3 gives a single-part object: the hex MD5 of its
// bytes.
func bodyETag(body io.ReadSeeker) (string, bool) {
	h := md5.New()
	if _, err := io.Copy(h, body); err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// multipartETag is the ETag S3 gives an object completed from parts: the
// hex MD5 of the concatenated binary MD5s of the parts, "-", their count.
func multipartETag(parts []types.CompletedPart) (string, bool) {
	h := md5.New()
	for _, p := range parts {
		if p.ETag == nil {
			return "", false
		}
		sum, err := hex.DecodeString(strings.Trim(*p.ETag, `"`))
		if err != nil || len(sum) != md5.Size {
			return "", false
		}
		h.Write(sum)
	}
	return hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), true
}
