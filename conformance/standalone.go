package conformance

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-storages/storage"
)

// Status is the outcome of one case run by [RunStandalone].
type Status string

// The outcomes of a case.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// CaseResult is the outcome of one case.
type CaseResult struct {
	Group, Case string
	Status      Status
	// Messages are what the case logged, its errors and its skip reason,
	// in order.
	Messages []string
	Duration time.Duration
}

// Name is "group/case", as under go test.
func (r CaseResult) Name() string { return r.Group + "/" + r.Case }

// Report is the outcome of [RunStandalone].
type Report struct {
	Capabilities storage.Capabilities
	Cases        []CaseResult
}

// Count returns how many cases of group ("" for all) had status st.
func (r *Report) Count(group string, st Status) int {
	n := 0
	for _, c := range r.Cases {
		if (group == "" || c.Group == group) && c.Status == st {
			n++
		}
	}
	return n
}

// Groups returns the names of the groups run, in order.
func (r *Report) Groups() []string {
	var out []string
	for _, c := range r.Cases {
		if len(out) == 0 || out[len(out)-1] != c.Group {
			out = append(out, c.Group)
		}
	}
	return out
}

// StandaloneOptions tune [RunStandalone]. The zero value runs every group
// (or Harness.Groups).
type StandaloneOptions struct {
	// Groups, when set, runs only these groups (instead of Harness.Groups).
	Groups []string
	// Skip lists groups not to run.
	Skip []string
	// OnCase, when set, is called after each case.
	OnCase func(CaseResult)
}

// GroupNames returns the names of the suite's groups, in the order they run.
func GroupNames() []string {
	var out []string
	for _, g := range groups() {
		out = append(out, g.name)
	}
	return out
}

// RunStandalone runs the conformance cases outside go test, against
// h.NewT's storages (h.New, which needs a *testing.T, is not used), one
// after another, and reports each case's outcome. A case stops at its first
// Fatal (the case's goroutine exits, as under go test), its cleanups run
// after its context is cancelled, and a panic fails the case instead of the
// program. ctx cancels the run: the cases not started are not reported.
func RunStandalone(ctx context.Context, h Harness, opts StandaloneOptions) (*Report, error) {
	if h.NewT == nil {
		return nil, fmt.Errorf("conformance: RunStandalone needs Harness.NewT")
	}
	if len(opts.Groups) == 0 {
		opts.Groups = h.Groups
	}
	for _, g := range append(slices.Clone(opts.Groups), opts.Skip...) {
		if !slices.Contains(GroupNames(), g) {
			return nil, fmt.Errorf("conformance: no group %q (groups: %s)", g, strings.Join(GroupNames(), ", "))
		}
	}
	s := newSuite(h)
	rep := &Report{}
	// The capabilities come from one storage, kept until the end as Run does.
	setup := newStandaloneT(ctx, "setup")
	res := setup.run(func(t T) {
		st := s.newStorage(t)
		if st == nil {
			t.Fatal("conformance: Harness.NewT returned nil")
		}
		s.caps = st.Capabilities()
	}, false)
	defer setup.cleanup()
	if res.Status != Passed {
		return nil, fmt.Errorf("conformance: opening a storage: %s", strings.Join(res.Messages, "; "))
	}
	rep.Capabilities = s.caps
	for _, g := range groups() {
		if (len(opts.Groups) > 0 && !slices.Contains(opts.Groups, g.name)) || slices.Contains(opts.Skip, g.name) {
			continue
		}
		for _, c := range g.cases() {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			t := newStandaloneT(ctx, g.name+"/"+c.name)
			r := t.run(func(t T) {
				if why, ok := h.Known[g.name+"/"+c.name]; ok {
					t.Skip("known limitation: " + why)
				}
				c.fn(t, s)
			}, true)
			r.Group, r.Case = g.name, c.name
			rep.Cases = append(rep.Cases, r)
			if opts.OnCase != nil {
				opts.OnCase(r)
			}
		}
	}
	return rep, nil
}

// standaloneT is the T of RunStandalone: one per case.
type standaloneT struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	skipped  bool
	msgs     []string
	cleanups []func()
}

func newStandaloneT(parent context.Context, name string) *standaloneT {
	ctx, cancel := context.WithCancel(parent)
	return &standaloneT{name: name, ctx: ctx, cancel: cancel}
}

// run calls fn in its own goroutine (so Fatal and Skip can end it with
// runtime.Goexit), then, when cleanup is set, cancels the context and runs
// the cleanups.
func (t *standaloneT) run(fn func(T), cleanup bool) CaseResult {
	start := time.Now()
	t.protect(func() { fn(t) })
	if cleanup {
		t.cleanup()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := CaseResult{Status: Passed, Messages: slices.Clone(t.msgs), Duration: time.Since(start)}
	switch {
	case t.failed:
		r.Status = Failed
	case t.skipped:
		r.Status = Skipped
	}
	return r
}

// protect runs fn in a goroutine and waits for it, turning a panic into a
// failure.
func (t *standaloneT) protect(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				t.fail(fmt.Sprintf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		fn()
	}()
	<-done
}

// cleanup cancels the case's context and runs its cleanups, last first.
func (t *standaloneT) cleanup() {
	t.cancel()
	for {
		t.mu.Lock()
		n := len(t.cleanups)
		if n == 0 {
			t.mu.Unlock()
			return
		}
		f := t.cleanups[n-1]
		t.cleanups = t.cleanups[:n-1]
		t.mu.Unlock()
		t.protect(f)
	}
}

func (t *standaloneT) fail(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	t.msgs = append(t.msgs, msg)
}

func (t *standaloneT) log(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.msgs = append(t.msgs, msg)
}

func (t *standaloneT) Helper()                  {}
func (t *standaloneT) Name() string             { return t.name }
func (t *standaloneT) Context() context.Context { return t.ctx }
func (t *standaloneT) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}
func (t *standaloneT) Log(args ...any)                 { t.log(fmt.Sprint(args...)) }
func (t *standaloneT) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }
func (t *standaloneT) Error(args ...any)               { t.fail(fmt.Sprint(args...)) }
func (t *standaloneT) Errorf(format string, args ...any) {
	t.fail(fmt.Sprintf(format, args...))
}
func (t *standaloneT) Fatal(args ...any) { t.fail(fmt.Sprint(args...)); runtime.Goexit() }
func (t *standaloneT) Fatalf(format string, args ...any) {
	t.fail(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (t *standaloneT) Skip(args ...any) { t.skip(fmt.Sprint(args...)) }
func (t *standaloneT) Skipf(format string, args ...any) {
	t.skip(fmt.Sprintf(format, args...))
}
func (t *standaloneT) skip(msg string) {
	t.mu.Lock()
	t.skipped = true
	t.msgs = append(t.msgs, msg)
	t.mu.Unlock()
	runtime.Goexit()
}
func (t *standaloneT) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
}
func (t *standaloneT) FailNow() { t.Fail(); runtime.Goexit() }
func (t *standaloneT) SkipNow() {
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}
func (t *standaloneT) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}
