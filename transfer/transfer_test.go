package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/transfer"
)

func newMem(t *testing.T) *storage.Storage {
	t.Helper()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newFS(t *testing.T) *storage.Storage {
	t.Helper()
	st, err := filesystem.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func put(t *testing.T, st *storage.Storage, name, body string, opts storage.SaveOptions) {
	t.Helper()
	opts.Conflict = storage.Overwrite
	if _, err := st.Save(context.Background(), name, strings.NewReader(body), opts); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, st *storage.Storage, name string) string {
	t.Helper()
	r, err := st.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func names(t *testing.T, st *storage.Storage, prefix string) []string {
	t.Helper()
	var out []string
	for e, err := range st.List(context.Background(), prefix, storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Name)
	}
	return out
}

type progress struct {
	bytes atomic.Int64
	done  atomic.Int64
}

func (p *progress) Bytes(n int64)             { p.bytes.Add(n) }
func (p *progress) Done(transfer.Item, error) { p.done.Add(1) }

func TestCopyTreeKeepsAttributes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		src, dst func(*testing.T) *storage.Storage
	}{
		{"mem-to-fs", newMem, newFS},
		{"fs-to-mem", newFS, newMem},
		{"mem-to-mem", newMem, newMem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			src, dst := tc.src(t), tc.dst(t)
			put(t, src, "site/a.txt", "alpha", storage.SaveOptions{CacheControl: "max-age=60", Metadata: map[string]string{"k": "v"}})
			put(t, src, "site/css/b.css", "body{}", storage.SaveOptions{})
			put(t, src, "sitemap.xml", "not under site/", storage.SaveOptions{})
			items, err := transfer.Tree(ctx, src, "site/", "static/")
			if err != nil {
				t.Fatal(err)
			}
			want := []transfer.Item{{Src: "site/a.txt", Dst: "static/a.txt", Size: 5}, {Src: "site/css/b.css", Dst: "static/css/b.css", Size: 6}}
			if !slices.Equal(items, want) {
				t.Fatalf("Tree = %+v, want %+v", items, want)
			}
			var p progress
			res := transfer.Copy(ctx, dst, src, items, transfer.Options{Concurrency: 2, Progress: &p})
			if err := res.Err(); err != nil || res.Objects != 2 || res.Bytes != 11 {
				t.Fatalf("Copy = %+v", res)
			}
			if p.bytes.Load() != 11 || p.done.Load() != 2 {
				t.Fatalf("progress saw %d bytes, %d items", p.bytes.Load(), p.done.Load())
			}
			if got := get(t, dst, "static/a.txt"); got != "alpha" {
				t.Fatalf("static/a.txt = %q", got)
			}
			a, err := dst.Stat(ctx, "static/a.txt")
			if err != nil {
				t.Fatal(err)
			}
			if a.CacheControl != "max-age=60" || a.Metadata["k"] != "v" || !strings.HasPrefix(a.ContentType, "text/plain") {
				t.Fatalf("attributes not kept: %+v", a)
			}
			if b, _ := dst.Stat(ctx, "static/css/b.css"); !strings.HasPrefix(b.ContentType, "text/css") {
				t.Fatalf("css content type %q", b.ContentType)
			}
		})
	}
}

func TestCopyReportsEachFailure(t *testing.T) {
	ctx := context.Background()
	src, dst := newMem(t), newMem(t)
	put(t, src, "a", "1", storage.SaveOptions{})
	items := []transfer.Item{{Src: "a", Dst: "x/a"}, {Src: "missing", Dst: "x/missing"}, {Src: "a", Dst: "x/b"}}
	res := transfer.Copy(ctx, dst, src, items, transfer.Options{})
	if res.Objects != 2 || len(res.Errors) != 1 {
		t.Fatalf("Copy = %+v", res)
	}
	var ie *transfer.ItemError
	if !errors.As(res.Errors[0], &ie) || ie.Item.Src != "missing" || !errors.Is(res.Errors[0], storage.ErrNotExist) {
		t.Fatalf("error %v", res.Errors[0])
	}
}

