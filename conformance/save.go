package conformance

import (
	"bytes"
	"io"
	"strings"
	"testing/iotest"

	"github.com/go-storages/storage"
)

// onlyReader hides every method but Read, so the size is unknown.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func saveCases() []testCase {
	roundTrip := func(name string, data []byte, wrap func(io.Reader) io.Reader, opts storage.SaveOptions) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			got, err := save(t, st, ctx, name, wrap(bytes.NewReader(data)), opts)
			if err != nil {
				t.Fatalf("Save(%q): %v", name, err)
			}
			if got != name {
				t.Fatalf("Save(%q) on an empty storage stored %q", name, got)
			}
			expectBytes(t, st, name, data)
			a, err := st.Stat(ctx, name)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if a.Size != int64(len(data)) {
				t.Fatalf("Stat size %d, want %d", a.Size, len(data))
			}
		}
	}
	same := func(r io.Reader) io.Reader { return r }
	unknown := func(r io.Reader) io.Reader { return onlyReader{r} }
	all256 := make([]byte, 256*4)
	for i := range all256 {
		all256[i] = byte(i)
	}
	return []testCase{
		{"small", roundTrip("hello.txt", []byte("hello, world\n"), same, storage.SaveOptions{})},
		{"empty", roundTrip("empty.bin", nil, same, storage.SaveOptions{})},
		{"empty-unknown-size", roundTrip("empty2.bin", nil, unknown, storage.SaveOptions{})},
		{"every-byte-value", roundTrip("bytes.bin", all256, same, storage.SaveOptions{})},
		{"unknown-size", roundTrip("unknown.bin", content("unknown", 100_000), unknown, storage.SaveOptions{})},
		{"size-hint", roundTrip("hint.bin", content("hint", 70_000), unknown, storage.SaveOptions{Size: 70_000})},
		{"one-byte-reads", roundTrip("onebyte.txt", content("onebyte", 3000), iotest.OneByteReader, storage.SaveOptions{})},
		{"data-with-eof", roundTrip("dataeof.txt", content("dataeof", 5000), iotest.DataErrReader, storage.SaveOptions{})},
		{"half-reads", roundTrip("half.bin", content("half", 200_000), iotest.HalfReader, storage.SaveOptions{})},
		{"nested-directories", roundTrip("a/b/c/d/nested.txt", []byte("deep"), same, storage.SaveOptions{})},
		{"multi-megabyte-unknown-size", roundTrip("big/20mib.bin", content("20mib", 20<<20+12345), unknown, storage.SaveOptions{})},
		{"multi-megabyte-known-size", roundTrip("big/7mib.bin", content("7mib", 7<<20+1), same, storage.SaveOptions{})},
		{"returns-stored-name", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "dir/taken.txt", []byte("first"), storage.SaveOptions{})
			got, err := save(t, st, ctx, "dir/taken.txt", strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Fatalf("Save: %v", err)
			}
			if got == "dir/taken.txt" {
				t.Fatal("Rename returned the taken name")
			}
			expectBytes(t, st, got, []byte("second"))
			expectBytes(t, st, "dir/taken.txt", []byte("first"))
		}},
		{"nil-reader", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := st.Save(ctx, "nil.txt", nil, storage.SaveOptions{})
			expectErr(t, "Save(nil reader)", err, storage.ErrInvalidArgument)
			expectNamespace(t, st)
		}},
		{"public-needs-capability", func(t T, s *suite) {
			if s.caps.PublicObjects {
				t.Skip("driver declares PublicObjects")
			}
			st, ctx := s.fresh(t)
			_, err := save(t, st, ctx, "public.txt", strings.NewReader("x"), storage.SaveOptions{Public: true})
			expectErr(t, "Save(Public) without PublicObjects", err, storage.ErrUnsupported)
			expectNamespace(t, st)
		}},
		{"public", func(t T, s *suite) {
			need(t, s.caps.PublicObjects, "PublicObjects")
			st, ctx := s.fresh(t)
			data := []byte("for everyone")
			if _, err := save(t, st, ctx, "public.txt", bytes.NewReader(data), storage.SaveOptions{Public: true}); err != nil {
				t.Fatalf("Save(Public): %v", err)
			}
			u, err := st.URL("public.txt")
			if err != nil {
				t.Fatalf("URL: %v", err)
			}
			s.get(t, u, data)
		}},
	}
}
