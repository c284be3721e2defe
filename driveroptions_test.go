package storage_test

import (
	"errors"
	"testing"

	"github.com/go-storages/storage"
)

type optsA struct{ n int }

func (*optsA) DriverName() string { return "a" }

type optsB struct{}

func (*optsB) DriverName() string { return "b" }

// optsAValue names driver "a" but is no *optsA.
type optsAValue struct{}

func (optsAValue) DriverName() string { return "a" }

func TestOptionsFor(t *testing.T) {
	if o, err := storage.OptionsFor[*optsA]("a", nil); o != nil || err != nil {
		t.Fatalf("nil: %v %v", o, err)
	}
	if o, err := storage.OptionsFor[*optsA]("a", &optsA{n: 3}); err != nil || o.n != 3 {
		t.Fatalf("own options: %v %v", o, err)
	}
	if o, err := storage.OptionsFor[*optsA]("a", &optsB{}); o != nil || err != nil {
		t.Fatalf("another driver's options: %v %v, want ignored", o, err)
	}
	for _, v := range []any{optsAValue{}, 1, "x", optsA{}} {
		if _, err := storage.OptionsFor[*optsA]("a", v); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Fatalf("%T: %v, want ErrInvalidArgument", v, err)
		}
	}
}
