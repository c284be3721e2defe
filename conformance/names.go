package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-storages/storage"
)

// hostileNames are valid names that break naive escaping, encoding or path
// handling. Every one must round-trip through Save, Open, Stat, List and URL.
// Entries with a unit are names of exactly Harness.NameLimit bytes built from
// it (see longName).
func hostileNames() []struct{ label, name, unit string } {
	return []struct{ label, name, unit string }{
		{"space", "with space/file name.txt", ""},
		{"leading-trailing-space", " lead/trail .txt", ""},
		{"plus", "a+b/c+d.txt", ""},
		{"apostrophe", "it's/o'brien.txt", ""},
		{"double-quote", `say "hi".txt`, ""},
		{"percent", "100%/50%20off.txt", ""},
		{"percent-encoded-look-alike", "a%2Fb%00c.txt", ""},
		{"question-mark", "what?/really?.txt", ""},
		{"hash", "#1/issue#42.txt", ""},
		{"ampersand-equals", "q&a/x=1&y=2.txt", ""},
		{"semicolon-comma", "a;b,c.txt", ""},
		{"brackets-and-marks", "(a)[b]{c}<d>!$*@:~^`|.txt", ""},
		{"cyrillic", "документы/отчёт.txt", ""},
		{"cjk", "文件夹/中文名字.txt", ""},
		{"japanese", "写真/日本語のファイル.jpg", ""},
		{"arabic-rtl", "ملفات/تقرير.txt", ""},
		{"devanagari", "हिन्दी/फ़ाइल.txt", ""},
		{"greek", "ελληνικά/αρχείο.txt", ""},
		{"emoji", "emoji/😀🎉🚀.txt", ""},
		{"emoji-zwj", "family 👨‍👩‍👧‍👦.png", ""},
		{"nfd-combining", "cafe\u0301/re\u0301sume\u0301.txt", ""},
		{"dotfiles", ".config/.hidden", ""},
		{"dots-inside", "a..b/...txt", ""},
		{"uppercase", "UPPER/Mixed.TXT", ""},
		{"deep", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/deep.txt", ""},
		{"limit-ascii", "", "abcdefghij"},
		{"limit-multibyte", "", "é文😀"},
		{"limit-escaped", "", "a b+%#?&é"},
	}
}

// longName builds a name of exactly limit bytes from repetitions of unit, in
// path segments of at most 200 bytes (filesystems limit a segment to 255).
func longName(limit int, unit string) string {
	var b strings.Builder
	for b.Len() < limit {
		rest := limit - b.Len()
		segMax := 200
		final := rest <= segMax
		if final {
			segMax = rest
		} else {
			segMax = min(segMax, rest-2) // leave room for "/" and one byte
		}
		var seg strings.Builder
		for seg.Len()+len(unit) <= segMax {
			seg.WriteString(unit)
		}
		if final {
			for seg.Len() < rest {
				seg.WriteByte('x')
			}
			b.WriteString(seg.String())
			break
		}
		b.WriteString(seg.String())
		b.WriteByte('/')
	}
	return b.String()
}

// invalidNames are names every call must reject with ErrInvalidName before
// reaching the driver. listOK marks those that are valid listing prefixes.
var invalidNames = []struct {
	label, name string
	listOK      bool
}{
	{"empty", "", true},
	{"dot", ".", false},
	{"dotdot", "..", false},
	{"dotdot-leading", "../etc/passwd", false},
	{"dotdot-inner", "a/../b", false},
	{"dotdot-trailing", "a/..", false},
	{"dot-inner", "a/./b", false},
	{"dot-leading", "./a", false},
	{"absolute", "/etc/passwd", false},
	{"root", "/", false},
	{"empty-segment", "a//b", false},
	{"trailing-slash", "a/", true},
	{"backslash", `a\b`, false},
	{"backslash-dotdot", `..\windows`, false},
	{"nul", "a\x00b", false},
	{"newline", "a\nb", false},
	{"carriage-return", "a\rb", false},
	{"tab", "a\tb", false},
	{"escape", "a\x1b[31m", false},
	{"delete", "a\x7f", false},
	{"c1-control", "a\u0085b", false},
	{"invalid-utf8", "bad\xff.txt", false},
	{"truncated-utf8", "cut\xe6\x96", false},
	{"overlong-utf8", "\xc0\xaf", false},
	{"too-long", strings.Repeat("a/", 512) + "b", false},
}

// countingCalls wraps a driver in a spy.
// n counts every call but Capabilities; io counts Read and Write.
type countingCalls struct{ n, io atomic.Int64 }

func (c *countingCalls) wrap(d storage.Driver) storage.Driver { return spy{d, &c.n, &c.io} }

// spy counts calls into a driver other than Capabilities.
type spy struct {
	storage.Driver
	calls, io *atomic.Int64
}

func (s spy) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	s.calls.Add(1)
	s.io.Add(1)
	return s.Driver.Write(ctx, name, r, o)
}
func (s spy) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	s.calls.Add(1)
	s.io.Add(1)
	return s.Driver.Read(ctx, name, req)
}
func (s spy) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	s.calls.Add(1)
	return s.Driver.Stat(ctx, name)
}
func (s spy) Delete(ctx context.Context, name string) error {
	s.calls.Add(1)
	return s.Driver.Delete(ctx, name)
}
func (s spy) List(ctx context.Context, prefix string, o storage.ListOptions) iter.Seq2[storage.Entry, error] {
	s.calls.Add(1)
	return s.Driver.List(ctx, prefix, o)
}
func (s spy) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	s.calls.Add(1)
	return s.Driver.Copy(ctx, dst, src, exclusive)
}
func (s spy) SignedURL(ctx context.Context, name string, o storage.SignOptions) (string, error) {
	s.calls.Add(1)
	return s.Driver.SignedURL(ctx, name, o)
}

