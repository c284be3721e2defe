package storage_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

func newURLStorage(t *testing.T, opts ...storage.Option) *storage.Storage {
	t.Helper()
	st, err := memory.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestURLRoundTrip: for every valid name, the URL parses back to the base
// path plus the location plus the name, with no query or fragment, and uses
// only unreserved characters, '%' and '/' in its path.
func TestURLRoundTrip(t *testing.T) {
	for _, loc := range []string{"", "site", "a b/ü+%"} {
		st := newURLStorage(t, storage.WithBaseURL("https://cdn.example.com/media/"), storage.WithLocation(loc))
		prefix := "/media/"
		if loc != "" {
			prefix += loc + "/"
		}
		for _, name := range validNames {
			u, err := st.URL(name)
			if len(name) > storage.MaxNameLength-len(loc)-1 && loc != "" {
				// The stored key (location + "/" + name) would pass the limit.
				if !errors.Is(err, storage.ErrInvalidName) {
					t.Fatalf("URL(%q) with location %q: %v, want ErrInvalidName", name, loc, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("URL(%q): %v", name, err)
			}
			pu, err := url.Parse(u)
			if err != nil {
				t.Fatalf("URL(%q) = %q does not parse: %v", name, u, err)
			}
			if pu.Path != prefix+name || pu.RawQuery != "" || pu.Fragment != "" || pu.Host != "cdn.example.com" {
				t.Fatalf("URL(%q) = %q parses to host %q path %q query %q fragment %q", name, u, pu.Host, pu.Path, pu.RawQuery, pu.Fragment)
			}
			rest := strings.TrimPrefix(u, "https://cdn.example.com")
			for i := 0; i < len(rest); i++ {
				c := rest[i]
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/%", c) >= 0) {
					t.Fatalf("URL(%q) = %q keeps %q unescaped", name, u, c)
				}
			}
		}
	}
}

func TestEscapePath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a b", "a%20b"},
		{"a+b", "a%2Bb"},
		{"100%", "100%25"},
		{"q?x#y&z=1", "q%3Fx%23y%26z%3D1"},
		{"it's", "it%27s"},
		{"dir/file.txt", "dir/file.txt"},
		{"~user/-_.", "~user/-_."},
		{"é", "%C3%A9"},
		{"😀", "%F0%9F%98%80"},
	} {
		if got := storage.EscapePath(c.in); got != c.want {
			t.Errorf("EscapePath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestURLSharding(t *testing.T) {
	for n := 2; n <= 5; n++ {
		var bases []string
		for i := range n {
			bases = append(bases, fmt.Sprintf("https://cdn%d.example.com/p%d/", i, i))
		}
		a := newURLStorage(t, storage.WithBaseURL(bases...))
		b := newURLStorage(t, storage.WithBaseURL(bases...), storage.WithLocation(""))
		used := map[string]int{}
		for i := range 500 {
			name := fmt.Sprintf("img/%d/photo %d.jpg", i%17, i)
			u1, err := a.URL(name)
			if err != nil {
				t.Fatal(err)
			}
			u2, _ := b.URL(name)
			u3, _ := a.URL(name)
			if u1 != u2 || u1 != u3 {
				t.Fatalf("URL(%q) is not stable: %q %q %q", name, u1, u2, u3)
			}
			pu, _ := url.Parse(u1)
			idx := strings.TrimPrefix(pu.Host, "cdn")[0] - '0'
			if want := fmt.Sprintf("/p%d/%s", idx, name); pu.Path != want {
				t.Fatalf("URL(%q) = %q: path %q, want %q", name, u1, pu.Path, want)
			}
			used[pu.Host]++
		}
		if len(used) != n {
			t.Fatalf("%d bases: 500 names used only %v", n, used)
		}
		for h, c := range used {
			if c < 500/n/3 {
				t.Errorf("%d bases: host %s got only %d of 500 names", n, h, c)
			}
		}
	}
}

func TestURLShardingFixed(t *testing.T) {
	// The shard of a name must not change between releases: CDN caches and
	// stored URLs depend on it. FNV-1a of the name modulo the number of bases.
	st := newURLStorage(t, storage.WithBaseURL("https://a.example/", "https://b.example/", "https://c.example/"))
	for name, host := range map[string]string{"a": "b.example", "b": "b.example", "avatars/me.png": "a.example", "c": "c.example"} {
		u, err := st.URL(name)
		if err != nil {
			t.Fatal(err)
		}
		if want := "https://" + host + "/" + name; u != want {
			t.Errorf("URL(%q) = %q, want %q", name, u, want)
		}
	}
}

func TestURLBaseNormalised(t *testing.T) {
	st := newURLStorage(t, storage.WithBaseURL("https://cdn.example.com/media"))
	if u, _ := st.URL("x.txt"); u != "https://cdn.example.com/media/x.txt" {
		t.Fatalf("URL = %q", u)
	}
	st = newURLStorage(t, storage.WithBaseURL("http://127.0.0.1:8080"))
	if u, _ := st.URL("x.txt"); u != "http://127.0.0.1:8080/x.txt" {
		t.Fatalf("URL = %q", u)
	}
}

func TestURLErrors(t *testing.T) {
	st := newURLStorage(t)
	if _, err := st.URL("x.txt"); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("URL without a base: %v, want ErrUnsupported", err)
	}
	st = newURLStorage(t, storage.WithBaseURL("https://cdn.example.com/"))
	for _, c := range invalidNames {
		if _, err := st.URL(c.name); !errors.Is(err, storage.ErrInvalidName) {
			t.Fatalf("URL(%q): %v, want ErrInvalidName", c.name, err)
		}
	}
	for _, b := range []string{"", "cdn.example.com", "/path/", "https://cdn.example.com/?a=b", "https://cdn.example.com/#x", "https://"} {
		if _, err := memory.New(storage.WithBaseURL(b)); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("WithBaseURL(%q): %v, want ErrInvalidArgument", b, err)
		}
	}
}
