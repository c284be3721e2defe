// Package soak runs a storage through many concurrent mixed operations
// while a faultproxy breaks its traffic, and checks every result against an
// oracle of what must exist.
//
// Each worker owns a part of the namespace (w07/...), so the oracle knows
// the exact history of every name: the set of versions a name may hold
// (exactly one after a success; the previous ones plus the failed write's
// after a failure, since a failure may have been an ambiguous commit). The
// checks:
//
//   - a read that succeeds returns, byte for byte, one allowed version (or
//     the exact range of one): never short, never spliced, never another
//     object's bytes (corrupted);
//   - a name a successful Save wrote is never missing until deleted (lost);
//   - bytes of a Save that failed are never visible, under its name or
//     another (failed-save-visible; with Rename, an orphan name);
//   - Stat and List agree with the oracle; a listing shows no unknown name;
//   - a failed call returns a *storage.Error.
//
// At the end the faults are turned off and every name is read back and the
// namespace listed, so every version is settled.
package soak

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/internal/faultproxy"
)

// Config configures a soak run.
type Config struct {
	// Storage is the storage under test, talking to its service through
	// Proxy. Its namespace must be empty.
	Storage *storage.Storage
	Proxy   *faultproxy.Proxy
	// Ops is the total number of operations, Concurrency the number of
	// workers (each runs Ops/Concurrency).
	Ops         int
	Concurrency int
	Seed        uint64
	// SmallMax bounds small objects (default 64 KiB); LargeSizes are the
	// sizes of multipart/chunked uploads, chosen for 1 in LargeEvery saves
	// (default 40).
	SmallMax   int
	LargeSizes []int64
	LargeEvery int
	// SignedGET fetches objects through signed GET URLs with HTTPClient.
	SignedGET  bool
	HTTPClient *http.Client
	// OpTimeout bounds each operation (default 2m).
	OpTimeout time.Duration
	// Leftovers, when set, counts what failed uploads left behind outside
	// the namespace (incomplete multipart uploads), after the run.
	Leftovers func(ctx context.Context) (int, error)
	// Logf logs progress and the first samples of each failure kind.
	Logf func(format string, args ...any)
}

// Report is the outcome of a run.
type Report struct {
	Seed        uint64
	Ops         int64
	Duration    time.Duration
	Requests    int64
	Faults      map[faultproxy.Kind]int64
	Retries     int64
	OpsByKind   map[string]int64
	Outcomes    map[string]int64 // expected results that are not successes (not found)
	FailedByOp  map[string]int64
	Failures    map[string]int64 // "op: kind" -> count
	Violations  map[string]int64 // lost, corrupted, failed-save-visible, ...
	Samples     []string         // the first violations, in words
	MaxHeap     uint64           // peak heap (benchmetrics.HeapPeak) sampled every 100ms
	Leftovers   int
	FinalNames  int
	FinalChecks int64
}

// Violated reports whether any check failed.
func (r *Report) Violated() bool { return len(r.Violations) > 0 }

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %d ops in %v (%d HTTP requests through the proxy, %d retries), peak heap %.1f MiB\n",
		r.Seed, r.Ops, r.Duration.Round(time.Second), r.Requests, r.Retries, float64(r.MaxHeap)/(1<<20))
	fmt.Fprintf(&b, "  ops: %s\n", fmtCounts(r.OpsByKind))
	fmt.Fprintf(&b, "  allowed outcomes: %s\n", fmtCounts(r.Outcomes))
	var faults []string
	for _, k := range faultproxy.AllKinds() {
		if n := r.Faults[k]; n > 0 {
			faults = append(faults, fmt.Sprintf("%s %d", k, n))
		}
	}
	fmt.Fprintf(&b, "  faults injected: %s\n", strings.Join(faults, ", "))
	fmt.Fprintf(&b, "  failed ops: %s\n", fmtCounts(r.FailedByOp))
	fmt.Fprintf(&b, "  failures by kind: %s\n", fmtCounts(r.Failures))
	fmt.Fprintf(&b, "  final check: %d names read back, %d checks; leftovers outside the namespace: %d\n", r.FinalNames, r.FinalChecks, r.Leftovers)
	if len(r.Violations) == 0 {
		b.WriteString("  violations: none (0 lost, 0 corrupted, 0 failed-save bytes visible)\n")
	} else {
		fmt.Fprintf(&b, "  VIOLATIONS: %s\n", fmtCounts(r.Violations))
		for _, s := range r.Samples {
			fmt.Fprintf(&b, "    %s\n", s)
		}
	}
	return b.String()
}

