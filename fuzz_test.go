package storage_test

// Fuzz targets for the parts of the root package that take untrusted input:
// names, upload file names, URL building and the storage-URL parser. The
// seed corpora under testdata/fuzz run as ordinary tests (go test); fuzz one
// target at a time with, for example,
//
//	go test -run '^$' -fuzz '^FuzzValidateName$' -fuzztime 3m .

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

func addNameSeeds(f *testing.F) {
	for _, n := range validNames {
		f.Add(n)
	}
	for _, c := range invalidNames {
		f.Add(c.name)
	}
	for _, n := range []string{"a/\x00b", "a\u0085b", "a\u200eb", "\xff", "a/\xc0\xaf", "%2e%2e/x", "..\\x", "a\tb", "\u2028"} {
		f.Add(n)
	}
}

// checkAccepted fails unless a name ValidateName accepted has every property
// its documentation promises.
func checkAccepted(t *testing.T, name string) {
	t.Helper()
	if name == "" || len(name) > storage.MaxNameLength {
		t.Fatalf("accepted %q: length %d", name, len(name))
	}
	if !utf8.ValidString(name) {
		t.Fatalf("accepted invalid UTF-8 %q", name)
	}
	if name[0] == '/' || strings.ContainsRune(name, '\\') {
		t.Fatalf("accepted absolute name or backslash %q", name)
	}
	for _, r := range name {
		if r == 0 || unicode.IsControl(r) {
			t.Fatalf("accepted control character %U in %q", r, name)
		}
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			t.Fatalf("accepted segment %q in %q", seg, name)
		}
	}
}

func FuzzValidateName(f *testing.F) {
	addNameSeeds(f)
	f.Fuzz(func(t *testing.T, name string) {
		err := storage.ValidateName(name)
		if err == nil {
			checkAccepted(t, name)
			return
		}
		var se *storage.Error
		if !errors.Is(err, storage.ErrInvalidName) || !errors.As(err, &se) {
			t.Fatalf("ValidateName(%q) = %v: not a *storage.Error matching ErrInvalidName", name, err)
		}
	})
}

func FuzzSafeName(f *testing.F) {
	addNameSeeds(f)
	for _, n := range []string{`C:\Users\me\photo 1.JPG`, "../../etc/passwd", "  résumé (final).pdf  ", "a\u0301", "\u0301", "..", "...", "x/.", "\u00a0x\u3000"} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, untrusted string) {
		out, err := storage.SafeName(untrusted)
		if err != nil {
			if !errors.Is(err, storage.ErrInvalidName) {
				t.Fatalf("SafeName(%q) error %v does not match ErrInvalidName", untrusted, err)
			}
			return
		}
		if err := storage.ValidateName(out); err != nil {
			t.Fatalf("SafeName(%q) = %q, which does not validate: %v", untrusted, out, err)
		}
		checkAccepted(t, out)
		if strings.ContainsAny(out, "/\\ ") || len(out) > 255 {
			t.Fatalf("SafeName(%q) = %q: separator, space or longer than 255 bytes", untrusted, out)
		}
		again, err := storage.SafeName(out)
		if err != nil || again != out {
			t.Fatalf("SafeName not idempotent: %q -> %q -> %q, %v", untrusted, out, again, err)
		}
	})
}

