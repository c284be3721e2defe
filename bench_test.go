package storage_test

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// BenchmarkURL measures public CDN URL building (issue 2: at most 200 ns/op
// and 2 allocations). impl=storage is Storage.URL; impl=naive is what a user
// would write by hand (url.JoinPath over a base), for comparison.
func BenchmarkURL(b *testing.B) {
	const name = "avatars/2026/11/user 42+profile.png"
	one, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/media/"), storage.WithLocation("media"))
	sharded, _ := memory.New(storage.WithBaseURL("https://a.cdn.example.com/", "https://b.cdn.example.com/", "https://c.cdn.example.com/"))
	b.Run("impl=storage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := one.URL(name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=storage-sharded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sharded.URL(name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := url.JoinPath("https://cdn.example.com/media/", "media", name); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestURLAllocs pins the allocation count of URL building (a count, not a
// time: it does not depend on the machine).
func TestURLAllocs(t *testing.T) {
	st, _ := memory.New(storage.WithBaseURL("https://a.example/", "https://b.example/"), storage.WithLocation("m"))
	n := testing.AllocsPerRun(100, func() { _, _ = st.URL("a b/c+d.png") })
	if n > 2 {
		t.Fatalf("URL allocates %v times, want <= 2", n)
	}
}
