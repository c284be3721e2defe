package conformance

import (
	"bytes"
	"context"
	"io"
	"iter"
	"slices"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/testbackends"
)

// The suite must be able to fail. Each mutant is the memory driver with one
// deliberate defect; the suite run over it (the groups of mutantGroups)
// must fail, and at least the cases named here must be among those that
// fail (the test logs all of them). The same
// wrapper without a defect passes the same groups, so the failures are the
// defect's.
func TestSuiteCatchesMutants(t *testing.T) {
	for _, m := range []struct {
		name   string
		wrap   func(storage.Driver) storage.Driver
		caught []string // cases that must fail (others may too)
	}{
		{"loses-every-fourth-write", func(d storage.Driver) storage.Driver { return &loseWrite{Driver: d} },
			[]string{"delete/keeps-neighbours", "list/many-recursive", "policy/rename-repeatedly"}},
		{"lists-in-reverse", func(d storage.Driver) storage.Driver { return &reverseList{d} },
			[]string{"list/sorted-byte-order", "list/many-one-level", "fs/fstest"}},
		{"ignores-conflicts", func(d storage.Driver) storage.Driver { return &ignoreConflict{d} },
			[]string{"policy/fail-keeps-old", "policy/rename-repeatedly", "errors/exist"}},
		{"serves-stale-reads", func(d storage.Driver) storage.Driver { return &staleRead{Driver: d} },
			[]string{"policy/overwrite-replaces", "copy/replaces-destination", "delete/save-again-after-delete"}},
	} {
		t.Run(m.name, func(t *testing.T) {
			rep := runMutant(t, m.wrap)
			var failed []string
			for _, c := range rep.Cases {
				if c.Status == Failed {
					failed = append(failed, c.Name())
				}
			}
			if len(failed) == 0 {
				t.Fatalf("the suite passed a driver that %s", m.name)
			}
			for _, want := range m.caught {
				if !slices.Contains(failed, want) {
					t.Errorf("case %s did not catch the mutant (failed: %q)", want, failed)
				}
			}
			t.Logf("%d of %d cases catch it: %q", len(failed), len(rep.Cases), failed)
		})
	}
	t.Run("control", func(t *testing.T) {
		rep := runMutant(t, func(d storage.Driver) storage.Driver { return &passThrough{d} })
		for _, c := range rep.Cases {
			if c.Status == Failed {
				t.Errorf("%s fails without a defect: %q", c.Name(), c.Messages)
			}
		}
	})
}

// mutantGroups are the groups run over the mutants: listing, conflicts,
// copying, deleting, errors and the fs view, a third of the suite's cases
// and a small part of its time. The others catch these defects too (a run
// of every group but "large" over the mutants: the versions group catches
// stale reads in 11 cases, concurrency lost writes and ignored conflicts,
// save ignored conflicts) but their multi-megabyte bodies, 200 concurrent
// writers and version races cost most of the suite's time, five times over.
var mutantGroups = []string{"delete", "list", "copy", "policy", "errors", "fs"}

func runMutant(t *testing.T, wrap func(storage.Driver) storage.Driver) *Report {
	t.Helper()
	rep, err := RunStandalone(t.Context(), Harness{
		NewT: func(t T) *storage.Storage {
			return testbackends.OpenServed(t, "mem://").Wrap(wrap)
		},
		InProcessBytes: true,
	}, StandaloneOptions{Groups: mutantGroups})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// passThrough is the mutants' wrapper without a defect (it hides the
// memory driver's optional interfaces as the mutants do).
type passThrough struct{ storage.Driver }

// loseWrite reports every fourth write as done without storing it.
type loseWrite struct {
	storage.Driver
	mu sync.Mutex
	n  int
}

func (d *loseWrite) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	d.mu.Lock()
	d.n++
	lose := d.n%4 == 0
	d.mu.Unlock()
	if !lose {
		return d.Driver.Write(ctx, name, r, opts)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	if opts.BeforeCommit != nil {
		return opts.BeforeCommit()
	}
	return nil
}

// reverseList lists in reverse order.
type reverseList struct{ storage.Driver }

func (d *reverseList) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		var all []storage.Entry
		for e, err := range d.Driver.List(ctx, prefix, opts) {
			if err != nil {
				yield(storage.Entry{}, err)
				return
			}
			all = append(all, e)
		}
		slices.Reverse(all)
		for _, e := range all {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// ignoreConflict declares ConditionalCreate but always overwrites.
type ignoreConflict struct{ storage.Driver }

func (d *ignoreConflict) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	o := *opts
	o.Exclusive = false
	return d.Driver.Write(ctx, name, r, &o)
}

// staleRead keeps serving the first version written under a name after it
// is overwritten (attributes of the current one, bytes of the first).
type staleRead struct {
	storage.Driver
	mu    sync.Mutex
	first map[string][]byte
}

func (d *staleRead) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	err = d.Driver.Write(ctx, name, bytes.NewReader(b), opts)
	if err == nil {
		d.mu.Lock()
		if d.first == nil {
			d.first = map[string][]byte{}
		}
		if _, ok := d.first[name]; !ok {
			d.first[name] = b
		}
		d.mu.Unlock()
	}
	return err
}

func (d *staleRead) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	body, a, err := d.Driver.Read(ctx, name, req)
	if err != nil {
		return nil, nil, err
	}
	d.mu.Lock()
	old, ok := d.first[name]
	d.mu.Unlock()
	if !ok {
		return body, a, nil
	}
	body.Close()
	old = old[min(req.Offset, int64(len(old))):]
	if req.Length >= 0 {
		old = old[:min(req.Length, int64(len(old)))]
	}
	// The current version's attributes without its checksums, as a
	// backend that caches bytes apart from attributes would report.
	stale := *a
	stale.Checksums = storage.Checksums{}
	return io.NopCloser(bytes.NewReader(old)), &stale, nil
}