func nameCases() []testCase {
	var cases []testCase
	for _, h := range hostileNames() {
		cases = append(cases, testCase{"hostile/" + h.label, func(t T, s *suite) {
			name := h.name
			if h.unit != "" {
				name = longName(s.NameLimit, h.unit)
				if len(name) != s.NameLimit {
					t.Fatalf("test bug: name of %d bytes", len(name))
				}
			}
			hostileRoundTrip(t, s, name)
		}})
	}
	cases = append(cases, testCase{"nfc-and-nfd-are-distinct", func(t T, s *suite) {
		st, _ := s.fresh(t)
		nfc, nfd := "caf\u00e9.txt", "cafe\u0301.txt"
		put(t, st, nfc, []byte("composed"), storage.SaveOptions{})
		put(t, st, nfd, []byte("decomposed"), storage.SaveOptions{})
		expectBytes(t, st, nfc, []byte("composed"))
		expectBytes(t, st, nfd, []byte("decomposed"))
		expectNamespace(t, st, nfc, nfd)
	}})
	cases = append(cases, testCase{"case-sensitive", func(t T, s *suite) {
		st, _ := s.fresh(t)
		put(t, st, "Readme.md", []byte("upper"), storage.SaveOptions{})
		put(t, st, "readme.md", []byte("lower"), storage.SaveOptions{})
		expectBytes(t, st, "Readme.md", []byte("upper"))
		expectBytes(t, st, "readme.md", []byte("lower"))
	}})
	for _, in := range invalidNames {
		cases = append(cases, testCase{"invalid/" + in.label, func(t T, s *suite) {
			invalidNameCase(t, s, in.name, in.listOK)
		}})
	}
	return cases
}