// FuzzEscapePath: escaping keeps only unreserved bytes and '/', and
// unescaping gives the exact bytes back, for any string.
func FuzzEscapePath(f *testing.F) {
	addNameSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		esc := storage.EscapePath(s)
		for i := 0; i < len(esc); i++ {
			c := esc[i]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~/", c) >= 0:
			case c == '%' && i+2 < len(esc) && isUpperHex(esc[i+1]) && isUpperHex(esc[i+2]):
				i += 2
			default:
				t.Fatalf("EscapePath(%q) = %q: byte %q at %d left unescaped", s, esc, c, i)
			}
		}
		back, err := url.PathUnescape(esc)
		if err != nil || back != s {
			t.Fatalf("EscapePath(%q) = %q unescapes to %q, %v", s, esc, back, err)
		}
	})
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// FuzzURL: for a valid name, Storage.URL is a well-formed URL under one of
// the bases whose decoded path is the base path, the location and the name,
// byte for byte; the shard chosen is stable; an invalid name is refused
// with ErrInvalidName and never reaches a URL.
func FuzzURL(f *testing.F) {
	for _, n := range validNames {
		f.Add(n, "media", uint8(1))
	}
	for _, c := range invalidNames {
		f.Add(c.name, "", uint8(2))
	}
	f.Add("a b/c?d#e%f", "up loads/é", uint8(3))
	f.Add("x", strings.Repeat("l", 1020), uint8(1))
	f.Fuzz(func(t *testing.T, name, location string, nbases uint8) {
		bases := []string{"https://cdn0.example.com/static/", "https://cdn1.example.com/", "http://127.0.0.1:8080/a%20b/"}
		bases = bases[:1+int(nbases)%len(bases)]
		st, err := memory.New(storage.WithBaseURL(bases...), storage.WithLocation(location))
		if err != nil {
			if !errors.Is(err, storage.ErrInvalidName) {
				t.Fatalf("WithLocation(%q): %v", location, err)
			}
			return
		}
		defer st.Close()
		loc := strings.Trim(location, "/")
		if loc != "" {
			loc += "/"
		}
		got, err := st.URL(name)
		if storage.ValidateName(name) != nil || len(loc)+len(name) > storage.MaxNameLength {
			if !errors.Is(err, storage.ErrInvalidName) {
				t.Fatalf("URL(%q) with location %q = %q, %v; want ErrInvalidName", name, loc, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("URL(%q) with location %q: %v", name, loc, err)
		}
		again, _ := st.URL(name)
		if again != got {
			t.Fatalf("URL(%q) not stable: %q then %q", name, got, again)
		}
		var base string
		for _, b := range bases {
			if strings.HasPrefix(got, b) {
				base = b
			}
		}
		if base == "" || got != base+storage.EscapePath(loc+name) {
			t.Fatalf("URL(%q) = %q: not a base followed by the escaped location and name", name, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("URL(%q) = %q does not parse: %v", name, got, err)
		}
		bu, _ := url.Parse(base)
		if u.Path != bu.Path+loc+name || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("URL(%q) = %q parses to path %q query %q fragment %q", name, got, u.Path, u.RawQuery, u.Fragment)
		}
	})
}

// secretMarker starts every secret the URL-parser fuzz target puts in a URL;
// no error and no redacted URL may ever contain it.
const secretMarker = "Zs3cr3tQ"

// FuzzParseURL builds storage URLs from fuzzed parts with secrets in the
// userinfo, in secret parameters and in an unknown parameter: parsing never
// panics, every error is a *storage.Error matching ErrInvalidArgument, and
// neither an error nor the redacted URL shows a secret.
func FuzzParseURL(f *testing.F) {
	f.Add(uint8(0), "host", "/loc", "region=eu&secure=true&parts=3&timeout=30s&class=COLD", "key", "user", true)
	f.Add(uint8(0), "h", "", "secret_key=dup&timeout=-1s&parts=x&class=HOT&secure=maybe", "k", "", true)
	f.Add(uint8(1), "", "/media", "base_url=https://cdn.example.com/&conflict=fail&max_name_length=100", "", "u", false)
	f.Add(uint8(1), "x", "", "location=a&prefix=b&conflict=nope&max_name_length=0&base_url=rel", "s", "u", true)
	f.Add(uint8(2), "", "/var/media", "fsync=1&dir_perm=0755&file_perm=999&metadata=1", "p", "", false)
	f.Add(uint8(3), "", "", "%zz", "x", "y", true)
	f.Add(uint8(0), "[::1", "/a/../b", "base_url=https://user:pw@cdn/", "\x00", "\xff", true)
	schemes := []string{"regtest", "mem", "file", "nosuch", "gocloud+mem", ""}
	f.Fuzz(func(t *testing.T, scheme uint8, host, path, query, secret, user string, withUser bool) {
		for _, s := range []string{host, path, query, user} {
			if strings.Contains(strings.ToLower(s), strings.ToLower(secretMarker)) {
				return
			}
		}
		u := url.URL{Scheme: schemes[int(scheme)%len(schemes)], Host: host, Path: path, RawQuery: query}
		if withUser {
			u.User = url.UserPassword(secretMarker+user, secretMarker+secret)
		}
		v := url.Values{}
		v.Set("secret_key", secretMarker+secret)
		v.Set("unknown_param", secretMarker+secret)
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += v.Encode()
		raw := u.String()
		p, err := storage.ParseURL(raw)
		if err != nil {
			var se *storage.Error
			if !errors.Is(err, storage.ErrInvalidArgument) || !errors.As(err, &se) {
				t.Fatalf("ParseURL(%q): %v is not a *storage.Error matching ErrInvalidArgument", raw, err)
			}
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(secretMarker)) {
				t.Fatalf("ParseURL(%q): error shows a secret: %v", raw, err)
			}
			return
		}
		if s := p.String(); strings.Contains(strings.ToLower(s), strings.ToLower(secretMarker)) {
			t.Fatalf("ParseURL(%q).String() = %q shows a secret", raw, s)
		}
	})
}

// FuzzParseURLRaw feeds whole strings to the parser: it never panics, every
// error is typed, and a userinfo password never shows.
func FuzzParseURLRaw(f *testing.F) {
	for _, s := range []string{"mem://", "mem:///m?base_url=https://c/", "file:///tmp/x?fsync=true", "regtest://u:p@h/x?secret_key=k",
		"regtest://h?%", "s3://b", "://", "regtest://h/#frag", "mem://?location=..", "regtest://[::1]:80/?parts=1e3&timeout=5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := storage.ParseURL(raw)
		var pw string
		if u, perr := url.Parse(raw); perr == nil && u.User != nil {
			pw, _ = u.User.Password()
		}
		if err != nil {
			if !errors.Is(err, storage.ErrInvalidArgument) {
				t.Fatalf("ParseURL(%q): %v does not match ErrInvalidArgument", raw, err)
			}
			if len(pw) >= 6 && strings.Contains(err.Error(), pw) && !strings.Contains(strings.Replace(raw, pw, "", 1), pw) {
				t.Fatalf("ParseURL(%q): error shows the password: %v", raw, err)
			}
			return
		}
		if len(pw) >= 6 && strings.Contains(p.String(), pw) && !strings.Contains(strings.Replace(raw, pw, "", 1), pw) {
			t.Fatalf("ParseURL(%q).String() = %q shows the password", raw, p.String())
		}
	})
}
