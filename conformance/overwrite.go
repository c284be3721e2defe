package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"

	"github.com/go-storages/storage"
)

// overwriteRace runs n concurrent Overwrite saves of one name with inputs of
// size bytes (several blocks or parts of any driver's upload: 10 MiB),
// seekable (a *bytes.Reader passed through untouched: ContentType and Size
// given) or a plain stream. A seekable input can be sent again, so every
// saver must succeed; a stream may lose to a concurrent commit on a backend
// that discards the other uploads' staged blocks (Azure), and then fails
// with ErrChanged, storing nothing. The object ends holding the complete
// bytes of one saver that succeeded.
func overwriteRace(seekable bool) func(T, *suite) {
	return func(t T, s *suite) {
		st, _ := s.fresh(t)
		ctx := t.Context()
		const n, size = 6, 10 << 20
		const name = "race/big.bin"
		t.Cleanup(func() {
			if err := st.Delete(context.Background(), name); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				data := saverContent(i, size)
				var r io.Reader = bytes.NewReader(data)
				opts := storage.SaveOptions{Conflict: storage.Overwrite, ContentType: "application/octet-stream"}
				if seekable {
					opts.Size = int64(len(data))
				} else {
					r = onlyReader{r}
				}
				<-start
				var got string
				got, errs[i] = st.Save(ctx, name, r, opts)
				if errs[i] == nil && got != name {
					errs[i] = errors.New("Overwrite stored under " + got)
				}
			})
		}
		close(start)
		wg.Wait()
		won := map[string]int{}
		failed := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won[string(saverContent(i, size)[:10])] = i
			case !seekable && errors.Is(err, storage.ErrChanged):
				failed++
				expectErr(t, "a stream that lost the race", err, storage.ErrChanged)
			default:
				t.Errorf("saver %d: %v", i, err)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		if len(won) == 0 {
			t.Fatalf("all %d savers failed", n)
		}
		t.Logf("%d of %d savers succeeded, %d failed with ErrChanged", len(won), n, failed)
		got := readAll(t, st, name)
		if len(got) < 10 {
			t.Fatalf("the object holds %s", show(got))
		}
		i, ok := won[string(got[:10])]
		if !ok {
			t.Fatalf("the object holds %s, which is no successful saver's", show(got))
		}
		if !bytes.Equal(got, saverContent(i, size)) {
			t.Fatalf("the object holds a torn mix: %s, want saver %d's %d bytes", show(got), i, size)
		}
		expectNamespace(t, st, name)
	}
}
