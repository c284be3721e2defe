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

func TestProfileRerun(t *testing.T) {
	src := corpus(t)
	st, _ := storage.Open(context.Background(), "mem://")
	o := staticfiles.Options{JSModules: true}
	staticfiles.Collect(context.Background(), st, []staticfiles.Source{{FS: src}}, o)
	f, _ := os.Create("/tmp/sc-rerun.prof")
	pprof.StartCPUProfile(f)
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
	pprof.StopCPUProfile()
	t.Log(time.Since(start), err, phases, last.Sub(start))
}
