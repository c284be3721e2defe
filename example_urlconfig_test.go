package storage_test

import (
	"context"
	"fmt"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// kvConfig is how a driver declares its URL parameters: once, in the url
// tags of its Config. The field tagged host=bucket is the URL's host.
type kvConfig struct {
	Bucket string `url:",host=bucket"`
	Region string `url:"region|awsRegion"` // awsRegion: an alias
	Token  string `url:"token,secret"`
	Parts  int    `url:"parts"`
}

// newKV is the driver's constructor, its New.
func newKV(_ context.Context, c kvConfig, opts ...storage.Option) (*storage.Storage, error) {
	fmt.Printf("open bucket %s in %s, %d parts\n", c.Bucket, c.Region, c.Parts)
	return storage.New(memory.NewDriver(), opts...)
}

// A driver registers its scheme once, from its Config's url tags; the
// check (nil when the tags say everything) adds the rules they cannot say.
func init() {
	storage.RegisterConfig("kv", newKV, func(p *storage.URLConfig[kvConfig]) {
		if p.Config.Parts > 16 {
			p.Fail("parts", "at most 16")
		}
	})
}

func ExampleRegisterConfig() {
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

	_, err = storage.ParseURL("kv://media?parts=32&token=s3cr3t&colour=red")
	fmt.Println(err)
	// Output:
	// kv://media/uploads?awsRegion=eu-west-1&parts=4&token=REDACTED
	// open bucket media in eu-west-1, 4 parts
	// storage: open: invalid argument: kv URL: parameter "parts": at most 16
	// kv URL: parameter "colour": unknown parameter
}
