package storage

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitExt(t *testing.T) {
	for _, c := range []struct{ in, root, ext string }{
		{"photo.jpg", "photo", ".jpg"},
		{"archive.tar.gz", "archive.tar", ".gz"},
		{"README", "README", ""},
		{".env", ".env", ""},
		{"..", "..", ""},
		{"...", "...", ""},
		{"..x", "..x", ""},
		{".a.b", ".a", ".b"},
		{"trailing.", "trailing", "."},
		{"报告.pdf", "报告", ".pdf"},
	} {
		root, ext := splitExt(c.in)
		if root != c.root || ext != c.ext {
			t.Errorf("splitExt(%q) = %q, %q; want %q, %q", c.in, root, ext, c.root, c.ext)
		}
	}
}

func TestTruncateUTF8(t *testing.T) {
	s := "aé文😀b" // 1 + 2 + 3 + 4 + 1 bytes
	for n, want := range []string{"", "a", "a", "aé", "aé", "aé", "aé文", "aé文", "aé文", "aé文", "aé文😀", "aé文😀b", "aé文😀b"} {
		if got := truncateUTF8(s, n); got != want {
			t.Errorf("truncateUTF8(%q, %d) = %q, want %q", s, n, got, want)
		}
	}
}

func TestAvailableNameShape(t *testing.T) {
	for _, c := range []struct{ in, pattern string }{
		{"photo.jpg", `^photo_[A-Za-z0-9]{7}\.jpg$`},
		{"dir/sub/photo.jpg", `^dir/sub/photo_[A-Za-z0-9]{7}\.jpg$`},
		{"archive.tar.gz", `^archive\.tar_[A-Za-z0-9]{7}\.gz$`},
		{"dir.d/README", `^dir\.d/README_[A-Za-z0-9]{7}$`},
		{"cfg/.env", `^cfg/\.env_[A-Za-z0-9]{7}$`},
		{"文档/报告.pdf", `^文档/报告_[A-Za-z0-9]{7}\.pdf$`},
		{"a b+c/d e.txt", `^a b\+c/d e_[A-Za-z0-9]{7}\.txt$`},
	} {
		got, ok := availableName(c.in, MaxNameLength)
		if !ok || !regexp.MustCompile(c.pattern).MatchString(got) {
			t.Errorf("availableName(%q) = %q, %v; want %s", c.in, got, ok, c.pattern)
		}
		if err := ValidateName(got); err != nil {
			t.Errorf("availableName(%q) = %q, invalid: %v", c.in, got, err)
		}
	}
}

func TestAvailableNameRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		n, ok := availableName("a.txt", MaxNameLength)
		if !ok || seen[n] {
			t.Fatalf("availableName repeated %q", n)
		}
		seen[n] = true
	}
}

// TestAvailableNameMaxLength checks every limit from "no room" to "plenty":
// the result fits, keeps the directory and the extension, and never splits a
// UTF-8 sequence.
func TestAvailableNameMaxLength(t *testing.T) {
	for _, name := range []string{
		"dir/abcdefghijklmnopqrstuvwxyz.txt",
		"dir/ééééééééééééééé.txt",
		"深/文文文文文文文文文文文文.tar.gz",
		"d/😀😀😀😀😀😀😀😀😀😀",
		strings.Repeat("x/", 300) + strings.Repeat("y", 300) + ".bin",
		"d/" + strings.Repeat("z", 246) + ".txt",
		"d/" + strings.Repeat("z", 251) + ".txt",
		strings.Repeat("é", 125) + ".txt",
		"d/" + strings.Repeat("文", 82) + ".txt",
	} {
		dir := name[:strings.LastIndexByte(name, '/')+1]
		_, ext := splitExt(name[len(dir):])
		minimum := len(dir) + len("_1234567") + len(ext) + 1 // one byte of root at least
		segMax := max(255, len(name)-len(dir))               // the generated segment's limit
		for limit := 1; limit <= len(name)+20; limit++ {
			got, ok := availableName(name, limit)
			if !ok {
				if limit >= minimum+3 { // a multi-byte first rune may need up to 4
					t.Fatalf("availableName(%q, %d) found no room", name, limit)
				}
				continue
			}
			if len(got) > limit {
				t.Fatalf("availableName(%q, %d) = %q: %d bytes", name, limit, got, len(got))
			}
			if !utf8.ValidString(got) {
				t.Fatalf("availableName(%q, %d) = %q: split a UTF-8 sequence", name, limit, got)
			}
			if !strings.HasPrefix(got, dir) || !strings.HasSuffix(got, ext) {
				t.Fatalf("availableName(%q, %d) = %q: lost the directory or extension", name, limit, got)
			}
			if err := ValidateName(got); err != nil {
				t.Fatalf("availableName(%q, %d) = %q: %v", name, limit, got, err)
			}
			if seg := len(got) - len(dir); seg > segMax {
				t.Fatalf("availableName(%q, %d) = %q: a %d-byte segment", name, limit, got, seg)
			}
			if want := min(len(name)+8, len(dir)+segMax); limit >= want && len(got) < want-3 {
				t.Fatalf("availableName(%q, %d) = %q: shortened with room to spare", name, limit, got)
			}
		}
	}
}

func TestValidatePrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b/", "a b/ü"} {
		if r := validatePrefix(p); r != "" {
			t.Errorf("validatePrefix(%q) = %q, want valid", p, r)
		}
	}
	for _, p := range []string{"/", "//", "a//", "../", "/a/", "a\\b/", "a/./"} {
		if r := validatePrefix(p); r == "" {
			t.Errorf("validatePrefix(%q) valid, want invalid", p)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := quote("a\x00b\n"); got != `"a\x00b\n"` {
		t.Errorf("quote = %s", got)
	}
	long := strings.Repeat("é", 300)
	got := quote(long)
	if len(got) > 220 || !strings.HasSuffix(got, `..."`) {
		t.Errorf("quote of a long name: %d bytes %q", len(got), got[len(got)-10:])
	}
}

// TestAvailableNameLongSegment: a taken name whose last segment is near the
// 255-byte segment limit gets a candidate whose segment still fits (issue 9,
// item 6), and a longer segment (which some backends store) does not grow.
func TestAvailableNameLongSegment(t *testing.T) {
	for n := 240; n <= 300; n++ {
		for _, ext := range []string{".txt", ""} {
			name := "dir/" + strings.Repeat("s", n-len(ext)) + ext
			got, ok := availableName(name, MaxNameLength)
			if !ok {
				t.Fatalf("availableName of a %d-byte segment found no room", n)
			}
			seg := got[len("dir/"):]
			if want := max(255, n); len(seg) > want || !strings.HasSuffix(seg, ext) {
				t.Fatalf("availableName of a %d-byte segment %q gave a %d-byte segment %q", n, ext, len(seg), seg)
			}
		}
	}
}
