// Package conformance is the shared test suite every storage driver must
// pass, ours or a third party's. A driver's test is one function:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			New: func(t *testing.T) *storage.Storage { ... a fresh, empty namespace ... },
//		})
//	}
//
// Run groups its cases in subtests (save, open, versions, stat, exists, delete, list,
// copy, policy, names, url, signed, checksums, metadata, contenttype, fs,
// errors, bucket, cancel, concurrency, large, etag), so one case or group runs with
// -run 'TestConformance/list/'. Cases that need a capability the driver does
// not declare (see [storage.Capabilities]) are skipped with the message
// "driver does not declare <Capability>"; a declared capability must pass its
// cases. A harness may list cases its backend cannot pass for a documented
// reason (Harness.Known); they are skipped with that reason. The suite runs its cases one after another (the large-object case
// samples the heap), and parallelises the writes inside the heavy cases with a
// bounded worker pool. Every case deletes what it wrote.
//
// [RunStandalone] runs the same cases outside go test, for the storages
// command's conformance subcommand against a user's own bucket: the cases
// take a [T], which *testing.T implements, and Harness.NewT stands in for
// Harness.New.
package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/go-storages/storage"
)

// Harness tells Run how to reach a driver.
type Harness struct {
	// New returns a storage over a fresh, empty namespace (own bucket,
	// directory or location prefix) for one test and registers its cleanup
	// with t.Cleanup. URL(name) must be fetchable with HTTP GET (base URL
	// set: an httptest server in front of the storage, or the emulator's own
	// endpoint), and signed URLs must work when the capabilities declare
	// them. Run calls New once per case, and once more up front to read the
	// capabilities.
	New func(t *testing.T) *storage.Storage

	// HTTPClient fetches URLs and signed URLs; nil means http.DefaultClient.
	HTTPClient *http.Client

	// InProcessBytes says objects live in this process's heap (the memory
	// driver): the large-object case then allows, on top of MaxExtraHeap,
	// twice the object size while saving (an object of unknown size is
	// buffered in chunks and then copied into one exactly sized slice, so
	// both are live for a moment) and counts the stored object in the
	// baseline while reading.
	InProcessBytes bool

	// LargeObjectSize is the size of the object the large-object case
	// streams through Save and Open; zero means 256 MiB.
	LargeObjectSize int64

	// MaxExtraHeap is the heap growth (peak HeapAlloc minus the baseline
	// after a GC) allowed beyond the stored bytes in the large-object case,
	// during the save and during the read; zero means 64 MiB. It includes
	// garbage the collector has not reclaimed yet.
	MaxExtraHeap int64

	// NameLimit is the longest name, in bytes, that New's storages accept;
	// zero means storage.MaxNameLength. Set it when New's storages use a
	// location prefix: storage.MaxNameLength minus the prefix's length (with
	// its "/"). The names-at-the-limit cases use it.
	NameLimit int

	// MissingBucket returns a storage configured like New's but over a
	// bucket (or container) that does not exist, for the bucket/missing-*
	// cases: every operation that reaches the backend must fail with
	// storage.ErrBucketNotExist, never ErrNotExist. Nil skips them; leave it
	// nil only for a driver without buckets (memory, filesystem).
	MissingBucket func(t *testing.T) *storage.Storage

	// WrongCredential returns a storage over New's bucket with a credential
	// the service refuses (a wrong secret or account key), for the
	// bucket/wrong-credential-* cases: every operation that reaches the
	// backend must fail with storage.ErrPermission. Nil skips them; leave it
	// nil only for a driver that takes no credential (memory, filesystem).
	// An emulator that accepts any credential cannot pass them: list them
	// in Known with the real service's documented answer.
	WrongCredential func(t *testing.T) *storage.Storage

	// Groups limits the run to the named groups ("bucket", "errors", ...);
	// nil runs every group. It is for a second harness over the same driver
	// that needs to prove one part of the contract only (for example the
	// error mapping over another backend), when the whole suite already runs
	// elsewhere. Names that match no group fail the run.
	Groups []string

	// Known maps a case, named as its subtest is ("group/case", for example
	// "concurrency/readers-see-whole-versions"), to the documented reason
	// the backend under test cannot pass it (an emulator's known limitation
	// that the real service does not have). Those cases are skipped with
	// "known limitation: <reason>". Nil runs every case. Names that match no
	// case fail the run, so the list cannot go stale silently.
	Known map[string]string

	// SignaturesNotEnforced, when non-empty, says why the service behind
	// signed URLs accepts any signature (an emulator such as
	// fake-gcs-server does; the real service does not). The cases that need
	// an expired, tampered or misused signed URL refused are then skipped
	// with that reason. Empty: those cases run whenever signed URLs are
	// declared. It describes the service under test, not the driver, so it
	// lives here rather than in storage.Capabilities.
	SignaturesNotEnforced string

	// NewT is New for runs outside go test ([RunStandalone]), where there is
	// no *testing.T: it gets the case's [T] and registers its cleanup with
	// t.Cleanup. Run uses New when both are set.
	NewT func(t T) *storage.Storage
}

