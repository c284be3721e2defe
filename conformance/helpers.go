package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/go-storages/storage"
)

// track deletes name from st when the case ends (after the case's context
// is cancelled, so with a fresh one).
func track(t T, st *storage.Storage, name string) {
	t.Cleanup(func() {
		if err := st.Delete(context.Background(), name); err != nil {
			t.Errorf("cleanup: Delete(%q): %v", name, err)
		}
	})
}

// put saves data under exactly name (replacing any object) and tracks it.
func put(t T, st *storage.Storage, name string, data []byte, opts storage.SaveOptions) {
	t.Helper()
	if opts.Conflict == storage.DefaultPolicy {
		opts.Conflict = storage.Overwrite
	}
	got, err := st.Save(t.Context(), name, bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("Save(%q): %v", name, err)
	}
	track(t, st, got)
	if got != name {
		t.Fatalf("Save(%q) with %v stored %q", name, opts.Conflict, got)
	}
}

// save calls Save and tracks the stored name when it succeeds.
func save(t T, st *storage.Storage, ctx context.Context, name string, r io.Reader, opts storage.SaveOptions) (string, error) {
	t.Helper()
	got, err := st.Save(ctx, name, r, opts)
	if err == nil {
		track(t, st, got)
	}
	return got, err
}

// content returns deterministic test bytes for a name.
func content(name string, n int) []byte {
	b := make([]byte, n)
	seed := fmt.Sprintf("%s|", name)
	for i := range b {
		b[i] = seed[i%len(seed)] ^ byte(i/len(seed))
	}
	return b
}

// readAll opens name and returns all its bytes.
func readAll(t T, st *storage.Storage, name string) []byte {
	t.Helper()
	r, err := st.Open(t.Context(), name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading %q: %v", name, err)
	}
	return b
}

// expectBytes fails unless name holds want.
func expectBytes(t T, st *storage.Storage, name string, want []byte) {
	t.Helper()
	if got := readAll(t, st, name); !bytes.Equal(got, want) {
		t.Fatalf("%q holds %s, want %s", name, show(got), show(want))
	}
}

// show describes bytes briefly for failure messages.
func show(b []byte) string {
	if len(b) <= 64 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%d bytes %q...", len(b), b[:32])
}

// list collects a listing.
func list(t T, st *storage.Storage, prefix string, opts storage.ListOptions) []storage.Entry {
	t.Helper()
	var out []storage.Entry
	for e, err := range st.List(t.Context(), prefix, opts) {
		if err != nil {
			t.Fatalf("List(%q, %+v): %v", prefix, opts, err)
		}
		out = append(out, e)
	}
	return out
}

// entryNames returns the names of entries, directories with their "/".
func entryNames(es []storage.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// expectList fails unless List(prefix, opts) yields exactly want, in order.
func expectList(t T, st *storage.Storage, prefix string, opts storage.ListOptions, want []string) []storage.Entry {
	t.Helper()
	es := list(t, st, prefix, opts)
	got := entryNames(es)
	if want == nil {
		want = []string{}
	}
	if len(got) == 0 {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("List(%q, OneLevel=%v) =\n%s\nwant\n%s", prefix, opts.OneLevel, brief(got), brief(want))
	}
	for _, e := range es {
		if e.IsDir != strings.HasSuffix(e.Name, "/") {
			t.Fatalf("List(%q): entry %q has IsDir=%v", prefix, e.Name, e.IsDir)
		}
	}
	return es
}

// brief shows a list of names, eliding the middle of long ones.
func brief(names []string) string {
	if len(names) > 12 {
		return fmt.Sprintf("%d names: %q ... %q", len(names), names[:6], names[len(names)-6:])
	}
	return fmt.Sprintf("%q", names)
}

// expectNamespace fails unless a recursive listing of the whole storage is
// exactly want (sorted): no temporary or partial object is visible.
func expectNamespace(t T, st *storage.Storage, want ...string) {
	t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	expectList(t, st, "", storage.ListOptions{}, want)
}

// expectErr fails unless err matches every one of kinds with errors.Is and
// is (or wraps) a *storage.Error.
func expectErr(t T, what string, err error, kinds ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v", what, kinds)
	}
	for _, k := range kinds {
		if !errors.Is(err, k) {
			t.Fatalf("%s: error %q (%T) does not match %v", what, err, err, k)
		}
	}
	var se *storage.Error
	if !errors.As(err, &se) {
		t.Fatalf("%s: error %q (%T) is not a *storage.Error", what, err, err)
	}
	expectReadsOnce(t, what, err)
}

