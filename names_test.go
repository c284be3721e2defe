package storage_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-storages/storage"
)

var validNames = []string{
	"a",
	"a.txt",
	"dir/sub/file.txt",
	"with space.txt",
	" leading and trailing ",
	"plus+sign",
	"it's",
	`quote"d`,
	"100%",
	"%2F",
	"what?",
	"#hash",
	"a&b=c",
	"semi;colon,comma",
	"(a)[b]{c}<d>!$*@:~^`|",
	"...",
	"a..b",
	".hidden",
	"dir/.hidden/..x",
	"документ.txt",
	"中文/文件.txt",
	"ملف.txt",
	"हिन्दी",
	"😀/🎉.txt",
	"👨‍👩‍👧‍👦",
	"cafe\u0301",
	"zero\u200bwidth",
	strings.Repeat("a", storage.MaxNameLength),
	strings.Repeat("é", storage.MaxNameLength/2),
	strings.Repeat("ab/", 341) + "c", // 1024 bytes
}

var invalidNames = []struct{ name, why string }{
	{"", "empty"},
	{".", "dot"},
	{"..", "dot-dot"},
	{"../a", "leading dot-dot"},
	{"a/..", "trailing dot-dot"},
	{"a/../b", "inner dot-dot"},
	{"./a", "leading dot"},
	{"a/./b", "inner dot"},
	{"a/.", "trailing dot"},
	{"/a", "absolute"},
	{"/", "root"},
	{"a/", "trailing slash"},
	{"a//b", "empty segment"},
	{"//a", "double leading slash"},
	{`a\b`, "backslash"},
	{`\a`, "leading backslash"},
	{"a\x00", "NUL"},
	{"a\x01b", "control"},
	{"a\tb", "tab"},
	{"a\nb", "newline"},
	{"a\rb", "carriage return"},
	{"\x1b[0m", "escape"},
	{"a\x7f", "DEL"},
	{"a\u0080b", "C1 control"},
	{"a\u009fb", "C1 control end"},
	{"\xff", "invalid byte"},
	{"a\xc3", "truncated sequence"},
	{"\xc0\xaf", "overlong encoding"},
	{"\xed\xa0\x80", "surrogate"},
	{strings.Repeat("a", storage.MaxNameLength+1), "too long"},
	{strings.Repeat("é", storage.MaxNameLength/2) + "a", "too long multibyte"},
}

func TestValidateNameAccepts(t *testing.T) {
	for _, name := range validNames {
		if err := storage.ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", name, err)
		}
	}
}

func TestValidateNameRejects(t *testing.T) {
	for _, c := range invalidNames {
		err := storage.ValidateName(c.name)
		if !errors.Is(err, storage.ErrInvalidName) || !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("ValidateName(%s: %q) = %v, want ErrInvalidName", c.why, c.name, err)
			continue
		}
		var se *storage.Error
		if !errors.As(err, &se) || se.Kind != storage.ErrInvalidName {
			t.Errorf("ValidateName(%q): %T %+v, want a *storage.Error of kind ErrInvalidName", c.name, err, err)
		}
		if msg := err.Error(); !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\n\r\x1b") {
			t.Errorf("ValidateName(%s) message %q carries raw control bytes", c.why, msg)
		}
	}
}

func TestSafeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Django's get_valid_name cases.
		{"john's portrait in 2004.jpg", "johns_portrait_in_2004.jpg"},
		{"  spaced out.txt  ", "spaced_out.txt"},
		{"hello world!", "hello_world"},
		{"my   file.txt", "my___file.txt"},
		{"name-with_dashes.and.dots", "name-with_dashes.and.dots"},
		{"ñoño.txt", "ñoño.txt"},
		{"Résumé (final).pdf", "Résumé_final.pdf"},
		{"文件名.txt", "文件名.txt"},
		{"cafe\u0301.txt", "cafe\u0301.txt"},
		// Directories are dropped, on both separators.
		{"../../etc/passwd", "passwd"},
		{`C:\Users\me\photo.jpg`, "photo.jpg"},
		{"dir/sub/", ""}, // nothing after the last slash

		{"a/b\\c.txt", "c.txt"},
		// Characters other than letters, digits, '-', '_' and '.' go.
		{"a\x00b\tc\nd.txt", "abcd.txt"},
		{"<b>alert(1)<b>.html", "balert1b.html"},
		{"<script>x</script>.html", "script.html"},
		{"100% sure?.txt", "100_sure.txt"},
		{"emoji 😀.png", "emoji_.png"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{"tab\there", "tabhere"},
		{".htaccess", ".htaccess"},
	} {
		got, err := storage.SafeName(c.in)
		if c.want == "" {
			if !errors.Is(err, storage.ErrInvalidName) {
				t.Errorf("SafeName(%q) = %q, %v; want ErrInvalidName", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("SafeName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestSafeNameRejects(t *testing.T) {
	for _, in := range []string{"", "   ", ".", "..", "!!!", "/", `\`, "a/..", "😀", "\x00", "a/ "} {
		if got, err := storage.SafeName(in); !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("SafeName(%q) = %q, %v; want ErrInvalidName", in, got, err)
		}
	}
}

func TestSafeNameLong(t *testing.T) {
	got, err := storage.SafeName(strings.Repeat("é", 200) + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 255 || !utf8.ValidString(got) {
		t.Fatalf("SafeName of a long name: %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
}
