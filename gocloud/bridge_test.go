package gocloud_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gocloud"
)

// fileblob's own IfNotExist is not atomic; the bridge serialises its
// commits, so concurrent Rename saves through one storage lose nothing.
func TestFileblobRenameRaceInProcess(t *testing.T) {
	ctx := context.Background()
	b, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := gocloud.New(ctx, gocloud.Config{Bucket: b, Scheme: "file"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Capabilities().ConditionalCreate {
		t.Fatal("fileblob must not declare ConditionalCreate (not atomic across processes)")
	}
	const n = 100
	var wg sync.WaitGroup
	names := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			names[i], errs[i] = st.Save(ctx, "same.txt", strings.NewReader(fmt.Sprint("body-", i)), storage.SaveOptions{})
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[names[i]] {
			t.Fatalf("name %q given twice", names[i])
		}
		seen[names[i]] = true
		f, err := st.Open(ctx, names[i])
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != fmt.Sprint("body-", i) {
			t.Fatalf("%s holds %q, want body-%d", names[i], got, i)
		}
	}
}

func TestSpoolReplayAfterLostRace(t *testing.T) {
	ctx := context.Background()
	st, err := gocloud.New(ctx, gocloud.Config{URL: "mem://"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	body := strings.Repeat("x", 100<<10) // more than the spool keeps in memory: spills to a file
	// A reader that creates the name while the body is being read, so the
	// conditional commit loses the race after the pre-check.
	r := &racer{r: strings.NewReader(body), fire: func() {
		st.Save(ctx, "a.txt", strings.NewReader("winner"), storage.SaveOptions{Conflict: storage.Overwrite})
	}}
	name, err := st.Save(ctx, "a.txt", r, storage.SaveOptions{ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if name == "a.txt" || !strings.HasPrefix(name, "a_") {
		t.Fatalf("saved as %q", name)
	}
	for n, want := range map[string]string{"a.txt": "winner", name: body} {
		f, err := st.Open(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != want {
			t.Fatalf("%s = %q", n, got)
		}
	}
	// Fail policy: the race is an ErrExist, and the winner stays.
	r = &racer{r: strings.NewReader(body), fire: func() {
		st.Save(ctx, "b.txt", strings.NewReader("winner"), storage.SaveOptions{Conflict: storage.Overwrite})
	}}
	if _, err := st.Save(ctx, "b.txt", r, storage.SaveOptions{Conflict: storage.Fail}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("fail policy: %v", err)
	}
}

type racer struct {
	r    io.Reader
	fire func()
	done bool
}

func (r *racer) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		r.fire()
	}
	return r.r.Read(p)
}

func TestDriverOptions(t *testing.T) {
	ctx := context.Background()
	st, _ := gocloud.New(ctx, gocloud.Config{URL: "mem://"})
	called := false
	_, err := st.Save(ctx, "a", strings.NewReader("x"), storage.SaveOptions{DriverOptions: &gocloud.SaveOptions{
		BeforeWrite: func(func(any) bool) error { called = true; return nil },
	}})
	if err != nil || !called {
		t.Fatalf("BeforeWrite: %v %v", called, err)
	}
	if _, err := st.Save(ctx, "a", strings.NewReader("x"), storage.SaveOptions{DriverOptions: 42}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("driver options of no driver: %v", err)
	}
	if _, err := st.Save(ctx, "a", strings.NewReader("x"), storage.SaveOptions{Public: true}); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("public: %v", err)
	}
}

func TestOpenByURL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := storage.Open(ctx, "gocloud+file://"+dir+"?create_dir=true&prefix=media&base_url=https://example.com/&spool_limit=0")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("hi"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.URL("a.txt"); u != "https://example.com/media/a.txt" {
		t.Fatalf("URL %q", u)
	}
	mem, err := storage.Open(ctx, "gocloud+mem://")
	if err != nil {
		t.Fatal(err)
	}
	if !mem.Capabilities().ConditionalCreate {
		t.Fatal("memblob capabilities not picked")
	}
	// gocloud.dev checks its own parameters when the bucket opens; its
	// message (which may quote the URL) is not passed on.
	const secret = "s3cr3tvalue"
	_, err = storage.Open(ctx, "gocloud+mem://?bogus="+secret)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("err = %v", err)
	}
	p, err := storage.ParseURL("gocloud+mem://?bogus=" + secret)
	if err != nil || strings.Contains(p.String(), secret) {
		t.Fatalf("String() = %q, %v", p, err)
	}
}

func Example() {
	ctx := context.Background()
	// Any *blob.Bucket works; here, gocloud.dev's in-memory driver by URL.
	st, err := gocloud.New(ctx, gocloud.Config{URL: "mem://"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	name, _ := st.Save(ctx, "notes/hello.txt", strings.NewReader("hello"), storage.SaveOptions{})
	a, _ := st.Stat(ctx, name)
	fmt.Println(name, a.Size, a.ContentType)
	// Output: notes/hello.txt 5 text/plain; charset=utf-8
}
