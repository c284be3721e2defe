package storage_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/memory"
)

// Signing as of the start of the hour gives every request of that hour the
// same URL, which browsers and CDNs can cache; tests use the same seam to
// make a URL that has already expired.
func ExampleWithSignTime() {
	signer, _ := hmacurl.New("https://files.example.com/signed/", []byte(strings.Repeat("k", 32)))
	st, _ := memory.New(storage.WithSigner(signer))
	ctx := context.Background()

	hour := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	a, _ := st.SignedURL(storage.WithSignTime(ctx, hour), "report.pdf", storage.SignOptions{Expiry: 2 * time.Hour})
	b, _ := st.SignedURL(storage.WithSignTime(ctx, hour), "report.pdf", storage.SignOptions{Expiry: 2 * time.Hour})
	fmt.Println(a == b)
	fmt.Println(strings.Contains(a, fmt.Sprint("expires=", hour.Add(2*time.Hour).Unix())))
	// Output:
	// true
	// true
}
