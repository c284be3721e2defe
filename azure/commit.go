package azure

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"

	"github.com/go-storages/storage/internal/commitcheck"
)

// A commit (Put Blob, Put Block List) whose answer was lost may have taken
// effect (see package commitcheck): the driver then looks. A block list
// commit is this upload's when the blob's committed blocks are exactly its
// blocks (their IDs carry a random per-upload prefix); a single Put Blob is
// when the blob has its size and MD5 and was modified since the request
// began.

// attemptsKey carries an *atomic.Int32 in a request's context, which
// countAttempts increments on every attempt of the request.
type attemptsKey struct{}

// countAttempts is a per-retry pipeline policy: it counts the attempts of
// the calls that ask for it (withAttempts).
type countAttempts struct{}

func (countAttempts) Do(req *policy.Request) (*http.Response, error) {
	if n, ok := req.Raw().Context().Value(attemptsKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
	return req.Next()
}

// withAttempts returns ctx carrying a fresh attempt counter.
func withAttempts(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return context.WithValue(ctx, attemptsKey{}, n), n
}

// outcomeUnknown is commitcheck.Unknown for a commit that returned err
// after the given number of attempts.
func outcomeUnknown(ctx context.Context, err error, attempts *atomic.Int32) bool {
	status := 0
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		status = re.StatusCode
	}
	return commitcheck.Unknown(ctx, err, status, attempts.Load() > 1)
}

// putCommitted reports whether name holds body (MD5 md5sum, computed from
// body when nil), modified since start (commitcheck.Since).
func (d *Driver) putCommitted(ctx context.Context, name string, body func() io.ReadSeeker, md5sum []byte, start time.Time) bool {
	if md5sum == nil {
		h := md5.New()
		if _, err := io.Copy(h, body()); err != nil {
			return false
		}
		md5sum = h.Sum(nil)
	}
	size, err := body().Seek(0, io.SeekEnd)
	if err != nil {
		return false
	}
	p, err := d.cont.NewBlobClient(name).GetProperties(ctx, nil)
	return err == nil && p.ContentLength != nil && *p.ContentLength == size && bytes.Equal(p.ContentMD5, md5sum) &&
		p.LastModified != nil && commitcheck.Since(*p.LastModified, start)
}

// blocksCommitted reports whether name's committed blocks are exactly ids.
func (d *Driver) blocksCommitted(ctx context.Context, name string, ids []string) bool {
	bl, err := d.cont.NewBlockBlobClient(name).GetBlockList(ctx, blockblob.BlockListTypeCommitted, nil)
	if err != nil || len(bl.CommittedBlocks) != len(ids) {
		return false
	}
	got := make([]string, len(ids))
	for i, b := range bl.CommittedBlocks {
		if b.Name == nil {
			return false
		}
		got[i] = *b.Name
	}
	return slices.Equal(got, ids)
}
