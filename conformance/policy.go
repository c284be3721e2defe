package conformance

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
)

// renamedLike returns a pattern for the names Rename may give to name whose
// base name (without extension) may be shortened to rootPrefix.
func renamedLike(dir, rootPrefix, ext string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(dir+rootPrefix) + "_[A-Za-z0-9]{7}" + regexp.QuoteMeta(ext) + "$")
}

// over returns a storage over st's driver with extra options (and no
// location prefix, base URL or signer). Objects saved through it must be
// tracked with it.
func over(t T, st *storage.Storage, opts ...storage.Option) *storage.Storage {
	t.Helper()
	o, err := storage.New(driverof.Get(st), opts...)
	if err != nil {
		t.Fatalf("storage.New over the driver: %v", err)
	}
	return o
}

// uniq is a name prefix that keeps objects of storages made with over apart
// from other tests' when the harness shares a bucket behind a location.
func uniq(t T) string {
	return fmt.Sprintf("conformance-%x/", uint32(fnv(t.Name())))
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func policyCases() []testCase {
	renameCase := func(name, dir, root, ext string) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, name, []byte("first"), storage.SaveOptions{})
			got, err := save(t, st, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Fatalf("Save(Rename): %v", err)
			}
			if !renamedLike(dir, root, ext).MatchString(got) {
				t.Fatalf("Rename of %q gave %q, want %s_XXXXXXX%s in %q", name, got, root, ext, dir)
			}
			expectBytes(t, st, name, []byte("first"))
			expectBytes(t, st, got, []byte("second"))
		}
	}
	return []testCase{
		{"default-is-rename", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "doc.txt", []byte("old"), storage.SaveOptions{})
			got, err := save(t, st, ctx, "doc.txt", strings.NewReader("new"), storage.SaveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got == "doc.txt" {
				t.Fatal("the default policy replaced an existing object")
			}
			expectBytes(t, st, "doc.txt", []byte("old"))
			expectNamespace(t, st, "doc.txt", got)
		}},
		{"rename-free-name-kept", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			got, err := save(t, st, ctx, "free/name.txt", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil || got != "free/name.txt" {
				t.Fatalf("Save(Rename) of a free name = %q, %v", got, err)
			}
		}},
		{"rename-keeps-dir-and-extension", renameCase("photos/2024/cat.jpeg", "photos/2024/", "cat", ".jpeg")},
		{"rename-double-extension", renameCase("archive.tar.gz", "", "archive.tar", ".gz")},
		{"rename-no-extension", renameCase("dir/README", "dir/", "README", "")},
		{"rename-dotfile", renameCase("cfg/.env", "cfg/", ".env", "")},
		{"rename-unicode", renameCase("文档/报告.pdf", "文档/", "报告", ".pdf")},
		{"rename-repeatedly", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			seen := map[string]bool{}
			for i := range 10 {
				got, err := save(t, st, ctx, "same.txt", strings.NewReader(fmt.Sprint(i)), storage.SaveOptions{Conflict: storage.Rename})
				if err != nil {
					t.Fatal(err)
				}
				if seen[got] {
					t.Fatalf("Rename gave %q twice", got)
				}
				seen[got] = true
			}
			if len(list(t, st, "", storage.ListOptions{})) != 10 {
				t.Fatal("10 Rename saves did not give 10 objects")
			}
		}},
		{"rename-max-name-length", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			dir := uniq(t) + "max/"
			o := over(t, st, storage.WithMaxNameLength(len(dir)+30))
			name := dir + "a-rather-long-name-123.txt" // 26 bytes after dir
			put(t, o, name, []byte("first"), storage.SaveOptions{})
			got, err := save(t, o, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Fatalf("Save(Rename): %v", err)
			}
			if len(got) > len(dir)+30 || !renamedLike(dir, "a-rather-long-name", ".txt").MatchString(got) {
				t.Fatalf("Rename with a %d-byte limit gave %q (%d bytes)", len(dir)+30, got, len(got))
			}
			expectBytes(t, o, got, []byte("second"))
		}},
		{"rename-max-name-length-utf8", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			dir := uniq(t) + "utf8/"
			o := over(t, st, storage.WithMaxNameLength(len(dir)+20))
			name := dir + "ééééé.txt" // 14 bytes after dir
			put(t, o, name, []byte("first"), storage.SaveOptions{})
			got, err := save(t, o, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Fatalf("Save(Rename): %v", err)
			}
			// 20 - len("_XXXXXXX.txt") = 8 bytes of root: four "é".
			if len(got) > len(dir)+20 || !utf8.ValidString(got) || !renamedLike(dir, "éééé", ".txt").MatchString(got) {
				t.Fatalf("Rename with a %d-byte limit gave %q", len(dir)+20, got)
			}
		}},
		{"rename-long-segment", func(t T, s *suite) {
			// A last segment of 250 bytes: the generated name must keep it
			// within the 255 bytes a filesystem (and MinIO) takes.
			st, ctx := s.fresh(t)
			root := strings.Repeat("s", 246)
			name := "long/" + root + ".txt"
			put(t, st, name, []byte("first"), storage.SaveOptions{})
			got, err := save(t, st, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Fatalf("second Save(Rename) of a 250-byte segment: %v", err)
			}
			seg := strings.TrimPrefix(got, "long/")
			if len(seg) > 255 || !renamedLike("long/", root[:len(root)-(len(name)-len("long/")+8-255)], ".txt").MatchString(got) {
				t.Fatalf("Rename of a 250-byte segment gave %q (a %d-byte segment)", got, len(seg))
			}
			expectBytes(t, st, name, []byte("first"))
			expectBytes(t, st, got, []byte("second"))
		}},
		{"rename-long-segment-repeatedly", func(t T, s *suite) {
			// Every segment length the suffix used to push over 255 bytes.
			st, ctx := s.fresh(t)
			for n := 248; n <= 255; n++ {
				name := fmt.Sprintf("seg%d/%s.bin", n, strings.Repeat("é", (n-4)/2)+strings.Repeat("x", (n-4)%2))
				put(t, st, name, []byte("first"), storage.SaveOptions{})
				got, err := save(t, st, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
				if err != nil {
					t.Fatalf("second Save(Rename) of a %d-byte segment: %v", n, err)
				}
				if seg := got[strings.LastIndexByte(got, '/')+1:]; len(seg) > 255 || !utf8.ValidString(seg) || !strings.HasSuffix(seg, ".bin") {
					t.Fatalf("Rename of a %d-byte segment gave %q (%d bytes)", n, seg, len(seg))
				}
				expectBytes(t, st, got, []byte("second"))
			}
		}},
		{"rename-no-room", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			dir := uniq(t) + "room/"
			o := over(t, st, storage.WithMaxNameLength(len(dir)+12))
			name := dir + "abcd.txt"
			put(t, o, name, []byte("first"), storage.SaveOptions{})
			_, err := save(t, o, ctx, name, strings.NewReader("second"), storage.SaveOptions{Conflict: storage.Rename})
			if err == nil {
				t.Fatal("Rename found room where the limit leaves none")
			}
			expectBytes(t, o, name, []byte("first"))
		}},
		{"overwrite-replaces", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "ow.txt", []byte("old and long"), storage.SaveOptions{})
			got, err := save(t, st, ctx, "ow.txt", strings.NewReader("new"), storage.SaveOptions{Conflict: storage.Overwrite})
			if err != nil || got != "ow.txt" {
				t.Fatalf("Save(Overwrite) = %q, %v", got, err)
			}
			expectBytes(t, st, "ow.txt", []byte("new"))
			expectNamespace(t, st, "ow.txt")
		}},
		{"fail-keeps-old", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "f.txt", []byte("precious"), storage.SaveOptions{ContentType: "text/plain"})
			before, err := st.Stat(ctx, "f.txt")
			if err != nil {
				t.Fatal(err)
			}
			_, err = save(t, st, ctx, "f.txt", strings.NewReader("intruder"), storage.SaveOptions{Conflict: storage.Fail, ContentType: "application/octet-stream"})
			expectErr(t, "Save(Fail) over an existing object", err, storage.ErrExist)
			expectBytes(t, st, "f.txt", []byte("precious"))
			after, err := st.Stat(ctx, "f.txt")
			if err != nil {
				t.Fatal(err)
			}
			if after.Size != before.Size || after.ContentType != before.ContentType || !after.ModTime.Equal(before.ModTime) {
				t.Fatalf("Fail changed the attributes: %+v -> %+v", before, after)
			}
			expectNamespace(t, st, "f.txt")
		}},
		{"fail-free-name", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			got, err := save(t, st, ctx, "new.txt", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Fail})
			if err != nil || got != "new.txt" {
				t.Fatalf("Save(Fail) of a free name = %q, %v", got, err)
			}
		}},
		{"storage-default-policy", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			dir := uniq(t)
			fail := over(t, st, storage.WithConflictPolicy(storage.Fail))
			put(t, fail, dir+"p.txt", []byte("one"), storage.SaveOptions{})
			_, err := save(t, fail, ctx, dir+"p.txt", strings.NewReader("two"), storage.SaveOptions{})
			expectErr(t, "Save on a Fail storage", err, storage.ErrExist)
			ow := over(t, st, storage.WithConflictPolicy(storage.Overwrite))
			if got, err := save(t, ow, ctx, dir+"p.txt", strings.NewReader("three"), storage.SaveOptions{}); err != nil || got != dir+"p.txt" {
				t.Fatalf("Save on an Overwrite storage = %q, %v", got, err)
			}
			expectBytes(t, ow, dir+"p.txt", []byte("three"))
			// A per-call policy wins over the storage's.
			_, err = save(t, ow, ctx, dir+"p.txt", strings.NewReader("four"), storage.SaveOptions{Conflict: storage.Fail})
			expectErr(t, "Save(Fail) on an Overwrite storage", err, storage.ErrExist)
		}},
		{"invalid-policy", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := save(t, st, ctx, "x.txt", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.ConflictPolicy(99)})
			expectErr(t, "Save with an unknown policy", err, storage.ErrInvalidArgument)
			expectNamespace(t, st)
		}},
	}
}