// suite is the Harness with its defaults applied and the capabilities read.
type suite struct {
	Harness
	caps storage.Capabilities
}

// Run runs every conformance case against h.New's storages.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil && h.NewT == nil {
		t.Fatal("conformance: Harness.New is nil")
	}
	s := newSuite(h)
	st := s.newStorage(t)
	if st == nil {
		t.Fatal("conformance: Harness.New returned nil")
	}
	s.caps = st.Capabilities()
	t.Logf("capabilities: %+v", s.caps)
	all := groups()
	for k := range h.Known {
		found := false
		for _, g := range all {
			for _, c := range g.cases() {
				found = found || g.name+"/"+c.name == k
			}
		}
		if !found {
			t.Errorf("conformance: Harness.Known names %q, which is no case", k)
		}
	}
	if h.Groups != nil {
		var some []group
		for _, name := range h.Groups {
			found := false
			for _, g := range all {
				if g.name == name {
					some, found = append(some, g), true
				}
			}
			if !found {
				t.Errorf("conformance: Harness.Groups names %q, which is no group", name)
			}
		}
		all = some
	}
	for _, g := range all {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases() {
				t.Run(c.name, func(t *testing.T) {
					if why, ok := h.Known[g.name+"/"+c.name]; ok {
						t.Skip("known limitation: " + why)
					}
					c.fn(t, s)
				})
			}
		})
	}
}

// newSuite applies the harness's defaults.
func newSuite(h Harness) *suite {
	if h.HTTPClient == nil {
		h.HTTPClient = http.DefaultClient
	}
	if h.LargeObjectSize <= 0 {
		h.LargeObjectSize = 256 << 20
	}
	if h.MaxExtraHeap <= 0 {
		h.MaxExtraHeap = 64 << 20
	}
	if h.NameLimit <= 0 || h.NameLimit > storage.MaxNameLength {
		h.NameLimit = storage.MaxNameLength
	}
	return &suite{Harness: h}
}

// testCase is one named case of a group.
type testCase struct {
	name string
	fn   func(t T, s *suite)
}

type group struct {
	name string
	// cases builds the group's cases (and their data) when the group runs,
	// so listing the groups (GroupNames, the storages command's flags)
	// allocates nothing.
	cases func() []testCase
}

func groups() []group {
	return []group{
		{"save", func() []testCase { return append(saveCases(), driverOptionCases()...) }},
		{"open", openCases},
		{"versions", versionCases},
		{"stat", statCases},
		{"exists", existsCases},
		{"delete", deleteCases},
		{"list", func() []testCase { return append(listCases(), listPageCases()...) }},
		{"copy", copyCases},
		{"policy", policyCases},
		{"names", nameCases},
		{"url", urlCases},
		{"signed", signedCases},
		{"checksums", func() []testCase { return append(checksumCases(), readVerifyCases()...) }},
		{"metadata", metadataCases},
		{"contenttype", contentTypeCases},
		{"fs", fsCases},
		{"errors", errorCases},
		{"bucket", bucketCases},
		{"cancel", cancelCases},
		{"concurrency", concurrencyCases},
		{"large", largeCases},
		{"etag", etagCases},
		{"encoding", encodingCases},
	}
}

// fresh returns a storage over a fresh namespace for this case, and the
// case's context.
func (s *suite) fresh(t T) (*storage.Storage, context.Context) {
	t.Helper()
	st := s.newStorage(t)
	if st == nil {
		t.Fatal("Harness.New returned nil")
	}
	return st, t.Context()
}

// need skips the case unless the driver declares the capability.
func need(t T, declared bool, capability string) {
	t.Helper()
	if !declared {
		t.Skip("driver does not declare " + capability)
	}
}

// needEnforcedSignatures skips a case that needs the service to refuse a
// signed URL when the harness says it does not (SignaturesNotEnforced).
func (s *suite) needEnforcedSignatures(t T) {
	t.Helper()
	if s.SignaturesNotEnforced != "" {
		t.Skip("signatures not enforced by the service under test: " + s.SignaturesNotEnforced)
	}
}
