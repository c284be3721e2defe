package staticfiles_test

import (
	"context"
	"os"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/staticfiles"
	"github.com/go-storages/storage/staticfiles/internal/stbackends"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// TestCollectEveryBackend runs the same collect (the Django golden tree,
// precompressed) on memory, the filesystem, MinIO, fake-gcs-server and
// Azurite: every source resolves from the manifest to a stored object with
// the bytes of the memory run, and a rerun writes nothing.
func TestCollectEveryBackend(t *testing.T) {
	ctx := context.Background()
	src := []staticfiles.Source{{FS: os.DirFS("testdata/django/static")}}
	opts := staticfiles.Options{Compress: &staticfiles.Fast, Concurrency: 8}
	var want map[string]string
	for _, b := range stbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			res, err := staticfiles.Collect(ctx, st, src, opts)
			if err != nil {
				t.Fatal(err)
			}
			m, err := staticfiles.LoadManifest(ctx, st, "")
			if err != nil {
				t.Fatal(err)
			}
			got := objects(t, st)
			for orig, hashed := range m.Paths() {
				if _, ok := got[hashed]; !ok {
					t.Errorf("%s -> %s not stored", orig, hashed)
				}
				a, err := st.Stat(ctx, hashed)
				if err != nil {
					t.Fatal(err)
				}
				if a.CacheControl != staticfiles.DefaultCacheControl || a.ContentType != staticfiles.ContentType(orig) {
					t.Errorf("%s: %q %q", hashed, a.CacheControl, a.ContentType)
				}
				if u, err := m.URL(orig); err != nil || u != "https://cdn.example.com/static/"+storage.EscapePath(hashed) {
					t.Errorf("URL(%s) = %q, %v", orig, u, err)
				}
			}
			if want == nil {
				want = got
			} else if len(got) != len(want) {
				t.Errorf("%d objects, memory had %d", len(got), len(want))
			} else {
				for n, d := range want {
					if got[n] != d {
						t.Errorf("%s differs from the memory run", n)
					}
				}
			}
			again, err := staticfiles.Collect(ctx, st, src, opts)
			if err != nil {
				t.Fatal(err)
			}
			if again.Uploaded != 0 || again.Compressed != 0 || again.Unchanged != res.Collected {
				t.Errorf("rerun: %+v", again)
			}
		})
	}
}
