package prefix_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/prefix"
)

func TestPrefix(t *testing.T) {
	ctx := context.Background()
	base, _ := memory.New()
	st := base.Wrap(prefix.Wrap("/tenants/42/"))
	if _, err := st.Save(ctx, "a/b.txt", strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := base.Exists(ctx, "tenants/42/a/b.txt"); !ok {
		t.Fatal("object not stored under the prefix")
	}
	// Rename policy: the generated name comes back without the prefix.
	n, err := st.Save(ctx, "a/b.txt", strings.NewReader("again"), storage.SaveOptions{})
	if err != nil || !strings.HasPrefix(n, "a/b_") {
		t.Fatalf("rename: %q, %v", n, err)
	}
	if _, err := st.Save(ctx, "a/b.txt", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Fail}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("fail policy: %v", err)
	}
	f, err := st.Open(ctx, "a/b.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	if err := st.Copy(ctx, "c.txt", "a/b.txt"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for e, err := range st.List(ctx, "", storage.ListOptions{OneLevel: true}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name)
	}
	if fmt.Sprint(names) != "[a/ c.txt]" {
		t.Fatalf("list = %v", names)
	}
	if err := st.Delete(ctx, "c.txt"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := base.Exists(ctx, "tenants/42/c.txt"); ok {
		t.Fatal("delete missed")
	}
	// Objects outside the prefix are invisible.
	base.Save(ctx, "other.txt", strings.NewReader("x"), storage.SaveOptions{})
	if ok, _ := st.Exists(ctx, "other.txt"); ok {
		t.Fatal("object outside the prefix visible")
	}
}

func TestInvalidPrefix(t *testing.T) {
	base, _ := memory.New()
	st := base.Wrap(prefix.Wrap("a/../b"))
	_, err := st.Save(context.Background(), "x", strings.NewReader("x"), storage.SaveOptions{})
	if !errors.Is(err, storage.ErrInvalidName) {
		t.Fatalf("err = %v", err)
	}
	for _, err := range st.List(context.Background(), "", storage.ListOptions{}) {
		if !errors.Is(err, storage.ErrInvalidName) {
			t.Fatalf("list err = %v", err)
		}
	}
}

func Example() {
	ctx := context.Background()
	shared, _ := memory.New()
	tenant := shared.Wrap(prefix.Wrap("tenants/42"))
	name, _ := tenant.Save(ctx, "report.csv", strings.NewReader("a,b\n"), storage.SaveOptions{})
	fmt.Println(name)
	for e := range shared.List(ctx, "", storage.ListOptions{}) {
		fmt.Println(e.Name)
	}
	// Output:
	// report.csv
	// tenants/42/report.csv
}
