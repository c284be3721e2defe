package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Buffers are reused while the budget is busy, never held beyond its size,
// and dropped when it goes idle.
func TestBudgetReuse(t *testing.T) {
	const part = MinBudgetSize
	b := NewBudget(3 * part)
	ctx := t.Context()
	x, _ := b.Get(ctx, part)
	y, _ := b.Get(ctx, part)
	b.Put(y)
	z, _ := b.Get(ctx, part)
	if &z[0] != &y[0] {
		t.Fatal("freed buffer not reused while busy")
	}
	small, _ := b.Get(ctx, 100)
	b.Put(small)
	if _, err := b.Get(ctx, part); err != nil { // no fit: the kept small buffer is dropped
		t.Fatal(err)
	}
	if b.kept+b.inUse > b.size {
		t.Fatalf("kept %d + in use %d > size %d", b.kept, b.inUse, b.size)
	}
	b.Put(x)
	b.Put(z)
	if b.kept+b.inUse > b.size || b.InUse() != part {
		t.Fatalf("kept %d, in use %d", b.kept, b.inUse)
	}
}

func TestBudgetIdleHoldsNothing(t *testing.T) {
	b := NewBudget(2 * MinBudgetSize)
	x, _ := b.Get(t.Context(), MinBudgetSize)
	b.Put(x)
	if b.kept != 0 || len(b.free) != 0 || b.InUse() != 0 {
		t.Fatalf("idle budget keeps %d bytes", b.kept)
	}
}

// Reservations and buffers share the budget; a request beyond the room
// left waits and gives up with its context; a request larger than the whole
// budget is capped to it.
func TestBudgetBounds(t *testing.T) {
	b := NewBudget(0)
	if b.Size() != MinBudgetSize {
		t.Fatalf("NewBudget(0).Size() = %d, want MinBudgetSize", b.Size())
	}
	got, err := b.Reserve(t.Context(), 10*MinBudgetSize)
	if err != nil || got != MinBudgetSize {
		t.Fatalf("Reserve beyond the size = %d, %v; want the whole budget", got, err)
	}
	if _, ok := b.TryGet(1); ok {
		t.Fatal("TryGet succeeded on a full budget")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := b.Get(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get on a full budget: %v, want the context's error", err)
	}
	b.Release(got)
	buf, ok := b.TryGet(2 * MinBudgetSize)
	if !ok || int64(len(buf)) != MinBudgetSize || b.InUse() != MinBudgetSize {
		t.Fatalf("TryGet beyond the size: %d bytes, %v, in use %d", len(buf), ok, b.InUse())
	}
	b.Put(buf)
	if b.InUse() != 0 {
		t.Fatalf("%d bytes in use after everything was given back", b.InUse())
	}
	if a, b := DefaultBudget(), DefaultBudget(); a != b || a.Size() != DefaultBudgetSize {
		t.Fatal("DefaultBudget is not one process-wide budget of DefaultBudgetSize")
	}
}
