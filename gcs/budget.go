package gcs

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// DefaultBudgetBytes is the size of the process-wide upload budget that
// drivers without Config.Budget share.
const DefaultBudgetBytes = 256 << 20

var defaultBudget = NewBudget(DefaultBudgetBytes)

// Budget is a byte budget shared by concurrent uploads: each upload reserves
// the memory it buffers (one chunk, or the object when it is small) before
// reading its first byte and releases it when done, so the buffers of all
// uploads sharing a Budget never exceed its size. A single upload larger than
// the whole budget reserves the whole budget. It is safe for concurrent use.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget returns a budget of n bytes (at least 1 MiB).
func NewBudget(n int64) *Budget {
	n = max(n, 1<<20)
	return &Budget{sem: semaphore.NewWeighted(n), size: n}
}

// Size returns the budget in bytes.
func (b *Budget) Size() int64 { return b.size }

// acquire reserves n bytes (capped at the budget's size), waiting until they
// are free or ctx is done, and returns what it reserved.
func (b *Budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(max(n, 0), b.size)
	if n == 0 {
		return 0, nil
	}
	if err := b.sem.Acquire(ctx, n); err != nil {
		return 0, err
	}
	return n, nil
}

func (b *Budget) release(n int64) {
	if n > 0 {
		b.sem.Release(n)
	}
}