func hostileRoundTrip(t T, s *suite, name string) {
	st, ctx := s.fresh(t)
	if err := storage.ValidateName(name); err != nil {
		t.Fatalf("test bug: %v", err)
	}
	data := content(name, 1000)
	got, err := save(t, st, ctx, name, bytes.NewReader(data), storage.SaveOptions{Conflict: storage.Fail})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if got != name {
		t.Fatalf("Save stored %q", got)
	}
	expectBytes(t, st, name, data)
	a, err := st.Stat(ctx, name)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if a.Size != int64(len(data)) {
		t.Fatalf("Stat size %d", a.Size)
	}
	if ok, err := st.Exists(ctx, name); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	expectNamespace(t, st, name)
	dir := ""
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir = name[:i+1]
	}
	expectList(t, st, dir, storage.ListOptions{OneLevel: true}, []string{name})
	if first, _, ok := strings.Cut(name, "/"); ok {
		expectList(t, st, "", storage.ListOptions{OneLevel: true}, []string{first + "/"})
	}
	u, err := st.URL(name)
	if err != nil {
		t.Fatalf("URL: %v", err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatalf("URL %q does not parse: %v", u, err)
	}
	if !strings.HasSuffix(pu.Path, "/"+name) || pu.RawQuery != "" || pu.Fragment != "" {
		t.Fatalf("URL %q: path %q, query %q, fragment %q; want a path ending in /%s", u, pu.Path, pu.RawQuery, pu.Fragment, name)
	}
	s.get(t, u, data)
	if s.caps.SignedURL {
		su, err := st.SignedURL(ctx, name, storage.SignOptions{})
		if err != nil {
			t.Fatalf("SignedURL: %v", err)
		}
		s.get(t, su, data)
	}
	if err := st.Delete(ctx, name); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	expectMissing(t, st, name)
	expectNamespace(t, st)
}

func invalidNameCase(t T, s *suite, name string, listOK bool) {
	base, ctx := s.fresh(t)
	var calls countingCalls
	st := base.Wrap(calls.wrap)
	check := func(call string, err error) {
		t.Helper()
		expectErr(t, call+"("+quoteName(name)+")", err, storage.ErrInvalidName, fs.ErrInvalid)
	}
	_, err := st.Save(ctx, name, strings.NewReader("x"), storage.SaveOptions{})
	check("Save", err)
	_, err = st.Save(ctx, name, strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Overwrite})
	check("Save(Overwrite)", err)
	_, err = st.Open(ctx, name)
	check("Open", err)
	_, err = st.ReadRange(ctx, name, 0, 1)
	check("ReadRange", err)
	_, err = st.Stat(ctx, name)
	check("Stat", err)
	_, err = st.Exists(ctx, name)
	check("Exists", err)
	check("Delete", st.Delete(ctx, name))
	check("Copy(dst)", copyOver(ctx, st, name, "valid.txt"))
	check("Copy(src)", copyOver(ctx, st, "valid.txt", name))
	_, err = st.URL(name)
	check("URL", err)
	_, err = st.SignedURL(ctx, name, storage.SignOptions{})
	check("SignedURL", err)
	_, err = st.SignedURL(ctx, name, storage.SignOptions{Method: "PUT"})
	check("SignedURL(PUT)", err)
	if !listOK {
		for _, err := range st.List(ctx, name, storage.ListOptions{}) {
			check("List", err)
		}
	}
	check("ValidateName", storage.ValidateName(name))
	if n := calls.n.Load(); n != 0 {
		t.Fatalf("the driver was called %d times for the invalid name %s", n, quoteName(name))
	}
	if name != "." {
		fsys := st.FS(ctx)
		_, err := fsys.Open(name)
		if !errors.Is(err, fs.ErrInvalid) {
			t.Fatalf("FS Open(%s) = %v, want fs.ErrInvalid", quoteName(name), err)
		}
	}
	expectNamespace(t, base)
}

func quoteName(name string) string {
	if len(name) > 40 {
		return strconv.Quote(name[:40]) + "...(" + strconv.Itoa(len(name)) + " bytes)"
	}
	return strconv.Quote(name)
}