func fmtCounts(m map[string]int64) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// counters are shared by the workers.
type counters struct {
	mu         sync.Mutex
	ops        map[string]int64
	outcomes   map[string]int64
	failedByOp map[string]int64
	failures   map[string]int64
	violations map[string]int64
	samples    []string
	logged     map[string]int
	logf       func(string, ...any)
}

func (c *counters) op(name string) {
	c.mu.Lock()
	c.ops[name]++
	c.mu.Unlock()
}

// outcome counts an expected, non-failing result of an operation.
func (c *counters) outcome(name string) {
	c.mu.Lock()
	c.outcomes[name]++
	c.mu.Unlock()
}

func (c *counters) fail(op string, err error) {
	k := classify(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failedByOp[op]++
	c.failures[op+": "+k]++
	if c.logged[op+k] < 2 && c.logf != nil {
		c.logged[op+k]++
		c.logf("sample failure %s (%s): %v", op, k, err)
	}
}

func (c *counters) violation(kind, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations[kind]++
	if len(c.samples) < 40 {
		s := kind + ": " + fmt.Sprintf(format, args...)
		c.samples = append(c.samples, s)
		if c.logf != nil {
			c.logf("VIOLATION %s", s)
		}
	}
}

var statusRE = regexp.MustCompile(`(?i)(?:status(?:\s*code)?|http)[:= ]+(\d{3})\b|\b(\d{3}) (?:Internal|Service|Too|Slow|Bad|Gateway)|Error (\d{3}):`)

// classify names the kind of a failure for the report.
func classify(err error) string {
	var se *storage.Error
	prefix := ""
	if !errors.As(err, &se) {
		prefix = "untyped "
	}
	if k := storage.KindOf(err); k != nil {
		return prefix + strings.TrimPrefix(k.Error(), "storage: ")
	}
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "deadline exceeded"):
		return prefix + "deadline exceeded"
	case strings.Contains(msg, "retry quota exceeded"):
		return prefix + "SDK retry quota exceeded"
	case strings.Contains(msg, "max attempts") || strings.Contains(msg, "exceeded maximum number of attempts"):
		return prefix + "retries exhausted"
	}
	if m := statusRE.FindStringSubmatch(msg); m != nil {
		return prefix + "HTTP " + m[1] + m[2] + m[3]
	}
	switch {
	case strings.Contains(msg, "connection reset"):
		return prefix + "connection reset"
	case strings.Contains(msg, "unexpected EOF") || strings.HasSuffix(msg, "EOF"):
		return prefix + "unexpected EOF"
	case strings.Contains(msg, "stall"):
		return prefix + "stall"
	case errors.Is(err, errNoCandidate):
		return prefix + "corrupt bytes"
	}
	return prefix + "other"
}

