package conformance

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"hash/crc32"
	"maps"
	"strings"

	"github.com/go-storages/storage"
)

func sums(data []byte) storage.Checksums {
	m := md5.Sum(data)
	s := sha256.Sum256(data)
	c := binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	return storage.Checksums{MD5: m[:], SHA256: s[:], CRC32C: c}
}

func checksumCases() []testCase {
	data := content("checksum", 70_000)
	good := sums(data)
	bad := func(b []byte) []byte { c := bytes.Clone(b); c[0] ^= 1; return c }
	accept := func(c storage.Checksums) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			got, err := save(t, st, ctx, "ok.bin", bytes.NewReader(data), storage.SaveOptions{Checksums: c})
			if err != nil {
				t.Fatalf("Save with the right checksum: %v", err)
			}
			expectBytes(t, st, got, data)
		}
	}
	reject := func(c storage.Checksums) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "prev.bin", []byte("previous"), storage.SaveOptions{})
			_, err := save(t, st, ctx, "new.bin", bytes.NewReader(data), storage.SaveOptions{Checksums: c})
			expectErr(t, "Save with a wrong checksum", err, storage.ErrChecksum)
			_, err = save(t, st, ctx, "prev.bin", onlyReader{bytes.NewReader(data)}, storage.SaveOptions{Checksums: c, Conflict: storage.Overwrite})
			expectErr(t, "Save(Overwrite) with a wrong checksum", err, storage.ErrChecksum)
			expectBytes(t, st, "prev.bin", []byte("previous"))
			expectNamespace(t, st, "prev.bin")
		}
	}
	return []testCase{
		{"md5-accepted", accept(storage.Checksums{MD5: good.MD5})},
		{"sha256-accepted", accept(storage.Checksums{SHA256: good.SHA256})},
		{"crc32c-accepted", accept(storage.Checksums{CRC32C: good.CRC32C})},
		{"all-accepted", accept(good)},
		{"md5-mismatch", reject(storage.Checksums{MD5: bad(good.MD5)})},
		{"sha256-mismatch", reject(storage.Checksums{SHA256: bad(good.SHA256)})},
		{"crc32c-mismatch", reject(storage.Checksums{CRC32C: bad(good.CRC32C)})},
		{"one-of-three-mismatch", reject(storage.Checksums{MD5: good.MD5, SHA256: good.SHA256, CRC32C: bad(good.CRC32C)})},
		{"wrong-length", reject(storage.Checksums{MD5: good.MD5[:8]})},
		{"empty-object", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			if _, err := save(t, st, ctx, "zero.bin", bytes.NewReader(nil), storage.SaveOptions{Checksums: sums(nil)}); err != nil {
				t.Fatalf("Save of an empty object with its checksums: %v", err)
			}
		}},
		{"stat-reports", func(t T, s *suite) {
			need(t, s.caps.Checksums, "Checksums")
			st, ctx := s.fresh(t)
			put(t, st, "summed.bin", data, storage.SaveOptions{})
			a, err := st.Stat(ctx, "summed.bin")
			if err != nil {
				t.Fatal(err)
			}
			checkSums(t, a.Checksums, good)
			r, err := st.Open(ctx, "summed.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			checkSums(t, r.Attributes().Checksums, good)
		}},
		{"stat-reports-after-unknown-size", func(t T, s *suite) {
			need(t, s.caps.Checksums, "Checksums")
			st, ctx := s.fresh(t)
			big := content("summed-big", 6<<20+3)
			if _, err := save(t, st, ctx, "summed-big.bin", onlyReader{bytes.NewReader(big)}, storage.SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			a, err := st.Stat(ctx, "summed-big.bin")
			if err != nil {
				t.Fatal(err)
			}
			checkSums(t, a.Checksums, sums(big))
		}},
	}
}

// checkSums fails unless got has at least one checksum and every one it has
// is right. An empty slice counts as unknown, like nil.
func checkSums(t T, got, want storage.Checksums) {
	t.Helper()
	if len(got.MD5) == 0 && len(got.SHA256) == 0 && len(got.CRC32C) == 0 {
		t.Fatal("no checksum reported, but the driver declares Checksums")
	}
	for _, c := range []struct {
		kind      string
		got, want []byte
	}{{"MD5", got.MD5, want.MD5}, {"SHA256", got.SHA256, want.SHA256}, {"CRC32C", got.CRC32C, want.CRC32C}} {
		if len(c.got) > 0 && !bytes.Equal(c.got, c.want) {
			t.Fatalf("%s = %x, want %x", c.kind, c.got, c.want)
		}
	}
}

