package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/go-storages/storage"
)

// saverContent is what saver i writes in the concurrency cases.
func saverContent(i, size int) []byte {
	return bytes.Repeat(fmt.Appendf(nil, "saver %03d;", i), size/10)
}

// race runs n saves of name at once (released together) and returns each
// saver's stored name and error.
func race(t T, st *storage.Storage, n, size int, name string, policy storage.ConflictPolicy) ([]string, []error) {
	t.Helper()
	ctx := t.Context()
	names, errs := make([]string, n), make([]error, n)
	var mu sync.Mutex
	var stored []string
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if err := pool(len(stored), 16, func(i int) error { return st.Delete(context.Background(), stored[i]) }); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			names[i], errs[i] = st.Save(ctx, name, bytes.NewReader(saverContent(i, size)), storage.SaveOptions{Conflict: policy})
			if errs[i] == nil {
				mu.Lock()
				stored = append(stored, names[i])
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	return names, errs
}

func concurrencyCases() []testCase {
	return append([]testCase{
		{"rename-200-distinct", func(t T, s *suite) {
			need(t, s.caps.ConditionalCreate, "ConditionalCreate")
			st, _ := s.fresh(t)
			const n = 200
			names, errs := race(t, st, n, 1000, "race/photo.jpg", storage.Rename)
			seen := map[string]int{}
			original := 0
			pattern := renamedLike("race/", "photo", ".jpg")
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("saver %d: %v", i, errs[i])
				}
				if j, dup := seen[names[i]]; dup {
					t.Fatalf("savers %d and %d both got %q", j, i, names[i])
				}
				seen[names[i]] = i
				if names[i] == "race/photo.jpg" {
					original++
				} else if !pattern.MatchString(names[i]) {
					t.Fatalf("saver %d got %q", i, names[i])
				}
			}
			if original != 1 {
				t.Fatalf("%d savers got the name itself, want exactly 1", original)
			}
			for name, i := range seen {
				expectBytes(t, st, name, saverContent(i, 1000))
			}
			want := make([]string, 0, n)
			for name := range seen {
				want = append(want, name)
			}
			expectNamespace(t, st, want...)
		}},
		{"fail-one-winner", func(t T, s *suite) {
			need(t, s.caps.ConditionalCreate, "ConditionalCreate")
			st, _ := s.fresh(t)
			const n = 30
			names, errs := race(t, st, n, 5000, "race/once.txt", storage.Fail)
			winner := -1
			for i := range n {
				switch {
				case errs[i] == nil:
					if winner >= 0 {
						t.Fatalf("savers %d and %d both created %q", winner, i, names[i])
					}
					winner = i
				case !errors.Is(errs[i], storage.ErrExist):
					t.Fatalf("saver %d: %v, want ErrExist", i, errs[i])
				}
			}
			if winner < 0 {
				t.Fatal("no saver succeeded")
			}
			expectBytes(t, st, "race/once.txt", saverContent(winner, 5000))
			expectNamespace(t, st, "race/once.txt")
		}},
		{"overwrite-last-complete", func(t T, s *suite) {
			st, _ := s.fresh(t)
			const n = 20
			_, errs := race(t, st, n, 64<<10, "race/shared.bin", storage.Overwrite)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("saver %d: %v", i, err)
				}
			}
			got := readAll(t, st, "race/shared.bin")
			for i := range n {
				if bytes.Equal(got, saverContent(i, 64<<10)) {
					expectNamespace(t, st, "race/shared.bin")
					return
				}
			}
			t.Fatalf("after %d concurrent overwrites the object holds none of them whole: %s", n, show(got))
		}},
		{"overwrite-multi-part-seekable", overwriteRace(true)},
		{"overwrite-multi-part-stream", overwriteRace(false)},
		{"readers-see-whole-versions", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			const versions = 15
			size := 32 << 10
			put(t, st, "rw.bin", saverContent(0, size), storage.SaveOptions{})
			var wg sync.WaitGroup
			done := make(chan struct{})
			errc := make(chan error, 5)
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						r, err := st.Open(ctx, "rw.bin")
						if err != nil {
							errc <- err
							return
						}
						var b bytes.Buffer
						_, err = b.ReadFrom(r)
						r.Close()
						if errors.Is(err, storage.ErrChanged) || errors.Is(err, storage.ErrNotExist) {
							// The version this reader opened was replaced
							// before it was read: refusing to mix versions
							// is allowed (a generation-pinned read).
							continue
						}
						if err != nil {
							errc <- err
							return
						}
						if b.Len() != len(saverContent(0, size)) || !bytes.Equal(b.Bytes(), bytes.Repeat(b.Bytes()[:10], size/10)) {
							errc <- fmt.Errorf("a reader saw a torn object: %s", show(b.Bytes()))
							return
						}
					}
				})
			}
			for v := 1; v <= versions; v++ {
				if _, err := st.Save(ctx, "rw.bin", bytes.NewReader(saverContent(v, size)), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
					close(done)
					wg.Wait()
					t.Fatal(err)
				}
			}
			close(done)
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			expectBytes(t, st, "rw.bin", saverContent(versions, size))
		}},
		{"parallel-distinct-names", func(t T, s *suite) {
			st, _ := s.fresh(t)
			var names []string
			for i := range 100 {
				names = append(names, fmt.Sprintf("par/%02d/obj-%03d.bin", i%7, i))
			}
			putMany(t, st, names, 3000)
			for _, n := range names {
				expectBytes(t, st, n, content(n, 3000))
			}
			want := slices.Clone(names)
			slices.Sort(want)
			expectNamespace(t, st, want...)
		}},
		{"concurrent-delete-and-stat", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			var names []string
			for i := range 50 {
				names = append(names, fmt.Sprintf("del/%02d", i))
			}
			putMany(t, st, names, 100)
			err := pool(len(names)*2, 8, func(i int) error {
				if i%2 == 0 {
					return st.Delete(ctx, names[i/2])
				}
				_, err := st.Stat(ctx, names[i/2])
				if errors.Is(err, storage.ErrNotExist) {
					return nil
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			expectNamespace(t, st)
		}},
	}, lostRaceCases()...)
}
