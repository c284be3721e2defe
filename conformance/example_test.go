package conformance_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/memory"
)

// A driver's whole conformance test: a fresh storage per case whose public
// URLs something serves over HTTP. Here an httptest server stands in for the
// CDN in front of a memory storage; a cloud driver returns a storage over a
// new bucket (or a new location prefix) on its emulator instead.
//
// TestExampleRun runs the example's storages through the url and fs groups.
func ExampleRun() {
	// func TestConformance(t *testing.T) {
	testConformance := func(t *testing.T) {
		conformance.Run(t, conformance.Harness{
			New:            newServedMemory,
			InProcessBytes: true, // objects live in this process's heap
		})
	}
	_ = testConformance
}

// newServedMemory is ExampleRun's Harness.New.
func newServedMemory(t *testing.T) *storage.Storage {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	st, err := memory.New(storage.WithBaseURL(srv.URL + "/"))
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/", http.FileServer(http.FS(st.FS(t.Context()))))
	return st
}

func TestExampleRun(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: newServedMemory, InProcessBytes: true, Groups: []string{"url", "fs"}})
}
