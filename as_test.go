package storage_test

import (
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
	"github.com/go-storages/storage/wrap/readonly"
)

// sdkDriver exposes a *handle through As, as the cloud drivers expose
// their SDK clients.
type sdkDriver struct {
	storage.Driver
	h *handle
}

type handle struct{ name string }

func (d sdkDriver) As(target any) bool {
	if p, ok := target.(**handle); ok {
		*p = d.h
		return true
	}
	return false
}

// As reaches what the driver exposes, through wrappers, and never the
// driver itself.
func TestAs(t *testing.T) {
	h := &handle{name: "sdk client"}
	st, err := storage.New(sdkDriver{Driver: memory.NewDriver(), h: h})
	if err != nil {
		t.Fatal(err)
	}
	st = st.Wrap(readonly.Wrap).Wrap(instrument.Wrap(instrument.Options{}))
	var got *handle
	if !st.As(&got) || got != h {
		t.Fatalf("As(**handle) = %v", got)
	}
	var drv storage.Driver
	if st.As(&drv) {
		t.Fatal("As handed out the driver")
	}
	var s string
	if st.As(&s) {
		t.Fatal("As(*string) reported true")
	}
	plain, _ := memory.New()
	if plain.As(&got) {
		t.Fatal("memory exposes a *handle")
	}
}
