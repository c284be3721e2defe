//go:build staticbench

// Package bench measures staticfiles.Collect on a realistic tree (see
// run.sh). It is not part of the test suite: run.sh runs it with the
// staticbench build tag.
package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/staticfiles"
	"github.com/go-storages/storage/staticfiles/internal/stbackends"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// peakHeap samples the heap every 10 ms until stop is called, which
// returns the peak.
func peakHeap() (stop func() uint64) {
	h := benchmetrics.StartHeapPeak(10 * time.Millisecond)
	return func() uint64 { peak, _ := h.Stop(); return peak }
}

func corpus(t *testing.T) fs.FS {
	dir := os.Getenv("STATIC_TREE")
	if dir == "" {
		t.Fatal("STATIC_TREE is not set (run.sh sets it)")
	}
	return os.DirFS(dir)
}

type row struct {
	what   string
	d      time.Duration
	cpu    time.Duration // CPU time of this process (user + system)
	heap   uint64
	detail string
}

func report(t *testing.T, rows []row) {
	fmt.Printf("\n| run | wall time | CPU time (user + system, client process) | peak Go heap | detail |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		heap := "-"
		if r.heap > 0 {
			heap = fmt.Sprintf("%.0f MiB", float64(r.heap)/(1<<20))
		}
		fmt.Printf("| %s | %.2f s | %.2f s | %s | %s |\n", r.what, r.d.Seconds(), r.cpu.Seconds(), heap, r.detail)
	}
	if l, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("\nload average at the end: %s(GOMAXPROCS %d)\n", l[:15], runtime.GOMAXPROCS(0))
	}
}

func collect(t *testing.T, st *storage.Storage, src fs.FS, o staticfiles.Options) (*staticfiles.Result, row) {
	runtime.GC()
	stop := peakHeap()
	start, cpu := time.Now(), benchmetrics.CPU()
	res, err := staticfiles.Collect(context.Background(), st, []staticfiles.Source{{FS: src}}, o)
	d, c := time.Since(start), benchmetrics.CPU()-cpu
	h := stop()
	if err != nil {
		t.Fatal(err)
	}
	return res, row{d: d, cpu: c, heap: h, detail: fmt.Sprintf("%d files, %d uploaded (%.1f MB), %d unchanged, %d compressed, %d variants",
		res.Collected, res.Uploaded, float64(res.Bytes)/1e6, res.Unchanged, res.Compressed, res.Variants)}
}

