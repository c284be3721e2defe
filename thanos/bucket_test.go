package thanos_test

import (
	"strings"
	"testing"
	"time"

	"github.com/thanos-io/objstore"

	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/thanos"
)

// What AcceptanceTest does not check: the content type option, the
// modification times of WithUpdatedAt (objects only), Delete of a missing
// object, and the size a range reader reports.
func TestBucketDetails(t *testing.T) {
	ctx := t.Context()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	bkt := thanos.NewBucket(st, "b")
	if err := bkt.Upload(ctx, "d/x.bin", strings.NewReader("0123456789"), objstore.WithContentType("application/x-test")); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Stat(ctx, "d/x.bin"); err != nil || a.ContentType != "application/x-test" {
		t.Errorf("content type = %v, %v", a, err)
	}
	var got []string
	err = bkt.IterWithAttributes(ctx, "", func(a objstore.IterObjectAttributes) error {
		mt, ok := a.LastModified()
		if ok == strings.HasSuffix(a.Name, "/") || ok && time.Since(mt) > time.Hour {
			t.Errorf("%s: LastModified %v, %v", a.Name, mt, ok)
		}
		got = append(got, a.Name)
		return nil
	}, objstore.WithUpdatedAt())
	if err != nil || len(got) != 1 || got[0] != "d/" {
		t.Errorf("one level = %v, %v", got, err)
	}
	if err := bkt.Delete(ctx, "d/missing"); !bkt.IsObjNotFoundErr(err) {
		t.Errorf("Delete of a missing object = %v, want not found", err)
	}
	r, err := bkt.GetRange(ctx, "d/x.bin", 8, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := objstore.TryToGetSize(r); err != nil || n != 2 {
		t.Errorf("size of the range = %d, %v, want 2", n, err)
	}
	if bkt.Provider() != thanos.Provider || bkt.Name() != "b" {
		t.Errorf("Provider, Name = %s, %s", bkt.Provider(), bkt.Name())
	}
}
