package conformance

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/readonly"
)

// standaloneT behaves as testing.T does for what the cases use: Fatal and
// Skip end the case, Errorf does not, a panic fails it, cleanups run last
// first after the context is cancelled.
func TestStandaloneT(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(T)
		want Status
		msgs []string
	}{
		{"pass", func(t T) { t.Logf("note %d", 1) }, Passed, []string{"note 1"}},
		{"fatal stops", func(t T) { t.Fatalf("bad %s", "thing"); t.Log("not reached") }, Failed, []string{"bad thing"}},
		{"errorf goes on", func(t T) { t.Errorf("one"); t.Error("two") }, Failed, []string{"one", "two"}},
		{"skip stops", func(t T) { t.Skip("no capability"); t.Error("not reached") }, Skipped, []string{"no capability"}},
		{"panic fails", func(t T) { panic("boom") }, Failed, nil},
		{"failing cleanup", func(t T) { t.Cleanup(func() { t.Fatal("cleanup failed") }) }, Failed, []string{"cleanup failed"}},
	} {
		st := newStandaloneT(context.Background(), tc.name)
		r := st.run(tc.fn, true)
		if r.Status != tc.want {
			t.Errorf("%s: status %s, want %s (%q)", tc.name, r.Status, tc.want, r.Messages)
		}
		if tc.msgs != nil && !slices.Equal(r.Messages, tc.msgs) {
			t.Errorf("%s: messages %q, want %q", tc.name, r.Messages, tc.msgs)
		}
		if tc.name == "panic fails" && (len(r.Messages) != 1 || !strings.HasPrefix(r.Messages[0], "panic: boom")) {
			t.Errorf("panic: messages %q", r.Messages)
		}
	}

	var order []string
	st := newStandaloneT(context.Background(), "cleanups")
	st.run(func(t T) {
		t.Cleanup(func() { order = append(order, "first registered") })
		t.Cleanup(func() {
			if t.Context().Err() == nil {
				order = append(order, "context still live")
			}
			order = append(order, "last registered")
		})
	}, true)
	if !slices.Equal(order, []string{"last registered", "first registered"}) {
		t.Fatalf("cleanups ran as %q", order)
	}
}

// RunStandalone runs real cases: on a memory storage the chosen groups
// pass (or skip what the driver does not declare); on a read-only one the
// writes fail and are reported as failures, with the case's message.
func TestRunStandalone(t *testing.T) {
	newMem := func(t T) *storage.Storage {
		st, err := memory.New()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	var seen []string
	rep, err := RunStandalone(context.Background(), Harness{NewT: newMem, InProcessBytes: true},
		StandaloneOptions{Groups: []string{"save", "list", "errors"}, OnCase: func(r CaseResult) { seen = append(seen, r.Name()) }})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Groups(), []string{"save", "list", "errors"}) || len(seen) != len(rep.Cases) {
		t.Fatalf("groups %q, %d cases seen of %d", rep.Groups(), len(seen), len(rep.Cases))
	}
	if rep.Count("", Failed) != 0 || rep.Count("", Passed) == 0 {
		for _, c := range rep.Cases {
			if c.Status == Failed {
				t.Errorf("%s: %q", c.Name(), c.Messages)
			}
		}
		t.Fatalf("memory: %d passed, %d failed", rep.Count("", Passed), rep.Count("", Failed))
	}

	ro := func(t T) *storage.Storage { return newMem(t).Wrap(readonly.Wrap) }
	rep, err = RunStandalone(context.Background(), Harness{NewT: ro}, StandaloneOptions{Groups: []string{"save"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count("save", Failed) == 0 {
		t.Fatal("a read-only storage passed the save group")
	}
	for _, c := range rep.Cases {
		if c.Status == Failed && (len(c.Messages) == 0 || !strings.Contains(strings.Join(c.Messages, " "), "permission denied")) {
			t.Errorf("%s failed without saying why: %q", c.Name(), c.Messages)
		}
	}

	if _, err := RunStandalone(context.Background(), Harness{NewT: newMem}, StandaloneOptions{Groups: []string{"nope"}}); err == nil {
		t.Fatal("an unknown group was accepted")
	}
	if _, err := RunStandalone(context.Background(), Harness{}, StandaloneOptions{}); err == nil {
		t.Fatal("a harness without NewT was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunStandalone(ctx, Harness{NewT: newMem}, StandaloneOptions{Groups: []string{"save"}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
}