// sentinelTexts are the sentinels' messages without "storage: ".
var sentinelTexts = func() []string {
	var out []string
	for _, k := range []error{storage.ErrNotExist, storage.ErrExist, storage.ErrInvalidName, storage.ErrPermission,
		storage.ErrUnsupported, storage.ErrChecksum, storage.ErrInvalidArgument, storage.ErrChanged, storage.ErrBucketNotExist} {
		out = append(out, strings.TrimPrefix(k.Error(), "storage: "))
	}
	return out
}()

// expectReadsOnce fails when err's message repeats itself: it must read
// "storage: op "name": cause" once, so no sentinel's text ("permission
// denied") may stand in it twice, and the "storage: " of the root package's
// own errors stands only at its start.
func expectReadsOnce(t T, what string, err error) {
	t.Helper()
	msg := err.Error()
	for _, s := range sentinelTexts {
		if strings.Count(msg, s) > 1 || strings.Contains(msg, "storage: "+s) {
			t.Fatalf("%s: message repeats %q: %s", what, s, msg)
		}
	}
	var se *storage.Error
	if errors.As(err, &se) {
		if head := "storage: " + se.Op; strings.Count(msg, head+" ")+strings.Count(msg, head+":") > 1 {
			t.Fatalf("%s: message repeats %q: %s", what, head, msg)
		}
	}
}

// expectMissing fails unless name does not exist.
func expectMissing(t T, st *storage.Storage, name string) {
	t.Helper()
	ok, err := st.Exists(t.Context(), name)
	if err != nil {
		t.Fatalf("Exists(%q): %v", name, err)
	}
	if ok {
		t.Fatalf("%q exists, want it missing", name)
	}
}

// fetch does one HTTP request and returns the status, headers and body.
func (s *suite) fetch(t T, method, url string, body []byte, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp.StatusCode, resp.Header, b
}

// get fetches url and fails unless it answers 200 with want.
func (s *suite) get(t T, url string, want []byte) {
	t.Helper()
	code, _, got := s.fetch(t, http.MethodGet, url, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d (%s)", url, code, show(got))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("GET %s: got %s, want %s", url, show(got), show(want))
	}
}

// refused fails unless the request is answered with a 4xx status.
func (s *suite) refused(t T, method, url string, body []byte, header http.Header) {
	t.Helper()
	code, _, got := s.fetch(t, method, url, body, header)
	if code < 400 || code > 499 {
		t.Fatalf("%s %s: status %d (%s), want a 4xx refusal", method, url, code, show(got))
	}
}

// pool runs fn(i) for i in [0, n) on at most workers goroutines and returns
// the first error.
func pool(n, workers int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// putMany saves names concurrently (bounded) with content(name, size) and
// tracks them; the cleanup deletes them concurrently too.
func putMany(t T, st *storage.Storage, names []string, size int) {
	t.Helper()
	ctx := t.Context()
	t.Cleanup(func() {
		err := pool(len(names), 16, func(i int) error { return st.Delete(context.Background(), names[i]) })
		if err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	err := pool(len(names), 16, func(i int) error {
		got, err := st.Save(ctx, names[i], bytes.NewReader(content(names[i], size)), storage.SaveOptions{Conflict: storage.Overwrite})
		if err == nil && got != names[i] {
			err = fmt.Errorf("Save(%q) stored %q", names[i], got)
		}
		return err
	})
	if err != nil {
		t.Fatalf("saving %d objects: %v", len(names), err)
	}
}
