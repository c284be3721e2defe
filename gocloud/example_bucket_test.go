package gocloud_test

import (
	"context"
	"fmt"
	"log"

	"gocloud.dev/blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gocloud"
	_ "github.com/go-storages/storage/memory"
)

// Code written against gocloud.dev/blob runs on any go-storages driver: the
// storage's URL picks it (here mem://; s3://, gs://, azblob://, file://
// alike).
func ExampleOpenBucket() {
	ctx := context.Background()
	st, err := storage.Open(ctx, "mem://")
	if err != nil {
		log.Fatal(err)
	}
	b := gocloud.OpenBucket(st)
	defer b.Close()

	_ = b.WriteAll(ctx, `reports\2026.txt`, []byte("hello"), nil) // a key storage names refuse
	data, _ := b.ReadAll(ctx, `reports\2026.txt`)
	fmt.Println(string(data))

	iter := b.List(&blob.ListOptions{})
	obj, _ := iter.Next(ctx)
	fmt.Println(obj.Key)

	for e := range st.List(ctx, "", storage.ListOptions{}) {
		fmt.Println(e.Name) // what storage stores
	}
	// Output:
	// hello
	// reports\2026.txt
	// reports__0x5c__2026.txt
}