// plainUpload writes every file of src twice (its name and a second name,
// as many objects as a collect writes) with conc parallel Saves: the floor.
func plainUpload(t *testing.T, st *storage.Storage, src fs.FS, conc int) (int, row) {
	var names []string
	fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	runtime.GC()
	stop := peakHeap()
	start, cpu := time.Now(), benchmetrics.CPU()
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(conc)
	for _, n := range names {
		for _, dst := range []string{n, "copy/" + n} {
			g.Go(func() error {
				f, err := src.Open(n)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = st.Save(ctx, dst, f, storage.SaveOptions{ContentType: staticfiles.ContentType(n), Conflict: storage.Overwrite})
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	d, c := time.Since(start), benchmetrics.CPU()-cpu
	return 2 * len(names), row{d: d, cpu: c, heap: stop(), detail: fmt.Sprintf("%d objects, %d parallel Saves", 2*len(names), conc)}
}

// TestUploadMinIO: first run vs a plain parallel upload of the same
// objects through the same storage, then the rerun of the unchanged tree.
func TestUploadMinIO(t *testing.T) {
	src := corpus(t)
	conc := 32
	floorSt := stbackends.S3(t)
	_, floor := plainUpload(t, floorSt, src, conc)
	floor.what = "plain parallel upload (floor)"
	st := stbackends.S3(t)
	_, first := collect(t, st, src, staticfiles.Options{JSModules: true, Concurrency: conc})
	first.what = fmt.Sprintf("collect, first run (%.2fx the floor)", first.d.Seconds()/floor.d.Seconds())
	_, rerun := collect(t, st, src, staticfiles.Options{JSModules: true, Concurrency: conc})
	rerun.what = "collect, rerun of the unchanged tree"
	rows := []row{floor, first, rerun}
	if os.Getenv("STATIC_PEERS") == "1" {
		rows = append(rows, peers(t, os.Getenv("STATIC_TREE"), floor.d)...)
	}
	report(t, rows)
}

// TestCompress: precompression of the tree (into a local directory, so
// that the stored bytes are not in the heap measured), WhiteNoise's preset
// and the fast one, then a rerun. Options are Django's defaults (no JS
// module rewriting, as Django 3.2 + WhiteNoise 6, whose output it matches).
// STATIC_PRESET picks one preset ("whitenoise" or "fast"), STATIC_DEST one
// destination ("file" or "mem"); with
// STATIC_PROFILE_DIR set, each preset's first run writes a CPU profile
// there (run.sh prints where the CPU went from it). STATIC_CONCURRENCY sets
// Options.Concurrency (default: the storage kind's).
func TestCompress(t *testing.T) {
	src := corpus(t)
	var rows []row
	for _, p := range []struct {
		name, id, dest string
		c              staticfiles.Compression
	}{
		{"brotli 11 + gzip 9 (WhiteNoise)", "whitenoise", "file", staticfiles.WhiteNoise},
		{"brotli 11 + gzip 9 (WhiteNoise)", "whitenoise", "mem", staticfiles.WhiteNoise},
		{"brotli 5 + zstd 19 (Fast)", "fast", "file", staticfiles.Fast},
	} {
		if want := os.Getenv("STATIC_PRESET"); want != "" && want != p.id {
			continue
		}
		if want := os.Getenv("STATIC_DEST"); want != "" && want != p.dest {
			continue
		}
		// A local directory, as WhiteNoise writes; memory, to show the
		// compression alone (the stored bytes are then in the heap measured).
		u := "mem://"
		if p.dest != "mem" {
			u = "file://" + outDir(t)
		}
		st, err := storage.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		c := p.c
		if dir := os.Getenv("STATIC_PROFILE_DIR"); dir != "" {
			f, err := os.Create(filepath.Join(dir, p.id+"-"+p.dest+".prof"))
			if err != nil {
				t.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Fatal(err)
			}
		}
		// CPU time used when each phase first reports progress: scan, hash
		// and rewrite run one after the other; compression and writes overlap.
		var mu sync.Mutex
		var phases []string
		t0 := benchmetrics.CPU()
		conc, _ := strconv.Atoi(os.Getenv("STATIC_CONCURRENCY")) // 0: the storage kind's default
		o := staticfiles.Options{Compress: &c, Concurrency: conc, Progress: func(pr staticfiles.Progress) {
			mu.Lock()
			defer mu.Unlock()
			ph := string(pr.Phase)
			for _, seen := range phases {
				if strings.HasPrefix(seen, ph+" ") {
					return
				}
			}
			phases = append(phases, fmt.Sprintf("%s %.1f s", ph, (benchmetrics.CPU()-t0).Seconds()))
		}}
		res, r := collect(t, st, src, o)
		if os.Getenv("STATIC_PROFILE_DIR") != "" {
			pprof.StopCPUProfile()
		}
		var br, gz, zs, orig int64
		for e, err := range st.List(context.Background(), "", storage.ListOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case hasSuffix(e.Name, ".br"):
				br += e.Size
			case hasSuffix(e.Name, ".gz"):
				gz += e.Size
			case hasSuffix(e.Name, ".zst"):
				zs += e.Size
			}
		}
		orig = res.SourceBytes
		dest := map[string]string{"file": "into a local directory", "mem": "into memory"}[p.dest]
		r.what = fmt.Sprintf("compress %s, %s, %s (expected on 2 free cores: %.1f s = CPU / 2)", p.name, staticfiles.BrotliImplementation, dest, r.cpu.Seconds()/2)
		r.detail += fmt.Sprintf("; variants of both names: br %d, gz %d, zst %d bytes; source %.1f MB; CPU when each phase began: %s",
			br, gz, zs, float64(orig)/1e6, strings.Join(phases, ", "))
		rows = append(rows, r)
		_, again := collect(t, st, src, staticfiles.Options{Compress: &c})
		again.what = "rerun " + p.name + ", " + dest
		rows = append(rows, again)
	}
	report(t, rows)
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// outDir is a new directory for a run's output: removed when the test ends,
// or, with STATIC_KEEP=1, kept under STATIC_OUT (or TMPDIR) for the caller
// to inspect and remove. Keeping it also spares the next run the deletion
// of ~40,000 files just before it starts (on a journal-less ext4 the
// creates that follow a large deletion cost several times more; see
// run.sh).
func outDir(t *testing.T) string {
	if os.Getenv("STATIC_KEEP") != "1" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("", "staticbench-out-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output kept in %s", dir)
	return dir
}
