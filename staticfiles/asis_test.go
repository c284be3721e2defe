package staticfiles_test

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/staticfiles"
	"github.com/go-storages/storage/staticfiles/internal/stbackends"
)

// objects reads every object of st.
func objects(t *testing.T, st *storage.Storage) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.Open(ctx, e.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name] = string(b)
	}
	return out
}

func asIsTree(mod time.Time) fstest.MapFS {
	return fstest.MapFS{
		"css/app.css":  {Data: []byte("@import 'base.css';\nbody { background: url(../img/a.png) }\n"), ModTime: mod},
		"css/base.css": {Data: []byte("h1 { color: red }\n"), ModTime: mod},
		"img/a.png":    {Data: []byte("\x89PNG a"), ModTime: mod},
		"js/main.js":   {Data: []byte("import {b} from './b.js';\n"), ModTime: mod},
		"js/b.js":      {Data: []byte("export const b = 1;\n"), ModTime: mod},
	}
}

// NoPostProcess copies every file as it is under its own name: no hashed
// name, no rewritten reference, no manifest; a rerun copies nothing, and a
// changed file is copied again.
func TestCollectNoPostProcess(t *testing.T) {
	ctx := context.Background()
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, b := range stbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			tree := asIsTree(old)
			opts := staticfiles.Options{NoPostProcess: true, Concurrency: 4}
			res, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Collected != len(tree) || res.Unchanged != 0 || res.Uploaded != len(tree) || res.Manifest != nil {
				t.Fatalf("first run: %+v", res)
			}
			got := objects(t, st)
			if want := slices.Sorted(maps.Keys(tree)); !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
				t.Fatalf("stored %q, want exactly %q", slices.Sorted(maps.Keys(got)), want)
			}
			for name, f := range tree {
				if got[name] != string(f.Data) {
					t.Errorf("%s: %q, want the source bytes %q", name, got[name], f.Data)
				}
			}
			a, err := st.Stat(ctx, "css/app.css")
			if err != nil {
				t.Fatal(err)
			}
			if a.CacheControl != staticfiles.DefaultUnhashedCacheControl || a.ContentType != staticfiles.ContentType("css/app.css") {
				t.Errorf("headers %q %q", a.CacheControl, a.ContentType)
			}

			again, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if again.Unchanged != len(tree) || again.Uploaded != 0 {
				t.Fatalf("rerun: %+v", again)
			}

			// A file changed after the copy is copied again; the others not.
			tree["css/base.css"] = &fstest.MapFile{Data: []byte("h1 { color: blue; }\n"), ModTime: time.Now().Add(time.Hour)}
			res, err = staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Unchanged != len(tree)-1 || res.Uploaded != 1 {
				t.Fatalf("after a change: %+v", res)
			}
			if got := objects(t, st)["css/base.css"]; got != "h1 { color: blue; }\n" {
				t.Fatalf("css/base.css = %q", got)
			}
		})
	}
}

// Where the destination's listing has the MD5 (Entry.Checksums, or an MD5
// ETag as S3's), a file whose content changed is copied again even when
// its size and modification time say it did not; elsewhere Django's rule
// (size and time) keeps the old bytes, as Django would.
func TestCollectNoPostProcessComparesMD5(t *testing.T) {
	ctx := context.Background()
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, b := range stbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			tree := asIsTree(old)
			opts := staticfiles.Options{NoPostProcess: true}
			if _, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, opts); err != nil {
				t.Fatal(err)
			}
			listsMD5 := false
			for e, err := range st.List(ctx, "js/b.js", storage.ListOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				et := strings.Trim(e.ETag, `"`)
				_, herr := hex.DecodeString(et)
				listsMD5 = e.Checksums.MD5 != nil || len(et) == 32 && herr == nil
			}
			tree["js/b.js"] = &fstest.MapFile{Data: []byte("export const b = 2;\n"), ModTime: old} // same size, same old time
			res, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := "export const b = 1;\n"
			if listsMD5 {
				want = "export const b = 2;\n"
			}
			if got := objects(t, st)["js/b.js"]; got != want || res.Uploaded != len(tree)-res.Unchanged {
				t.Fatalf("listing has the MD5: %v; js/b.js = %q, want %q; %+v", listsMD5, got, want, res)
			}
			t.Logf("listing has the MD5: %v", listsMD5)
		})
	}
}

// A copied name loses the compressed variants an earlier post-processed
// run stored, which would otherwise be served for the new bytes; a dry run
// says what it would copy and writes nothing.
func TestCollectNoPostProcessAfterCompress(t *testing.T) {
	ctx := context.Background()
	st := stbackends.All()[0].Open(t)
	tree := asIsTree(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	big := []byte{}
	for range 200 {
		big = append(big, "h1 { color: red }\n"...)
	}
	tree["css/base.css"] = &fstest.MapFile{Data: big, ModTime: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}
	if _, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, staticfiles.Options{Compress: &staticfiles.WhiteNoise}); err != nil {
		t.Fatal(err)
	}
	if _, ok := objects(t, st)["css/base.css.br"]; !ok {
		t.Fatal("the compressed run stored no css/base.css.br")
	}
	tree["css/base.css"] = &fstest.MapFile{Data: []byte("h1 { color: blue }\n"), ModTime: time.Now().Add(time.Hour)}
	before := objects(t, st)
	dry, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, staticfiles.Options{NoPostProcess: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Uploaded != 1 || !maps.Equal(before, objects(t, st)) {
		t.Fatalf("dry run: %+v, or it wrote", dry)
	}
	res, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: tree}}, staticfiles.Options{NoPostProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	after := objects(t, st)
	for _, n := range []string{"css/base.css.br", "css/base.css.gz"} {
		if _, ok := after[n]; ok {
			t.Errorf("%s still stored next to the new css/base.css", n)
		}
	}
	if res.Deleted != 2 || after["css/base.css"] != "h1 { color: blue }\n" {
		t.Fatalf("%+v; css/base.css = %q", res, after["css/base.css"])
	}
}

// Options asking for post-processing are refused with NoPostProcess, not
// ignored.
func TestCollectNoPostProcessRefusesPostProcessing(t *testing.T) {
	ctx := context.Background()
	st := stbackends.All()[0].Open(t)
	for _, o := range []staticfiles.Options{
		{Compress: &staticfiles.Fast}, {KeepOnlyHashed: true}, {Recompress: true}, {JSModules: true}, {KeepManifests: 2},
	} {
		o.NoPostProcess = true
		_, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: asIsTree(time.Time{})}}, o)
		if !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if n := len(objects(t, st)); n != 0 {
		t.Fatalf("%d objects written", n)
	}
}