func metadataCases() []testCase {
	full := storage.SaveOptions{
		ContentType:        "text/plain; charset=utf-8",
		CacheControl:       "public, max-age=3600",
		ContentDisposition: `attachment; filename="notes.txt"`,
		ContentEncoding:    "identity",
		ContentLanguage:    "en-GB",
		Metadata:           map[string]string{"author": "Ada Lovelace", "version": "3", "x-trace_id": "abc-123"},
	}
	checkAttrs := func(t T, what string, a *storage.Attributes, o storage.SaveOptions) {
		t.Helper()
		if a.CacheControl != o.CacheControl || a.ContentDisposition != o.ContentDisposition ||
			a.ContentEncoding != o.ContentEncoding || a.ContentLanguage != o.ContentLanguage {
			t.Fatalf("%s headers: %+v, want %+v", what, a, o)
		}
		want := map[string]string{}
		for k, v := range o.Metadata {
			want[strings.ToLower(k)] = v
		}
		if len(a.Metadata) != len(want) || (len(want) > 0 && !maps.Equal(a.Metadata, want)) {
			t.Fatalf("%s metadata: %q, want %q", what, a.Metadata, want)
		}
	}
	roundTrip := func(o storage.SaveOptions) func(T, *suite) {
		return func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			put(t, st, "meta.txt", []byte("notes"), o)
			a, err := st.Stat(ctx, "meta.txt")
			if err != nil {
				t.Fatal(err)
			}
			checkAttrs(t, "Stat", a, o)
			r, err := st.Open(ctx, "meta.txt")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			checkAttrs(t, "Open", r.Attributes(), o)
			h := a.Header()
			if o.CacheControl != "" && h.Get("Cache-Control") != o.CacheControl {
				t.Fatalf("Attributes.Header() = %v", h)
			}
		}
	}
	invalid := func(o storage.SaveOptions) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := save(t, st, ctx, "bad-meta.txt", strings.NewReader("x"), o)
			expectErr(t, "Save with invalid metadata or headers", err, storage.ErrInvalidArgument)
			expectNamespace(t, st)
		}
	}
	return []testCase{
		{"headers-and-metadata", roundTrip(full)},
		{"keys-lower-cased", roundTrip(storage.SaveOptions{Metadata: map[string]string{"Camel-Case": "v", "UPPER": "w"}})},
		{"unicode-value", roundTrip(storage.SaveOptions{Metadata: map[string]string{"title": "Naïve café — 東京 ✓"}})},
		{"value-with-spaces-and-symbols", roundTrip(storage.SaveOptions{Metadata: map[string]string{"q": ` a=b; c,"d" %20 +/ `}})},
		// A tab is valid in a value; sent raw in a header, it broke S3's
		// SigV4 signature on MinIO (found by gocloud.dev's drivertest).
		{"value-with-tabs", roundTrip(storage.SaveOptions{Metadata: map[string]string{"t": "a\tb\t\tc"}})},
		{"none", roundTrip(storage.SaveOptions{})},
		{"overwrite-replaces", func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			put(t, st, "m.txt", []byte("1"), full)
			second := storage.SaveOptions{Metadata: map[string]string{"only": "this"}}
			put(t, st, "m.txt", []byte("2"), second)
			a, err := st.Stat(ctx, "m.txt")
			if err != nil {
				t.Fatal(err)
			}
			checkAttrs(t, "after overwrite", a, second)
		}},
		{"caller-map-not-aliased", func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			m := map[string]string{"k": "before"}
			put(t, st, "alias.txt", []byte("x"), storage.SaveOptions{Metadata: m})
			m["k"] = "after"
			a, err := st.Stat(ctx, "alias.txt")
			if err != nil {
				t.Fatal(err)
			}
			a.Metadata["k"] = "mutated"
			b, err := st.Stat(ctx, "alias.txt")
			if err != nil {
				t.Fatal(err)
			}
			if b.Metadata["k"] != "before" {
				t.Fatalf("stored metadata changed with the caller's map: %q", b.Metadata["k"])
			}
		}},
		{"invalid-key-space", invalid(storage.SaveOptions{Metadata: map[string]string{"bad key": "v"}})},
		{"invalid-key-unicode", invalid(storage.SaveOptions{Metadata: map[string]string{"ключ": "v"}})},
		{"invalid-key-empty", invalid(storage.SaveOptions{Metadata: map[string]string{"": "v"}})},
		{"invalid-key-duplicate-case", invalid(storage.SaveOptions{Metadata: map[string]string{"Key": "1", "key": "2"}})},
		{"invalid-value-newline", invalid(storage.SaveOptions{Metadata: map[string]string{"k": "a\nb"}})},
		{"invalid-value-utf8", invalid(storage.SaveOptions{Metadata: map[string]string{"k": "\xff"}})},
		{"invalid-header-crlf", invalid(storage.SaveOptions{CacheControl: "max-age=1\r\nX-Evil: 1"})},
		{"invalid-content-type-nul", invalid(storage.SaveOptions{ContentType: "text/plain\x00"})},
	}
}

func contentTypeCases() []testCase {
	detect := func(name string, data []byte, given, want string) func(T, *suite) {
		return func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			put(t, st, name, data, storage.SaveOptions{ContentType: given})
			a, err := st.Stat(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentType != want {
				t.Fatalf("content type of %q = %q, want %q", name, a.ContentType, want)
			}
			expectBytes(t, st, name, data)
		}
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), content("png", 2000)...)
	return []testCase{
		{"explicit", detect("data.bin", []byte("x"), "application/x-custom", "application/x-custom")},
		{"explicit-wins-over-extension", detect("page.html", []byte("{}"), "application/json", "application/json")},
		{"from-extension-html", detect("index.html", []byte("plain words"), "", "text/html; charset=utf-8")},
		{"from-extension-png", detect("img/photo.png", []byte("not really a png"), "", "image/png")},
		{"from-extension-uppercase", detect("IMG/PHOTO.PNG", []byte("x"), "", "image/png")},
		{"sniffed-png", detect("noext/image", png, "", "image/png")},
		{"sniffed-html", detect("noext/page", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "", "text/html; charset=utf-8")},
		{"sniffed-text", detect("noext/notes", []byte("just some words\n"), "", "text/plain; charset=utf-8")},
		{"sniffed-binary", detect("noext/blob", []byte{0, 1, 2, 3, 0xfe, 0xff}, "", "application/octet-stream")},
		{"sniffed-empty", detect("noext/empty", nil, "", "text/plain; charset=utf-8")},
		{"sniffed-large-keeps-bytes", detect("noext/large", append(bytes.Clone(png), content("large", 1<<20)...), "", "image/png")},
		{"sniffed-unknown-extension", detect("file.zzqq", []byte("%PDF-1.7\n"), "", "application/pdf")},
	}
}
