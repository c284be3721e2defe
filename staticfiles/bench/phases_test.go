//go:build staticbench

package bench

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/staticfiles"
)

// TestRerunPhases times the phases of a rerun of the unchanged tree into
// memory (no network), with a CPU profile when CPUPROFILE names a file.
func TestRerunPhases(t *testing.T) {
	src := corpus(t)
	st, _ := storage.Open(context.Background(), "mem://")
	o := staticfiles.Options{JSModules: true}
	staticfiles.Collect(context.Background(), st, []staticfiles.Source{{FS: src}}, o)
	if p := os.Getenv("CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var phases []string
	last := time.Now()
	o.Progress = func(p staticfiles.Progress) {
		if len(phases) == 0 || phases[len(phases)-1][:4] != string(p.Phase)[:4] {
			phases = append(phases, string(p.Phase)+" at "+time.Since(start).String())
		}
		last = time.Now()
	}
	_, err := staticfiles.Collect(context.Background(), st, []staticfiles.Source{{FS: src}}, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rerun %v; phases started: %v", last.Sub(start), phases)
}
