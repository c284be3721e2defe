package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/go-storages/storage/internal/commitcheck"
)

// A commit (PutObject, CompleteMultipartUpload) whose answer was lost may
// have taken effect (see package commitcheck): the writer then looks, and
// reports the commit as done when the object has the ETag its own bytes
// give (the MD5 of a single-part body; for a multipart upload, the MD5 of
// its parts' MD5s and the part count, as S3 computes it).

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

// outcomeUnknown is commitcheck.Unknown for an S3 call counted by a.
func outcomeUnknown(ctx context.Context, err error, a *attempts) bool {
	_, status := apiCode(err)
	return commitcheck.Unknown(ctx, err, status, a.n.Load() > 1)
}

// committed reports whether name now holds the object whose ETag is etag
// (unquoted, lower-case hex) and whose size is size, modified since start
// (commitcheck.Since).
func (d *Driver) committed(ctx context.Context, name, etag string, size int64, start time.Time) bool {
	out, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.cfg.Bucket, Key: &name})
	if err != nil || out.ETag == nil || out.ContentLength == nil || out.LastModified == nil {
		return false
	}
	return strings.EqualFold(strings.Trim(*out.ETag, `"`), etag) && *out.ContentLength == size &&
		commitcheck.Since(*out.LastModified, start)
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
