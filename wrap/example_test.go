package wrap_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
	"github.com/go-storages/storage/wrap/prefix"
	"github.com/go-storages/storage/wrap/readonly"
)

// Wrappers compose in any order around any storage.
func Example() {
	ctx := context.Background()
	shared, _ := memory.New()
	shared.Save(ctx, "tenants/42/logo.svg", strings.NewReader("<svg/>"), storage.SaveOptions{})

	tenant := shared.Wrap(prefix.Wrap("tenants/42")).
		Wrap(readonly.Wrap).
		Wrap(instrument.Wrap(instrument.Options{Storage: "tenant-42"})) // no logger, meter or tracer: off

	ok, _ := tenant.Exists(ctx, "logo.svg")
	_, err := tenant.Save(ctx, "logo.svg", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Overwrite})
	fmt.Println(ok, errors.Is(err, fs.ErrPermission))
	// Output: true true
}