func TestCopyInsideOneStorage(t *testing.T) {
	ctx := context.Background()
	st := newMem(t)
	put(t, st, "a", "hello", storage.SaveOptions{})
	res := transfer.Copy(ctx, st, st, []transfer.Item{{Src: "a", Dst: "b"}, {Src: "a", Dst: "a"}}, transfer.Options{})
	if res.Objects != 1 || res.Bytes != 5 || len(res.Errors) != 1 || !errors.Is(res.Errors[0], storage.ErrInvalidArgument) {
		t.Fatalf("Copy = %+v", res)
	}
	if get(t, st, "a") != "hello" || get(t, st, "b") != "hello" {
		t.Fatal("copy inside one storage lost data")
	}
}

func TestMove(t *testing.T) {
	ctx := context.Background()
	src, dst := newFS(t), newMem(t)
	put(t, src, "d/a", "1", storage.SaveOptions{})
	put(t, src, "d/b", "22", storage.SaveOptions{})
	items, err := transfer.Tree(ctx, src, "d/", "")
	if err != nil {
		t.Fatal(err)
	}
	res := transfer.Copy(ctx, dst, src, items, transfer.Options{Move: true})
	if res.Err() != nil || res.Objects != 2 {
		t.Fatalf("move = %+v", res)
	}
	if n := names(t, src, ""); len(n) != 0 {
		t.Fatalf("sources left: %q", n)
	}
	if n := names(t, dst, ""); !slices.Equal(n, []string{"a", "b"}) {
		t.Fatalf("destination: %q", n)
	}
}

