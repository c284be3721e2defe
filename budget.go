package storage

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// DefaultBudgetSize is the size of the process-wide [DefaultBudget].
const DefaultBudgetSize = 128 << 20

// MinBudgetSize is the smallest budget [NewBudget] makes: one part of the
// smallest size S3 accepts for a multipart upload.
const MinBudgetSize = 5 << 20

var defaultBudget = NewBudget(DefaultBudgetSize)

// DefaultBudget returns the budget every driver uses unless its
// configuration names another: one budget of DefaultBudgetSize bytes shared
// by every upload of every driver (s3, gcs, azure) in the process, so the
// memory all uploads buffer together stays within it however many storages
// are open.
func DefaultBudget() *Budget { return defaultBudget }

// Budget caps the bytes that the uploads sharing it hold in memory: the
// part, chunk or block buffers a driver fills from a stream before sending
// it. An upload waits (honouring its context) for room rather than fail.
// Inputs the driver reads at offsets (a file, a bytes.Reader) need no
// buffers and take nothing from the budget. A Budget is safe for concurrent
// use; drivers call its methods, users only create one with [NewBudget] and
// pass it in a driver's configuration (or as the "budget" parameter of a
// storage URL, which gives that storage a budget of its own).
//
// Buffers taken with Get and given back with Put are reused while any of
// its uploads runs and dropped when the last one ends: buffers in use plus
// buffers kept for reuse never exceed the budget's size, and an idle budget
// holds no memory.
type Budget struct {
	size int64
	sem  *semaphore.Weighted
	used atomic.Int64

	mu    sync.Mutex
	free  [][]byte // freed buffers kept for reuse
	kept  int64    // bytes in free
	inUse int64    // bytes of buffers handed out, under mu
}

// NewBudget returns a budget of size bytes (at least MinBudgetSize).
func NewBudget(size int64) *Budget {
	size = max(size, MinBudgetSize)
	return &Budget{size: size, sem: semaphore.NewWeighted(size)}
}

// Size returns the budget's size in bytes.
func (b *Budget) Size() int64 { return b.size }

// InUse returns the bytes taken from the budget right now (buffers from Get
// and reservations from Reserve).
func (b *Budget) InUse() int64 { return b.used.Load() }

// Reserve waits for n bytes of budget (capped at its size), for memory the
// caller does not take from the budget's buffers (an SDK's own chunk
// buffer), and returns the bytes reserved, to give back with Release.
func (b *Budget) Reserve(ctx context.Context, n int64) (int64, error) {
	n = min(max(n, 0), b.size)
	if n == 0 {
		return 0, nil
	}
	if err := b.sem.Acquire(ctx, n); err != nil {
		return 0, err
	}
	b.used.Add(n)
	return n, nil
}

// Release gives back n bytes obtained from Reserve.
func (b *Budget) Release(n int64) {
	if n > 0 {
		b.used.Add(-n)
		b.sem.Release(n)
	}
}

// Get waits for n bytes of budget and returns a buffer of length n, or of
// the budget's size when n is larger. Give it back with Put.
func (b *Budget) Get(ctx context.Context, n int64) ([]byte, error) {
	n = min(max(n, 1), b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	return b.take(n), nil
}

// TryGet is Get without waiting: it reports false when the budget has no
// room for the buffer now.
func (b *Budget) TryGet(n int64) ([]byte, bool) {
	n = min(max(n, 1), b.size)
	if !b.sem.TryAcquire(n) {
		return nil, false
	}
	return b.take(n), true
}

func (b *Budget) take(n int64) []byte {
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
	return buf
}

// Put gives back a buffer obtained from Get or TryGet, with its length
// unchanged.
func (b *Budget) Put(buf []byte) {
	n := int64(len(buf))
	b.mu.Lock()
	b.inUse -= n
	if b.inUse == 0 {
		b.free, b.kept = nil, 0 // idle: hold nothing
	} else {
		b.free = append(b.free, buf[:n:n])
		b.kept += n
	}
	b.mu.Unlock()
	b.used.Add(-n)
	b.sem.Release(n)
}
