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
//
// Freed buffers are reused while any upload runs, and are dropped when the
// last one ends: buffers in use plus buffers kept for reuse never exceed
// the budget's size, and an idle budget holds no memory.
type Budget struct {
	size int64
	sem  *semaphore.Weighted
	used atomic.Int64

	mu    sync.Mutex
	free  [][]byte // freed buffers kept for reuse
	kept  int64    // bytes in free
	inUse int64    // bytes handed out, under mu
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
	b.mu.Lock()
	b.inUse += n
	var buf []byte
	for i, f := range b.free {
		if int64(len(f)) == n {
			buf = f
			b.free = append(b.free[:i], b.free[i+1:]...)
			b.kept -= n
			break
		}
	}
	if buf == nil && b.kept > 0 {
		// None fits: drop them, so that kept plus in use stays within size.
		b.free, b.kept = nil, 0
	}
	b.mu.Unlock()
	if buf == nil {
		buf = make([]byte, n)
	}
	return buf, nil
}

// put returns a buffer obtained from get (with its length unchanged).
func (b *Budget) put(buf []byte) {
	n := int64(len(buf))
	b.mu.Lock()
	b.inUse -= n
	if b.inUse == 0 {
		b.free, b.kept = nil, 0 // idle: hold nothing
	} else {
		b.free = append(b.free, buf)
		b.kept += n
	}
	b.mu.Unlock()
	b.used.Add(-n)
	b.sem.Release(n)
}
