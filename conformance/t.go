package conformance

import (
	"context"
	"testing"

	"github.com/go-storages/storage"
)

// T is the part of *testing.T the conformance cases use. *testing.T
// implements it, which is how [Run] runs them under go test; [RunStandalone]
// implements it too, to run them outside go test (against a user's own
// bucket, from the storages command line, say).
type T interface {
	Helper()
	Name() string
	Context() context.Context
	Cleanup(func())
	Log(args ...any)
	Logf(format string, args ...any)
	Error(args ...any)
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Skip(args ...any)
	Skipf(format string, args ...any)
	Fail()
	FailNow()
	SkipNow()
	Failed() bool
}

// goTest returns the *testing.T under t for a Harness function that takes
// one, and skips the case outside go test.
func goTest(t T, field string) *testing.T {
	t.Helper()
	tt, ok := t.(*testing.T)
	if !ok {
		t.Skip("Harness." + field + " takes a *testing.T: this case runs under go test only")
	}
	return tt
}

// newStorage calls the harness's constructor for t: NewT when set, else
// New with the *testing.T under go test.
func (s *suite) newStorage(t T) *storage.Storage {
	t.Helper()
	if s.NewT != nil {
		return s.NewT(t)
	}
	tt, ok := t.(*testing.T)
	if !ok || s.New == nil {
		t.Fatal("conformance: outside go test, Harness.NewT must be set")
	}
	return s.New(tt)
}
