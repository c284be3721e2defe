package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
)

func urlCases() []testCase {
	return []testCase{
		{"fetch", func(t T, s *suite) {
			st, _ := s.fresh(t)
			data := content("url", 30_000)
			put(t, st, "pub/file.bin", data, storage.SaveOptions{})
			u, err := st.URL("pub/file.bin")
			if err != nil {
				t.Fatalf("URL: %v", err)
			}
			s.get(t, u, data)
		}},
		{"fetch-empty", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "pub/empty.txt", nil, storage.SaveOptions{})
			u, err := st.URL("pub/empty.txt")
			if err != nil {
				t.Fatalf("URL: %v", err)
			}
			s.get(t, u, []byte{})
		}},
		{"fetch-after-overwrite", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "v.txt", []byte("one"), storage.SaveOptions{})
			put(t, st, "v.txt", []byte("two"), storage.SaveOptions{})
			u, err := st.URL("v.txt")
			if err != nil {
				t.Fatal(err)
			}
			s.get(t, u, []byte("two"))
		}},
		{"missing-object-is-4xx", func(t T, s *suite) {
			st, _ := s.fresh(t)
			u, err := st.URL("no/such/object.txt")
			if err != nil {
				t.Fatalf("URL of a missing object: %v (URL does no I/O)", err)
			}
			s.refused(t, http.MethodGet, u, nil, nil)
		}},
		{"no-io", func(t T, s *suite) {
			base, _ := s.fresh(t)
			var calls countingCalls
			st := base.Wrap(calls.wrap)
			for i := range 10 {
				if _, err := st.URL(fmt.Sprintf("n/%d.txt", i)); err != nil {
					t.Fatal(err)
				}
			}
			if n := calls.n.Load(); n != 0 {
				t.Fatalf("URL called the driver %d times", n)
			}
		}},
		{"escaping", func(t T, s *suite) {
			st, _ := s.fresh(t)
			u, err := st.URL("a b/c+d%e?f#g&h'i.txt")
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(u[strings.Index(u, "://")+3:], " +?#&'") {
				t.Fatalf("URL %q has unescaped reserved characters", u)
			}
			if !strings.HasSuffix(u, "/a%20b/c%2Bd%25e%3Ff%23g%26h%27i.txt") {
				t.Fatalf("URL %q does not end in the escaped name", u)
			}
		}},
		{"no-base-url", func(t T, s *suite) {
			st, _ := s.fresh(t)
			_, err := over(t, st).URL("x.txt")
			expectErr(t, "URL without a base URL", err, storage.ErrUnsupported)
		}},
		{"custom-cdn-base", func(t T, s *suite) {
			st, _ := s.fresh(t)
			o := over(t, st, storage.WithBaseURL("https://cdn.example.com/media"), storage.WithLocation("site"))
			u, err := o.URL("img/a b.png")
			if err != nil || u != "https://cdn.example.com/media/site/img/a%20b.png" {
				t.Fatalf("URL = %q, %v", u, err)
			}
		}},
		{"sharding-stable", func(t T, s *suite) {
			st, _ := s.fresh(t)
			bases := []string{"https://a.example/", "https://b.example/p/", "https://c.example/"}
			o1 := over(t, st, storage.WithBaseURL(bases...))
			o2 := over(t, st, storage.WithBaseURL(bases...))
			used := map[string]bool{}
			for i := range 60 {
				name := fmt.Sprintf("shard/%d.jpg", i)
				u1, err := o1.URL(name)
				if err != nil {
					t.Fatal(err)
				}
				u2, _ := o2.URL(name)
				u3, _ := o1.URL(name)
				if u1 != u2 || u1 != u3 {
					t.Fatalf("URL(%q) not stable: %q, %q, %q", name, u1, u2, u3)
				}
				pu, err := url.Parse(u1)
				if err != nil || !strings.HasSuffix(pu.Path, "/"+name) {
					t.Fatalf("URL %q does not address %q", u1, name)
				}
				used[pu.Host] = true
			}
			if len(used) != len(bases) {
				t.Fatalf("60 names used %d of %d hosts", len(used), len(bases))
			}
		}},
		{"invalid-base-url", func(t T, s *suite) {
			st, _ := s.fresh(t)
			for _, b := range []string{"cdn.example.com", "https://cdn.example.com/?q=1", "/relative/", "https://x.example/#frag"} {
				if _, err := storage.New(driverof.Get(st), storage.WithBaseURL(b)); err == nil {
					t.Errorf("WithBaseURL(%q) accepted", b)
				}
			}
		}},
		{"fetch-headers-content-type", func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, _ := s.fresh(t)
			put(t, st, "page.html", []byte("<!doctype html><p>hi"), storage.SaveOptions{ContentType: "text/html; charset=utf-8"})
			u, err := st.URL("page.html")
			if err != nil {
				t.Fatal(err)
			}
			code, h, _ := s.fetch(t, http.MethodGet, u, nil, nil)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s: %d, Content-Type %q", u, code, h.Get("Content-Type"))
			}
		}},
	}
}
