package conformance_test

import (
	"context"
	"fmt"
	"log"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/memory"
)

// Run the suite outside go test (from a command, against a user's bucket):
// NewT gives each case a fresh namespace, and the report counts the
// outcomes per group.
func ExampleRunStandalone() {
	h := conformance.Harness{
		NewT: func(t conformance.T) *storage.Storage {
			st, err := memory.New()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
		InProcessBytes: true,
	}
	rep, err := conformance.RunStandalone(context.Background(), h, conformance.StandaloneOptions{Groups: []string{"list", "copy"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range rep.Groups() {
		fmt.Printf("%s: failed %d\n", g, rep.Count(g, conformance.Failed))
	}
	// Output:
	// list: failed 0
	// copy: failed 0
}
