package conformance

import (
	"maps"

	"github.com/go-storages/storage"
)

func copyCases() []testCase {
	return []testCase{
		{"bytes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("copy", 50_000)
			put(t, st, "src.bin", data, storage.SaveOptions{})
			track(t, st, "dst/copy.bin")
			if err := st.Copy(ctx, "dst/copy.bin", "src.bin"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "dst/copy.bin", data)
			expectBytes(t, st, "src.bin", data)
			expectNamespace(t, st, "dst/copy.bin", "src.bin")
		}},
		{"empty-object", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "e0", nil, storage.SaveOptions{})
			track(t, st, "e1")
			if err := st.Copy(ctx, "e1", "e0"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "e1", nil)
		}},
		{"replaces-destination", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "from", []byte("new bytes"), storage.SaveOptions{})
			put(t, st, "to", []byte("old bytes, longer than the new"), storage.SaveOptions{})
			if err := st.Copy(ctx, "to", "from"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "to", []byte("new bytes"))
		}},
		{"missing-source", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "keep", []byte("keep"), storage.SaveOptions{})
			err := st.Copy(ctx, "keep", "absent")
			expectErr(t, "Copy from a missing source", err, storage.ErrNotExist)
			expectBytes(t, st, "keep", []byte("keep"))
			expectNamespace(t, st, "keep")
		}},
		{"independent-of-source", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "orig", []byte("original"), storage.SaveOptions{})
			track(t, st, "dup")
			if err := st.Copy(ctx, "dup", "orig"); err != nil {
				t.Fatal(err)
			}
			put(t, st, "orig", []byte("changed"), storage.SaveOptions{})
			if err := st.Delete(ctx, "orig"); err != nil {
				t.Fatal(err)
			}
			expectBytes(t, st, "dup", []byte("original"))
		}},
		{"keeps-content-type", func(t T, s *suite) {
			need(t, s.caps.ContentType, "ContentType")
			st, ctx := s.fresh(t)
			put(t, st, "typed", []byte("{}"), storage.SaveOptions{ContentType: "application/vnd.test+json"})
			track(t, st, "typed-copy")
			if err := st.Copy(ctx, "typed-copy", "typed"); err != nil {
				t.Fatal(err)
			}
			a, err := st.Stat(ctx, "typed-copy")
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentType != "application/vnd.test+json" {
				t.Fatalf("copy has content type %q", a.ContentType)
			}
		}},
		{"keeps-metadata-and-headers", func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			opts := storage.SaveOptions{
				CacheControl:       "public, max-age=60",
				ContentDisposition: `attachment; filename="report.txt"`,
				ContentLanguage:    "fr",
				Metadata:           map[string]string{"owner": "ada", "rev": "7"},
			}
			put(t, st, "meta-src", []byte("report"), opts)
			track(t, st, "meta-dst")
			if err := st.Copy(ctx, "meta-dst", "meta-src"); err != nil {
				t.Fatal(err)
			}
			a, err := st.Stat(ctx, "meta-dst")
			if err != nil {
				t.Fatal(err)
			}
			if a.CacheControl != opts.CacheControl || a.ContentDisposition != opts.ContentDisposition ||
				a.ContentLanguage != opts.ContentLanguage || !maps.Equal(a.Metadata, opts.Metadata) {
				t.Fatalf("copy attributes %+v, want those of %+v", a, opts)
			}
		}},
		{"server-side", func(t T, s *suite) {
			need(t, s.caps.ServerSideCopy, "ServerSideCopy")
			base, ctx := s.fresh(t)
			put(t, base, "ss-src", []byte("stays in the backend"), storage.SaveOptions{})
			track(t, base, "ss-dst")
			var calls countingCalls
			st := base.Wrap(calls.wrap)
			if err := st.Copy(ctx, "ss-dst", "ss-src"); err != nil {
				t.Fatal(err)
			}
			if n := calls.io.Load(); n != 0 {
				t.Fatalf("a server-side Copy made %d Read/Write calls through this process", n)
			}
			expectBytes(t, base, "ss-dst", []byte("stays in the backend"))
		}},
		{"large", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("copy-large", 9<<20+7)
			put(t, st, "big-src", data, storage.SaveOptions{})
			track(t, st, "big-dst")
			if err := st.Copy(ctx, "big-dst", "big-src"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "big-dst", data)
		}},
	}
}
