package s3

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// DefaultBudgetSize is the size of [DefaultBudget].
const DefaultBudgetSize = 64 << 20

// DefaultBudget is the budget of every driver whose Config has no Budget:
// all of them together hold at most 64 MiB in upload part buffers.
var DefaultBudget = NewBudget(DefaultBudgetSize)

// Budget caps the bytes held in upload part buffers by every upload that
// shares it. Uploads wait for room rather than fail. Seekable inputs (read
// at offsets, straight from the file) need no buffers and no budget. A
// Budget is safe for concurrent use.
type Budget struct {
	size int64
	sem  *semaphore.Weighted
	used atomic.Int64
	pool sync.Pool // *[]byte of cap poolSize, recycled part buffers
}

// NewBudget returns a budget of size bytes (at least 5 MiB, one part).
func NewBudget(size int64) *Budget {
	size = max(size, MinPartSize)
	return &Budget{size: size, sem: semaphore.NewWeighted(size)}
}

// Size returns the budget's size in bytes.
func (b *Budget) Size() int64 { return b.size }

// InUse returns the bytes held in part buffers right now.
func (b *Budget) InUse() int64 { return b.used.Load() }

// get waits for n bytes of budget and returns a buffer of length n. A buffer
// larger than the whole budget is capped to the budget's size.
func (b *Budget) get(ctx context.Context, n int64) ([]byte, error) {
	n = min(n, b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	b.used.Add(n)
	if p, ok := b.pool.Get().(*[]byte); ok && int64(cap(*p)) >= n {
		return (*p)[:n], nil
	}
	return make([]byte, n), nil
}

// put returns a buffer obtained from get.
func (b *Budget) put(buf []byte) {
	b.used.Add(-int64(len(buf)))
	b.sem.Release(int64(len(buf)))
	if cap(buf) >= MinPartSize {
		buf = buf[:cap(buf)]
		b.pool.Put(&buf)
	}
}
