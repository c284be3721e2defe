package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// Sub is WithLocation on an existing storage: names hide the prefix, the
// backend holds the full key, public URLs include it.
func TestSub(t *testing.T) {
	ctx := t.Context()
	st, err := memory.New(storage.WithLocation("media"), storage.WithBaseURL("https://cdn.example.com/"))
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := st.Sub("/tenants/42/")
	if err != nil {
		t.Fatal(err)
	}
	name, err := tenant.Save(ctx, "a b.txt", strings.NewReader("x"), storage.SaveOptions{})
	if err != nil || name != "a b.txt" {
		t.Fatalf("Save: %q %v", name, err)
	}
	if u, _ := tenant.URL(name); u != "https://cdn.example.com/media/tenants/42/a%20b.txt" {
		t.Fatalf("URL %s", u)
	}
	if ok, _ := st.Exists(ctx, "tenants/42/a b.txt"); !ok {
		t.Fatal("the parent storage does not see tenants/42/a b.txt")
	}
	var names []string
	for e, err := range tenant.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name)
	}
	if len(names) != 1 || names[0] != "a b.txt" {
		t.Fatalf("List: %q", names)
	}
	// The rename of a taken name stays inside the prefix.
	again, err := tenant.Save(ctx, "a b.txt", strings.NewReader("y"), storage.SaveOptions{})
	if err != nil || !strings.HasPrefix(again, "a b_") {
		t.Fatalf("second Save: %q %v", again, err)
	}
	same, err := st.Sub("")
	if err != nil || same != st {
		t.Fatalf("Sub(\"\"): %v %v", same, err)
	}
	for _, bad := range []string{"../x", "a//b", strings.Repeat("d", 1100)} {
		if _, err := st.Sub(bad); !errors.Is(err, storage.ErrInvalidName) {
			t.Fatalf("Sub(%.20q): %v, want ErrInvalidName", bad, err)
		}
	}
	// A name that fits the parent may not fit under the prefix.
	long := strings.Repeat("n", storage.MaxNameLength-len("media/")-1)
	if _, err := tenant.Save(ctx, long, strings.NewReader("x"), storage.SaveOptions{}); !errors.Is(err, storage.ErrInvalidName) {
		t.Fatalf("name too long under the prefix: %v", err)
	}
}
