package staticfiles

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// readAll returns every object of st by name.
func readAll(t *testing.T, st *storage.Storage) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
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
		out[e.Name] = b
	}
	return out
}

// TestDjangoGolden collects testdata/django/static and compares with what
// Django 3.2's collectstatic (ManifestStaticFilesStorage) wrote for the same
// tree (testdata/django/regen.sh): the same names, byte-identical files
// (originals and hashed copies with rewritten references), and the same
// manifest.
func TestDjangoGolden(t *testing.T) {
	ctx := context.Background()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Collect(ctx, st, []Source{{FS: os.DirFS("testdata/django/static")}},
		Options{ManifestVersion: ManifestVersion10})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, st)
	want := map[string][]byte{}
	root := "testdata/django/expected"
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if name == "DJANGO_VERSION" {
			return nil
		}
		b, err := os.ReadFile(p)
		want[name] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	djangoManifest, err := ParseManifest(strings.NewReader(string(want[ManifestName])))
	if err != nil {
		t.Fatal(err)
	}
	delete(want, ManifestName)
	versioned := hashedName(ManifestName, hashHex(res.Manifest.bytes()))
	for name, b := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("Django wrote %q; we did not", name)
		case string(g) != string(b):
			t.Errorf("%q differs:\n got %q\nwant %q", name, g, b)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && name != ManifestName && name != versioned {
			t.Errorf("we wrote %q; Django did not", name)
		}
	}
	// Same paths; and our encoder gives Django's bytes for Django's order.
	if res.Manifest.Len() != djangoManifest.Len() {
		t.Errorf("manifest has %d paths, Django's %d", res.Manifest.Len(), djangoManifest.Len())
	}
	ordered := newManifest(ManifestVersion10)
	for o, h := range djangoManifest.Paths() {
		if mine, ok := res.Manifest.Lookup(o); !ok || mine != h {
			t.Errorf("manifest[%q] = %q, Django %q", o, mine, h)
		}
		ordered.add(o, h)
	}
	djangoBytes, _ := os.ReadFile(filepath.Join(root, ManifestName))
	if string(ordered.bytes()) != string(djangoBytes) {
		t.Errorf("manifest encoding differs from Django's:\n got %s\nwant %s", ordered.bytes(), djangoBytes)
	}
	if string(got[ManifestName]) != string(res.Manifest.bytes()) {
		t.Error("stored manifest differs from Result.Manifest")
	}
}