// Run runs the soak and returns its report. It returns an error only when
// the run could not be carried out (not for violations: see Report).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 32
	}
	if cfg.SmallMax <= 0 {
		cfg.SmallMax = 64 << 10
	}
	if cfg.LargeEvery <= 0 {
		cfg.LargeEvery = 40
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = 2 * time.Minute
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	c := &counters{ops: map[string]int64{}, outcomes: map[string]int64{}, failedByOp: map[string]int64{}, failures: map[string]int64{},
		violations: map[string]int64{}, logged: map[string]int{}, logf: cfg.Logf}
	heap := benchmetrics.StartHeapPeak(100 * time.Millisecond)
	start := time.Now()
	perWorker := max(cfg.Ops/cfg.Concurrency, 1)
	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	var done atomic.Int64
	for i := range workers {
		w := &worker{cfg: &cfg, c: c, id: i, prefix: fmt.Sprintf("w%02d/", i), names: map[string][]version{},
			rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWorker {
				if ctx.Err() != nil {
					return
				}
				w.step(ctx, n)
				if d := done.Add(1); cfg.Logf != nil && d%1000 == 0 {
					cfg.Logf("%d ops, %d requests, faults %v", d, cfg.Proxy.Requests(), cfg.Proxy.Counts())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	maxHeap, _ := heap.Stop()
	faults := cfg.Proxy.Counts()
	requests := cfg.Proxy.Requests()
	retries := cfg.Proxy.Retries()

	// Settle: no faults, read every name back, list everything.
	cfg.Proxy.SetRate(0)
	rep := &Report{Seed: cfg.Seed, Duration: elapsed, Requests: requests, Faults: faults, Retries: retries, MaxHeap: maxHeap}
	var final atomic.Int64
	var finalNames atomic.Int64
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, k := w.settle(ctx)
			finalNames.Add(n)
			final.Add(k)
		}()
	}
	wg.Wait()
	rep.FinalNames, rep.FinalChecks = int(finalNames.Load()), final.Load()
	if cfg.Leftovers != nil {
		n, err := cfg.Leftovers(ctx)
		if err != nil {
			return nil, fmt.Errorf("soak: counting leftovers: %w", err)
		}
		// Not a violation: invisible, and cleaned by a lifecycle rule (see
		// the s3 package documentation); reported in the figures.
		rep.Leftovers = n
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.ops {
		rep.Ops += n
	}
	rep.Outcomes = c.outcomes
	rep.OpsByKind, rep.FailedByOp, rep.Failures, rep.Violations, rep.Samples = c.ops, c.failedByOp, c.failures, c.violations, c.samples
	return rep, nil
}

type worker struct {
	cfg    *Config
	c      *counters
	id     int
	prefix string
	rng    *rand.Rand
	names  map[string][]version // the versions each name may hold
	nextID uint64
	// reported versions already counted as visible after a failed save
	reported map[uint64]bool
	// history keeps the last operations on each name, for violation reports
	history map[string][]string
}

// note records an operation on name for the history shown with violations.
func (w *worker) note(name, format string, args ...any) {
	if w.history == nil {
		w.history = map[string][]string{}
	}
	h := append(w.history[name], fmt.Sprintf(format, args...))
	if len(h) > 6 {
		h = h[len(h)-6:]
	}
	w.history[name] = h
}

func (w *worker) hist(name string) string {
	return "[history: " + strings.Join(w.history[name], "; ") + "]"
}

func (w *worker) newVersion(size int64) version {
	w.nextID++
	return version{id: splitmix(w.cfg.Seed ^ uint64(w.id)<<48 ^ w.nextID), size: size}
}

func present(vs []version) []version {
	var out []version
	for _, v := range vs {
		if !v.absent {
			out = append(out, v)
		}
	}
	return out
}

func mayBeAbsent(vs []version) bool {
	if len(vs) == 0 {
		return true
	}
	for _, v := range vs {
		if v.absent {
			return true
		}
	}
	return false
}

func union(a []version, b ...version) []version {
	out := slices.Clone(a)
	for _, v := range b {
		if !slices.ContainsFunc(out, func(o version) bool { return o.id == v.id && o.absent == v.absent }) {
			out = append(out, v)
		}
	}
	return out
}

var absent = version{absent: true}

// state returns the versions name may hold (absent when unknown).
func (w *worker) state(name string) []version {
	if vs, ok := w.names[name]; ok {
		return vs
	}
	return []version{absent}
}

// observed narrows name's state to what a successful read saw, and
// reports a failed save's bytes once.
func (w *worker) observed(op, name string, got []version) {
	if len(got) != 1 {
		w.names[name] = got
		return
	}
	v := got[0]
	if v.failed {
		if w.reported == nil {
			w.reported = map[uint64]bool{}
		}
		if !w.reported[v.id] {
			w.reported[v.id] = true
			w.c.violation("failed-save-visible", "%s %s returned the bytes (%d) of a Save that had failed %s", op, name, v.size, w.hist(name))
		}
		v.failed = false
	}
	w.names[name] = []version{v}
}

// keys are the worker's base names; renamed copies join w.names as they
// appear.
func (w *worker) pickName(existingBias bool) string {
	if existingBias && w.rng.IntN(3) > 0 {
		var have []string
		for n, vs := range w.names {
			if len(present(vs)) > 0 {
				have = append(have, n)
			}
		}
		if len(have) > 0 {
			slices.Sort(have)
			return have[w.rng.IntN(len(have))]
		}
	}
	return fmt.Sprintf("%sk%d.bin", w.prefix, w.rng.IntN(8))
}

func (w *worker) step(ctx context.Context, n int) {
	// The operation's requests are its own for the fault proxy's draws, so
	// a seed replays them whatever the other workers do meanwhile.
	ctx = faultproxy.WithScope(ctx, fmt.Sprintf("w%02d/op%d", w.id, n))
	ctx, cancel := context.WithTimeout(ctx, w.cfg.OpTimeout)
	defer cancel()
	r := w.rng.IntN(100)
	switch {
	case r < 30:
		w.save(ctx, false)
	case r < 33:
		w.save(ctx, true)
	case r < 48:
		w.open(ctx)
	case r < 58:
		w.readRange(ctx)
	case r < 66:
		w.stat(ctx)
	case r < 70:
		w.list(ctx)
	case r < 78:
		w.copy(ctx)
	case r < 88:
		w.delete(ctx)
	default:
		if w.cfg.SignedGET {
			w.signedGET(ctx)
		} else {
			w.open(ctx)
		}
	}
}

func (w *worker) typed(op string, err error) {
	var se *storage.Error
	if !errors.As(err, &se) {
		w.c.violation("untyped-error", "%s: %T %v", op, err, err)
	}
}

func (w *worker) save(ctx context.Context, large bool) {
	name := w.pickName(false)
	size := int64(w.rng.IntN(w.cfg.SmallMax + 1))
	op := "save-small"
	if large && len(w.cfg.LargeSizes) > 0 {
		size = w.cfg.LargeSizes[w.rng.IntN(len(w.cfg.LargeSizes))]
		op = "save-large"
	}
	policy := []storage.ConflictPolicy{storage.Rename, storage.Overwrite, storage.Fail}[w.rng.IntN(3)]
	op += "-" + policy.String()
	w.c.op(op)
	v := w.newVersion(size)
	var r io.Reader = &gen{id: v.id, end: size}
	opts := storage.SaveOptions{Conflict: policy, ContentType: "application/octet-stream"}
	if size <= int64(w.cfg.SmallMax) && w.rng.IntN(2) == 0 {
		b := make([]byte, size)
		fill(v.id, 0, b)
		r = bytes.NewReader(b) // seekable: the SDK may rewind it
	} else if w.rng.IntN(2) == 0 {
		opts.Size = size
	}
	before := w.state(name)
	final, err := w.cfg.Storage.Save(ctx, name, r, opts)
	if err != nil {
		w.note(name, "%s of %d bytes failed: %v", op, size, err)
	} else {
		w.note(name, "%s of %d bytes ok as %s", op, size, final)
		if final != name {
			w.note(final, "%s of %s (%d bytes) ok as %s", op, name, size, final)
		}
	}
	if err != nil {
		if policy == storage.Fail && errors.Is(err, storage.ErrExist) && !mayBeAbsent(before) {
			w.c.outcome(op + ": ErrExist (name taken)")
			return // the expected refusal: nothing may have changed
		}
		w.c.fail(op, err)
		w.typed(op, err)
		// The write may have been committed before the error (an
		// ambiguous failure): its bytes are allowed in the state only to
		// be reported if they are ever seen.
		fv := v
		fv.failed = true
		if policy != storage.Rename || mayBeAbsent(before) {
			w.names[name] = union(before, fv)
		}
		return
	}
	switch policy {
	case storage.Overwrite:
		if final != name {
			w.c.violation("wrong-name", "overwrite save of %s returned %s", name, final)
		}
	case storage.Fail:
		if final != name {
			w.c.violation("wrong-name", "fail-policy save of %s returned %s", name, final)
		}
		if !mayBeAbsent(before) {
			w.c.violation("overwrote", "fail-policy save of %s succeeded over an existing object", name)
		}
	case storage.Rename:
		if final != name {
			dir, file := path.Split(name)
			ext := path.Ext(file)
			if !strings.HasPrefix(final, dir+strings.TrimSuffix(file, ext)+"_") || !strings.HasSuffix(final, ext) {
				w.c.violation("wrong-name", "rename save of %s returned %s", name, final)
			}
			if !mayBeAbsent(w.state(final)) {
				w.c.violation("overwrote", "rename save of %s chose %s, which held an object", name, final)
			}
		} else if !mayBeAbsent(before) {
			w.c.violation("overwrote", "rename save of %s kept the name over an existing object", name)
		}
	}
	w.names[final] = []version{v}
}

// read checks a full read of name.
func (w *worker) open(ctx context.Context) {
	const op = "open"
	w.c.op(op)
	name := w.pickName(true)
	st := w.state(name)
	rd, err := w.cfg.Storage.Open(ctx, name)
	if err != nil {
		w.readFailed(op, name, st, err)
		return
	}
	defer rd.Close()
	m := newMatcher(st, 0)
	_, err = io.Copy(m, rd)
	if err != nil {
		if errors.Is(err, errNoCandidate) {
			w.c.violation("corrupted", "open %s: bytes at %d match no allowed version (sizes %v)", name, m.pos, sizes(st))
			return
		}
		w.c.fail(op, err)
		w.typed(op, err)
		return
	}
	got := m.match(func(v version) int64 { return v.size })
	if len(got) == 0 {
		w.c.violation("corrupted", "open %s: read %d bytes successfully, allowed sizes %v", name, m.pos, sizes(st))
		return
	}
	if rd.Size() != m.pos {
		w.c.violation("corrupted", "open %s: Size() %d but %d bytes read", name, rd.Size(), m.pos)
	}
	w.observed(op, name, got)
}

func sizes(vs []version) []int64 {
	var out []int64
	for _, v := range vs {
		if v.absent {
			out = append(out, -1)
		} else {
			out = append(out, v.size)
		}
	}
	return out
}

// readFailed checks an error from opening name.
func (w *worker) readFailed(op, name string, st []version, err error) {
	if errors.Is(err, storage.ErrNotExist) {
		if !mayBeAbsent(st) {
			w.c.violation("lost", "%s %s: ErrNotExist, but a successful Save wrote it (sizes %v)", op, name, sizes(st))
			return
		}
		delete(w.names, name)
		w.c.outcome(op + ": not found (allowed)")
		return
	}
	w.c.fail(op, err)
	w.typed(op, err)
}

func (w *worker) readRange(ctx context.Context) {
	const op = "readrange"
	w.c.op(op)
	name := w.pickName(true)
	st := w.state(name)
	var size int64 = 1
	if p := present(st); len(p) > 0 {
		size = max(p[0].size, 1)
	}
	off := w.rng.Int64N(size)
	length := w.rng.Int64N(size-off+1) + int64(w.rng.IntN(2))
	if w.rng.IntN(5) == 0 {
		length = -1
	}
	rc, err := w.cfg.Storage.ReadRange(ctx, name, off, length)
	if err != nil {
		if errors.Is(err, storage.ErrInvalidArgument) {
			w.c.outcome(op + ": out of range")
			return
		}
		w.readFailed(op, name, st, err)
		return
	}
	defer rc.Close()
	m := newMatcher(st, off)
	_, err = io.Copy(m, rc)
	if err != nil {
		if errors.Is(err, errNoCandidate) {
			w.c.violation("corrupted", "readrange %s [%d,+%d): bytes at %d match no allowed version (sizes %v)", name, off, length, m.pos, sizes(st))
			return
		}
		w.c.fail(op, err)
		w.typed(op, err)
		return
	}
	got := m.match(func(v version) int64 {
		if length < 0 || off+length > v.size {
			return max(v.size, off)
		}
		return off + length
	})
	if len(got) == 0 {
		w.c.violation("corrupted", "readrange %s [%d,+%d): ended at %d, allowed sizes %v", name, off, length, m.pos, sizes(st))
		return
	}
	if len(got) == 1 && len(present(st)) > 1 {
		w.observed(op, name, got)
	}
}

func (w *worker) stat(ctx context.Context) {
	const op = "stat"
	w.c.op(op)
	name := w.pickName(true)
	st := w.state(name)
	a, err := w.cfg.Storage.Stat(ctx, name)
	if err != nil {
		w.readFailed(op, name, st, err)
		return
	}
	var got []version
	for _, v := range present(st) {
		if v.size == a.Size {
			got = append(got, v)
		}
	}
	if len(got) == 0 {
		w.c.violation("corrupted", "stat %s: size %d, allowed sizes %v", name, a.Size, sizes(st))
		return
	}
	// A failed save's version is reported only by content (reads), not by
	// a size that may coincide.
	if len(got) == 1 && len(st) > 1 && !got[0].failed {
		w.names[name] = got
	}
}

func (w *worker) list(ctx context.Context) {
	const op = "list"
	w.c.op(op)
	seen := map[string]int64{}
	for e, err := range w.cfg.Storage.List(ctx, w.prefix, storage.ListOptions{}) {
		if err != nil {
			w.c.fail(op, err)
			w.typed(op, err)
			return
		}
		seen[e.Name] = e.Size
	}
	w.checkListing(op, seen)
}

// checkListing compares a complete listing of the worker's prefix with the
// oracle.
func (w *worker) checkListing(op string, seen map[string]int64) {
	for name, size := range seen {
		st, known := w.names[name]
		if !known {
			w.c.violation("failed-save-visible", "%s shows %s (%d bytes), which no successful Save wrote (an orphan of a failed Save)", op, name, size)
			// Adopt it so it is cleaned up and not reported again.
			w.names[name] = []version{{size: size, unknown: true}}
			continue
		}
		if !slices.ContainsFunc(present(st), func(v version) bool { return v.size == size }) {
			w.c.violation("corrupted", "%s: %s has size %d, allowed sizes %v", op, name, size, sizes(st))
		}
	}
	for name, st := range w.names {
		if _, ok := seen[name]; !ok && !mayBeAbsent(st) {
			w.c.violation("lost", "%s: %s missing, but a successful Save wrote it (sizes %v)", op, name, sizes(st))
		}
	}
}

func (w *worker) copy(ctx context.Context) {
	const op = "copy"
	w.c.op(op)
	src := w.pickName(true)
	dst := w.pickName(false)
	if src == dst {
		return
	}
	sst, dstBefore := w.state(src), w.state(dst)
	_, err := w.cfg.Storage.Copy(ctx, dst, src, storage.CopyOptions{Conflict: storage.Overwrite})
	w.note(dst, "copy from %s: %v", src, err)
	if err != nil {
		if errors.Is(err, storage.ErrNotExist) {
			if !mayBeAbsent(sst) {
				w.c.violation("lost", "copy from %s: ErrNotExist, but a successful Save wrote it", src)
			}
			return
		}
		w.c.fail(op, err)
		w.typed(op, err)
		// A copy may have happened; its bytes are allowed (a copy is not
		// a Save).
		var cp []version
		for _, v := range present(sst) {
			v.failed = false
			cp = append(cp, v)
		}
		w.names[dst] = union(dstBefore, cp...)
		return
	}
	p := present(sst)
	if len(p) == 0 {
		w.c.violation("corrupted", "copy from %s succeeded, but it cannot exist", src)
		return
	}
	w.names[dst] = p
}

func (w *worker) delete(ctx context.Context) {
	const op = "delete"
	w.c.op(op)
	name := w.pickName(true)
	st := w.state(name)
	err := w.cfg.Storage.Delete(ctx, name)
	w.note(name, "delete: %v", err)
	if err != nil {
		w.c.fail(op, err)
		w.typed(op, err)
		w.names[name] = union(st, absent)
		return
	}
	delete(w.names, name)
}

func (w *worker) signedGET(ctx context.Context) {
	const op = "signed-get"
	w.c.op(op)
	name := w.pickName(true)
	st := w.state(name)
	u, err := w.cfg.Storage.SignedURL(ctx, name, storage.SignOptions{Method: http.MethodGet, Expiry: time.Hour})
	if err != nil {
		w.c.fail(op, err)
		w.typed(op, err)
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		w.c.violation("bad-signed-url", "%s: %v", name, err)
		return
	}
	resp, err := w.cfg.HTTPClient.Do(req)
	if err != nil {
		w.c.fail(op, &storage.Error{Op: op, Name: name, Err: err})
		return
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		if !mayBeAbsent(st) {
			w.c.violation("lost", "signed GET %s: 404, but a successful Save wrote it", name)
		}
		return
	case resp.StatusCode != http.StatusOK:
		_, _ = io.Copy(io.Discard, resp.Body)
		w.c.fail(op, &storage.Error{Op: op, Name: name, Err: fmt.Errorf("signed GET: HTTP status %d", resp.StatusCode)})
		return
	}
	m := newMatcher(st, 0)
	if _, err := io.Copy(m, resp.Body); err != nil {
		if errors.Is(err, errNoCandidate) {
			w.c.violation("corrupted", "signed GET %s: bytes at %d match no allowed version (sizes %v)", name, m.pos, sizes(st))
			return
		}
		w.c.fail(op, &storage.Error{Op: op, Name: name, Err: err})
		return
	}
	got := m.match(func(v version) int64 { return v.size })
	if len(got) == 0 {
		w.c.violation("corrupted", "signed GET %s: %d bytes, allowed sizes %v", name, m.pos, sizes(st))
		return
	}
	w.observed(op, name, got)
}

// settle reads every known name back (faults off), lists the prefix, and
// deletes everything; it returns the names read and the checks made.
func (w *worker) settle(ctx context.Context) (int64, int64) {
	var checks int64
	seen := map[string]int64{}
	for e, err := range w.cfg.Storage.List(ctx, w.prefix, storage.ListOptions{}) {
		if err != nil {
			w.c.violation("settle", "list without faults: %v", err)
			return 0, 0
		}
		seen[e.Name] = e.Size
	}
	w.checkListing("final list", seen)
	checks++
	names := slices.Sorted(maps.Keys(w.names))
	for _, name := range names {
		st := w.names[name]
		rd, err := w.cfg.Storage.Open(ctx, name)
		checks++
		if err != nil {
			if errors.Is(err, storage.ErrNotExist) {
				if !mayBeAbsent(st) {
					w.c.violation("lost", "final read %s: ErrNotExist, but a successful Save wrote it", name)
				}
				continue
			}
			w.c.violation("settle", "final read %s without faults: %v", name, err)
			continue
		}
		m := newMatcher(st, 0)
		if _, err := io.Copy(m, rd); err != nil {
			w.c.violation("corrupted", "final read %s: %v (sizes %v)", name, err, sizes(st))
		} else if got := m.match(func(v version) int64 { return v.size }); len(got) == 0 {
			w.c.violation("corrupted", "final read %s: %d bytes, allowed sizes %v", name, m.pos, sizes(st))
		} else {
			w.observed("final read", name, got)
		}
		rd.Close()
		if err := w.cfg.Storage.Delete(ctx, name); err != nil {
			w.c.violation("settle", "final delete %s: %v", name, err)
		}
	}
	return int64(len(names)), checks
}