func TestPlanSync(t *testing.T) {
	ctx := context.Background()
	src, dst := newMem(t), newFS(t)
	put(t, src, "s/same.txt", "same", storage.SaveOptions{})
	put(t, src, "s/grown.txt", "longer now", storage.SaveOptions{})
	put(t, src, "s/new/n.txt", "new", storage.SaveOptions{})
	put(t, dst, "d/aaa-extra.txt", "gone from the source", storage.SaveOptions{})
	put(t, dst, "d/grown.txt", "short", storage.SaveOptions{})
	put(t, dst, "d/same.txt", "same", storage.SaveOptions{})
	put(t, dst, "d/zzz-extra.txt", "also gone", storage.SaveOptions{})

	plan, err := transfer.PlanSync(ctx, dst, "d/", src, "s/", transfer.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantCopy := []transfer.Item{{Src: "s/grown.txt", Dst: "d/grown.txt", Size: 10}, {Src: "s/new/n.txt", Dst: "d/new/n.txt", Size: 3}}
	if !slices.Equal(plan.Copy, wantCopy) || plan.Delete != nil || plan.Unchanged != 1 || plan.Bytes != 13 {
		t.Fatalf("plan without delete = %+v", plan)
	}
	plan, err = transfer.PlanSync(ctx, dst, "d/", src, "s/", transfer.SyncOptions{Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.Delete, []string{"d/aaa-extra.txt", "d/zzz-extra.txt"}) {
		t.Fatalf("plan.Delete = %q", plan.Delete)
	}
	res := transfer.Sync(ctx, dst, src, plan, transfer.Options{})
	if res.Err() != nil || res.Objects != 4 {
		t.Fatalf("Sync = %+v", res)
	}
	if n := names(t, dst, ""); !slices.Equal(n, []string{"d/grown.txt", "d/new/n.txt", "d/same.txt"}) {
		t.Fatalf("after sync: %q", n)
	}
	plan, err = transfer.PlanSync(ctx, dst, "d/", src, "s/", transfer.SyncOptions{Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Copy) != 0 || len(plan.Delete) != 0 || plan.Unchanged != 3 {
		t.Fatalf("second plan is not empty: %+v", plan)
	}
}

func TestChanged(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	md5a, md5b := `"0cc175b9c0f1b6a831c399e269772661"`, `"92eb5ffee6ae2fec3ad71c777531578f"`
	crcA, crcB := []byte{1, 2, 3, 4}, []byte{1, 2, 3, 5}
	sumA, sumB := bytes.Repeat([]byte{0xa}, 16), bytes.Repeat([]byte{0xb}, 16)
	for _, tc := range []struct {
		name     string
		src, dst storage.Entry
		want     bool
	}{
		{"size differs", storage.Entry{Size: 1, ModTime: t0}, storage.Entry{Size: 2, ModTime: t0}, true},
		{"same md5 though newer", storage.Entry{Size: 1, ETag: md5a, ModTime: t0.Add(time.Hour)}, storage.Entry{Size: 1, ETag: md5a, ModTime: t0}, false},
		{"md5 differs though older", storage.Entry{Size: 1, ETag: md5a, ModTime: t0}, storage.Entry{Size: 1, ETag: md5b, ModTime: t0.Add(time.Hour)}, true},
		{"multipart etag: by time", storage.Entry{Size: 1, ETag: `"abc-2"`, ModTime: t0}, storage.Entry{Size: 1, ETag: md5a, ModTime: t0.Add(time.Hour)}, false},
		{"source newer", storage.Entry{Size: 1, ModTime: t0.Add(time.Second)}, storage.Entry{Size: 1, ModTime: t0}, true},
		{"same second", storage.Entry{Size: 1, ModTime: t0.Add(900 * time.Millisecond)}, storage.Entry{Size: 1, ModTime: t0}, false},
		{"same crc32c though newer", storage.Entry{Size: 1, Checksums: storage.Checksums{CRC32C: crcA}, ModTime: t0.Add(time.Hour)},
			storage.Entry{Size: 1, Checksums: storage.Checksums{CRC32C: crcA}, ModTime: t0}, false},
		{"crc32c differs though older", storage.Entry{Size: 1, Checksums: storage.Checksums{CRC32C: crcA}, ModTime: t0},
			storage.Entry{Size: 1, Checksums: storage.Checksums{CRC32C: crcB}, ModTime: t0.Add(time.Hour)}, true},
		{"md5 on one side, crc32c on the other: by time", storage.Entry{Size: 1, Checksums: storage.Checksums{MD5: sumA}, ModTime: t0},
			storage.Entry{Size: 1, Checksums: storage.Checksums{CRC32C: crcB}, ModTime: t0.Add(time.Hour)}, false},
		{"md5 in common, crc32c on one side", storage.Entry{Size: 1, Checksums: storage.Checksums{MD5: sumA, CRC32C: crcA}, ModTime: t0},
			storage.Entry{Size: 1, Checksums: storage.Checksums{MD5: sumB}, ModTime: t0.Add(time.Hour)}, true},
		{"listed checksums win over MD5 ETags", storage.Entry{Size: 1, ETag: md5a, Checksums: storage.Checksums{CRC32C: crcA}, ModTime: t0},
			storage.Entry{Size: 1, ETag: md5b, Checksums: storage.Checksums{CRC32C: crcA}, ModTime: t0}, false},
	} {
		if got := transfer.Changed(tc.src, tc.dst); got != tc.want {
			t.Errorf("%s: Changed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Objects of the same size whose bytes differ are copied even when the
// destination is newer: both memory listings carry checksums, so the plan
// compares them rather than the times.
func TestPlanSyncComparesListedChecksums(t *testing.T) {
	ctx := context.Background()
	src, dst := newMem(t), newMem(t)
	put(t, src, "same.txt", "same", storage.SaveOptions{})
	put(t, src, "edited.txt", "aaaa", storage.SaveOptions{})
	put(t, dst, "same.txt", "same", storage.SaveOptions{})
	put(t, dst, "edited.txt", "bbbb", storage.SaveOptions{}) // newer, same size
	plan, err := transfer.PlanSync(ctx, dst, "", src, "", transfer.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []transfer.Item{{Src: "edited.txt", Dst: "edited.txt", Size: 4}}; !slices.Equal(plan.Copy, want) || plan.Unchanged != 1 {
		t.Fatalf("plan = %+v, want edited.txt copied and same.txt unchanged", plan)
	}
}
