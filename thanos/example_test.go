package thanos_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/thanos-io/objstore"

	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/thanos"
)

func ExampleNewBucket() {
	ctx := context.Background()
	st, _ := memory.New()
	bkt := thanos.NewBucket(st, "blocks")

	_ = bkt.Upload(ctx, "01J0000000000000000000000/meta.json", strings.NewReader(`{"version":1}`))
	_ = bkt.Iter(ctx, "", func(name string) error {
		fmt.Println(name)
		return nil
	}, objstore.WithRecursiveIter())

	r, _ := bkt.GetRange(ctx, "01J0000000000000000000000/meta.json", 2, 7)
	b, _ := io.ReadAll(r)
	r.Close()
	fmt.Println(string(b))

	_, err := bkt.Get(ctx, "missing")
	fmt.Println(bkt.IsObjNotFoundErr(err))
	// Output:
	// 01J0000000000000000000000/meta.json
	// version
	// true
}
