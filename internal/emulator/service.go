package emulator

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
)

// service starts one emulator at most once per process (until Stop).
type service[T any] struct {
	mu      sync.Mutex
	started bool
	env     T
	proc    *proc
	err     error
	start   func() (T, *proc, error)
}

func (s *service[T]) get() (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.env, s.proc, s.err = s.start()
		s.started = true
	}
	if s.err == nil && s.proc.poll() {
		// It died under the tests: say so (with its log) rather than hand
		// out an address nobody answers at.
		var zero T
		s.env, s.err = zero, fmt.Errorf("emulator: %s died during the tests (%s)\n--- last lines of its log ---\n%s",
			s.proc.name, s.proc.statusString(), s.proc.logTail())
	}
	return s.env, s.err
}

func (s *service[T]) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	s.started, s.env, s.proc, s.err = false, zero, nil, nil
}

var (
	minioService   = &service[S3Env]{start: startMinIO}
	fakeGCSService = &service[GCSEnv]{start: startFakeGCS}
	azuriteService = &service[AzureEnv]{start: startAzurite}
)

func resetServices() {
	minioService.reset()
	fakeGCSService.reset()
	azuriteService.reset()
}

// Main runs the tests, stops the emulators they started and exits with the
// tests' status. Use it as a package's TestMain:
//
//	func TestMain(m *testing.M) { emulator.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Install installs every pinned emulator missing from the cache,
// concurrently; progress (may be nil) receives a line per install. The
// emulators command runs it so a test run starts with a warm cache.
func Install(ctx context.Context, progress io.Writer) error {
	_, err := ensure(ctx, progress, allTools()...)
	return err
}
