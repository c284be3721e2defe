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
	"github.com/go-storages/storage/wrap/readonly"
)

// Wrappers compose in any order around any storage.
func Example() {
	ctx := context.Background()
	shared, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/"))
	shared.Save(ctx, "tenants/42/logo.svg", strings.NewReader("<svg/>"), storage.SaveOptions{})

	sub, _ := shared.Sub("tenants/42") // a prefix is a location, not a wrapper
	tenant := sub.Wrap(readonly.Wrap).
		Wrap(instrument.Wrap(instrument.Options{Storage: "tenant-42"})) // no logger, meter or tracer: off

	ok, _ := tenant.Exists(ctx, "logo.svg")
	_, err := tenant.Save(ctx, "logo.svg", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Overwrite})
	u, _ := tenant.URL("logo.svg")
	fmt.Println(ok, errors.Is(err, fs.ErrPermission), u)
	// Output: true true https://cdn.example.com/tenants/42/logo.svg
}
