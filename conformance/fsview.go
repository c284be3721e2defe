package conformance

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing/fstest"
	"text/template"

	"github.com/go-storages/storage"
)

// fsTree is the small tree the fs view cases save.
var fsTree = map[string]string{
	"a.txt":                 "alpha\n",
	"dir/b.txt":             "bravo\n",
	"dir/c.html":            "<p>charlie</p>\n",
	"dir/sub/d.txt":         "delta\n",
	"dir/sub/deeper/e.tmpl": "Hello, {{.}}!",
	"other/f.bin":           "\x00\x01\x02",
}

func saveTree(t T, s *suite) *storage.Storage {
	t.Helper()
	st, _ := s.fresh(t)
	for name, body := range fsTree {
		put(t, st, name, []byte(body), storage.SaveOptions{})
	}
	return st
}

func fsCases() []testCase {
	return []testCase{
		{"fstest", func(t T, s *suite) {
			st := saveTree(t, s)
			var names []string
			for n := range fsTree {
				names = append(names, n)
			}
			slices.Sort(names)
			if err := fstest.TestFS(st.FS(t.Context()), names...); err != nil {
				t.Fatal(err)
			}
		}},
		{"read-file", func(t T, s *suite) {
			st := saveTree(t, s)
			b, err := fs.ReadFile(st.FS(t.Context()), "dir/sub/d.txt")
			if err != nil || string(b) != fsTree["dir/sub/d.txt"] {
				t.Fatalf("fs.ReadFile = %q, %v", b, err)
			}
		}},
		{"walk-dir", func(t T, s *suite) {
			st := saveTree(t, s)
			var got []string
			err := fs.WalkDir(st.FS(t.Context()), ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					p += "/"
				}
				got = append(got, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"./", "a.txt", "dir/", "dir/b.txt", "dir/c.html", "dir/sub/", "dir/sub/d.txt",
				"dir/sub/deeper/", "dir/sub/deeper/e.tmpl", "other/", "other/f.bin"}
			if !slices.Equal(got, want) {
				t.Fatalf("WalkDir = %q\nwant %q", got, want)
			}
		}},
		{"glob", func(t T, s *suite) {
			st := saveTree(t, s)
			got, err := fs.Glob(st.FS(t.Context()), "dir/*.txt")
			if err != nil || !slices.Equal(got, []string{"dir/b.txt"}) {
				t.Fatalf("Glob = %q, %v", got, err)
			}
		}},
		{"stat-dir-and-file", func(t T, s *suite) {
			st := saveTree(t, s)
			fsys := st.FS(t.Context())
			fi, err := fs.Stat(fsys, "dir/sub")
			if err != nil || !fi.IsDir() || fi.Name() != "sub" {
				t.Fatalf("Stat(dir/sub) = %v, %v", fi, err)
			}
			fi, err = fs.Stat(fsys, "dir/b.txt")
			if err != nil || fi.IsDir() || fi.Size() != int64(len(fsTree["dir/b.txt"])) {
				t.Fatalf("Stat(dir/b.txt) = %v, %v", fi, err)
			}
			if a, ok := fi.Sys().(*storage.Attributes); !ok || a.Size != fi.Size() {
				t.Fatalf("FileInfo.Sys() = %T, want *storage.Attributes", fi.Sys())
			}
		}},
		{"missing", func(t T, s *suite) {
			st := saveTree(t, s)
			fsys := st.FS(t.Context())
			for _, p := range []string{"nope.txt", "dir/nope", "nope/deeper.txt", "dir/b.txt/x"} {
				if _, err := fsys.Open(p); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("Open(%q) = %v, want fs.ErrNotExist", p, err)
				}
			}
		}},
		{"seek-and-read-at", func(t T, s *suite) {
			st := saveTree(t, s)
			f, err := st.FS(t.Context()).Open("dir/c.html")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rs, ok1 := f.(io.ReadSeeker)
			ra, ok2 := f.(io.ReaderAt)
			if !ok1 || !ok2 {
				t.Fatalf("fs.File %T is not an io.ReadSeeker and io.ReaderAt", f)
			}
			if _, err := rs.Seek(3, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 7)
			if _, err := io.ReadFull(rs, buf); err != nil || string(buf) != "charlie" {
				t.Fatalf("read after seek = %q, %v", buf, err)
			}
			if _, err := ra.ReadAt(buf[:1], 1); err != nil || buf[0] != 'p' {
				t.Fatalf("ReadAt = %q, %v", buf[:1], err)
			}
		}},
		{"template-parse-fs", func(t T, s *suite) {
			st := saveTree(t, s)
			tmpl, err := template.ParseFS(st.FS(t.Context()), "dir/sub/deeper/*.tmpl")
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := tmpl.Execute(&out, "gopher"); err != nil || out.String() != "Hello, gopher!" {
				t.Fatalf("template output %q, %v", out.String(), err)
			}
		}},
		{"http-file-server", func(t T, s *suite) {
			st := saveTree(t, s)
			srv := httptest.NewServer(http.FileServer(http.FS(st.FS(t.Context()))))
			defer srv.Close()
			code, _, body := s.fetch(t, http.MethodGet, srv.URL+"/dir/sub/d.txt", nil, nil)
			if code != 200 || string(body) != fsTree["dir/sub/d.txt"] {
				t.Fatalf("FileServer: %d %q", code, body)
			}
			code, _, body = s.fetch(t, http.MethodGet, srv.URL+"/dir/", nil, nil)
			if code != 200 || !bytes.Contains(body, []byte("b.txt")) || !bytes.Contains(body, []byte("sub/")) {
				t.Fatalf("FileServer directory listing: %d %q", code, body)
			}
			code, _, _ = s.fetch(t, http.MethodGet, srv.URL+"/missing.txt", nil, nil)
			if code != http.StatusNotFound {
				t.Fatalf("FileServer missing file: %d", code)
			}
		}},
	}
}
