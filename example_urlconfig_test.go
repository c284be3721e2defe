package storage_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// kvConfig is how a driver declares its URL parameters: once, in the url
// tags of its Config.
type kvConfig struct {
	Bucket string
	Region string `url:"region|awsRegion"` // awsRegion: an alias
	Token  string `url:"token,secret"`
	Parts  int    `url:"parts"`
}

func init() {
	storage.Register("kv", storage.URLOpenerFunc(func(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
		cfg := kvConfig{Bucket: q.Bucket(u, "bucket")}
		keys := q.Decode(&cfg)
		return storage.OpenConfig(cfg, keys, func(_ context.Context, c kvConfig, opts ...storage.Option) (*storage.Storage, error) {
			fmt.Printf("open bucket %s in %s, %d parts\n", c.Bucket, c.Region, c.Parts)
			return storage.New(memory.NewDriver(), opts...)
		}), nil
	}))
}

func ExampleURLQuery_Decode() {
	p, err := storage.ParseURL("kv://media/uploads?awsRegion=eu-west-1&token=s3cr3t&parts=4")
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	st, err := p.Open(context.Background())
	if err != nil {
		panic(err)
	}
	defer st.Close()

	_, err = storage.ParseURL("kv://media?parts=-1&token=s3cr3t&colour=red")
	fmt.Println(err)
	// Output:
	// kv://media/uploads?awsRegion=eu-west-1&parts=4&token=REDACTED
	// open bucket media in eu-west-1, 4 parts
	// storage: open: invalid argument: kv URL: parameter "parts": must not be negative
	// kv URL: parameter "colour": unknown parameter
}
