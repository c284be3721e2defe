package gcs_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gcs"
)

// New makes no request: the storage builds public URLs at once. Here the
// driver points at an emulator address (nothing is contacted) and the bucket
// is declared public; in production leave Endpoint empty and the URL is on
// storage.googleapis.com. A private bucket has no public URL without a base
// URL (see ExampleConfig_cdn).
func ExampleNew() {
	ctx := context.Background()
	st, err := gcs.New(ctx, gcs.Config{Bucket: "my-media", Endpoint: "http://127.0.0.1:4443", Emulator: true, PublicBucket: true})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	u, _ := st.URL("avatars/me & you.png")
	fmt.Println(u)
	// Output: http://127.0.0.1:4443/my-media/avatars/me%20%26%20you.png
}

// A CDN domain in front of the bucket (Cloud CDN or a bucket-bound
// hostname) serves the public URLs.
func ExampleConfig_cdn() {
	st, err := gcs.New(context.Background(), gcs.Config{
		Bucket: "my-media", Endpoint: "http://127.0.0.1:4443", Emulator: true,
	}, storage.WithBaseURL("https://cdn.example.com/"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	u, _ := st.URL("logo.svg")
	fmt.Println(u)
	// Output: https://cdn.example.com/logo.svg
}

// Signed URLs are V4 URLs signed with the service account's key (here a
// freshly generated one), also for a bucket-bound hostname.
func ExampleDriver_SignedURL() {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	st, err := gcs.New(context.Background(), gcs.Config{
		Bucket: "media.example.com", Endpoint: "https://127.0.0.1:4443", Emulator: true,
		GoogleAccessID: "uploader@my-project.iam.gserviceaccount.com",
		PrivateKey:     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		SignHostname:   "media.example.com",
	})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	s, err := st.SignedURL(context.Background(), "uploads/report.csv", storage.SignOptions{
		Method: http.MethodPut, ContentType: "text/csv", Expiry: time.Hour})
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(s)
	q := u.Query()
	fmt.Println(u.Scheme, u.Host, u.Path)
	fmt.Println(q.Get("X-Goog-Algorithm"), q.Get("X-Goog-SignedHeaders"), q.Get("X-Goog-Expires"))
	fmt.Println(strings.HasPrefix(q.Get("X-Goog-Credential"), "uploader@my-project.iam.gserviceaccount.com/"))
	// Output:
	// https media.example.com /uploads/report.csv
	// GOOG4-RSA-SHA256 content-type;host 3600
	// true
}

// Driver-specific options travel in SaveOptions.DriverOptions.
func ExampleSaveOptions() {
	opts := storage.SaveOptions{
		ContentType:   "application/pdf",
		Public:        true, // predefined ACL publicRead
		DriverOptions: &gcs.SaveOptions{StorageClass: "NEARLINE", ChunkSize: 8 << 20},
	}
	fmt.Println(opts.DriverOptions.(*gcs.SaveOptions).StorageClass)
	// Output: NEARLINE
}

// All uploads of the drivers that share a Budget buffer at most its size.
func ExampleConfig_budget() {
	budget := storage.NewBudget(64 << 20)
	cfg := gcs.Config{Bucket: "my-media", Budget: budget, ChunkSize: 8 << 20}
	fmt.Println(budget.Size()>>20, "MiB shared;", cfg.ChunkSize>>20, "MiB per large upload")
	// Output: 64 MiB shared; 8 MiB per large upload
}
