package storage_test

import (
	"mime"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// The content type of a web asset does not depend on the host's mime
// table: a misleading entry (as a host's /etc/mime.types can hold, for
// example .js as application/x-javascript) is ignored for the types of the
// built-in table, and still consulted for extensions the table lacks.
func TestTypeByExtensionIgnoresHostTable(t *testing.T) {
	misleading := map[string]string{
		".js":   "application/x-misleading",
		".mjs":  "application/x-misleading",
		".css":  "application/x-misleading",
		".wasm": "application/x-misleading",
		".svg":  "application/x-misleading",
	}
	for ext, typ := range misleading {
		was := mime.TypeByExtension(ext)
		if err := mime.AddExtensionType(ext, typ); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if was != "" {
				mime.AddExtensionType(ext, was)
			}
		})
	}
	if err := mime.AddExtensionType(".gostx", "application/x-go-storages-test"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"app.js":        "text/javascript; charset=utf-8",
		"mod.MJS":       "text/javascript; charset=utf-8",
		"site.css":      "text/css; charset=utf-8",
		"a/b/c.wasm":    "application/wasm",
		"logo.svg":      "image/svg+xml",
		"x.gostx":       "application/x-go-storages-test", // not in the table: the host's
		"README":        "",
		"archive.nope0": "",
	}
	for name, typ := range want {
		if got := storage.TypeByExtension(name); got != typ {
			t.Errorf("TypeByExtension(%q) = %q, want %q", name, got, typ)
		}
	}
	// Save uses it when no content type is given.
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.js", "site.css", "a/b/c.wasm"} {
		if _, err := st.Save(t.Context(), name, strings.NewReader("x"), storage.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		a, err := st.Stat(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != want[name] {
			t.Errorf("Save(%q) stored content type %q, want %q", name, a.ContentType, want[name])
		}
	}
}
