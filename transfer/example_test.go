package transfer_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/transfer"
)

// Synchronise a "site/" tree into "static/" of another storage: the first
// plan copies everything, the second finds nothing to do.
func ExamplePlanSync() {
	ctx := context.Background()
	src, _ := memory.New()
	dst, _ := memory.New()
	for _, name := range []string{"site/index.html", "site/css/app.css"} {
		if _, err := src.Save(ctx, name, strings.NewReader("content of "+name), storage.SaveOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	for range 2 {
		plan, err := transfer.PlanSync(ctx, dst, "static/", src, "site/", transfer.SyncOptions{Delete: true})
		if err != nil {
			log.Fatal(err)
		}
		res := transfer.Sync(ctx, dst, src, plan, transfer.Options{})
		if err := res.Err(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("copied %d (%d bytes), unchanged %d\n", len(plan.Copy), res.Bytes, plan.Unchanged)
	}
	// Output:
	// copied 2 (53 bytes), unchanged 0
	// copied 0 (0 bytes), unchanged 2
}
