package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyTimeout bounds the wait for an emulator to answer; MinIO's first
// start on a loaded 2-core machine can be slow.
const readyTimeout = 90 * time.Second

// startAttempts is how often a start is retried when the process exits
// before it is ready (most likely another process took the port we picked).
const startAttempts = 3

// A proc is a running emulator process, leader of its own process group.
// It is tracked without background goroutines (exit is polled with
// wait4(WNOHANG)), so leak checkers in driver tests see nothing of it.
type proc struct {
	name    string
	pid     int
	dataDir string // removed on stop
	logPath string

	mu     sync.Mutex
	exited bool
	status syscall.WaitStatus
}

var (
	procsMu sync.Mutex
	procs   []*proc
)

// spec describes how to run one emulator.
type spec struct {
	name  string
	ports int // how many free ports the command needs
	// command builds the command line and extra environment for the ports
	// and the data directory.
	command func(ports []int, dataDir string) (argv, env []string)
	// ready probes the started emulator; nil error means it serves.
	ready func(ctx context.Context, client *http.Client, ports []int) error
}

// probeClient is used for readiness probes: no keep-alive connections (no
// lingering goroutines), no proxy.
func probeClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
		Timeout:   5 * time.Second,
	}
}

// start runs the emulator and waits until it is ready, retrying with new
// ports when the process dies before answering.
func start(s spec) (*proc, []int, error) {
	var lastErr error
	for attempt := 0; attempt < startAttempts; attempt++ {
		p, ports, err := startOnce(s)
		if err == nil {
			return p, ports, nil
		}
		lastErr = err
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	return nil, nil, lastErr
}

var errExitedEarly = errors.New("exited before it was ready")

func startOnce(s spec) (*proc, []int, error) {
	ports, err := freePorts(s.ports)
	if err != nil {
		return nil, nil, fmt.Errorf("emulator: %s: picking a port: %w", s.name, err)
	}
	sweepOnce.Do(sweepStaleDirs)
	dataDir, err := os.MkdirTemp("", tempPrefix+s.name+"-")
	if err != nil {
		return nil, nil, fmt.Errorf("emulator: %s: %w", s.name, err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dataDir)
		return nil, nil, fmt.Errorf("emulator: %s: %w", s.name, err)
	}
	// The log lives next to the data so it survives for the failure report;
	// the child writes it directly (no copying goroutine in this process).
	logPath := filepath.Join(dataDir, s.name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dataDir)
		return nil, nil, fmt.Errorf("emulator: %s: %w", s.name, err)
	}
	storeDir := filepath.Join(dataDir, "data")
	if err := os.Mkdir(storeDir, 0o755); err != nil {
		logFile.Close()
		os.RemoveAll(dataDir)
		return nil, nil, fmt.Errorf("emulator: %s: %w", s.name, err)
	}
	argv, env := s.command(ports, storeDir)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dataDir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	logFile.Close()
	if err != nil {
		os.RemoveAll(dataDir)
		return nil, nil, fmt.Errorf("emulator: starting %s: %w", s.name, err)
	}
	p := &proc{name: s.name, pid: cmd.Process.Pid, dataDir: dataDir, logPath: logPath}
	cmd.Process.Release() // reaped by pid in poll/stop
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()

	if err := p.waitReady(s, ports); err != nil {
		tail := p.logTail()
		p.stop()
		return nil, nil, fmt.Errorf("emulator: %s (%s): %w\n--- last lines of its log ---\n%s", s.name, strings.Join(argv, " "), err, tail)
	}
	return p, ports, nil
}

func (p *proc) waitReady(s spec, ports []int) error {
	client := probeClient()
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	var probeErr error
	for {
		if p.poll() {
			return fmt.Errorf("%w (%s)", errExitedEarly, p.statusString())
		}
		if probeErr = s.ready(ctx, client, ports); probeErr == nil {
			// The answer must come from our process, not from another one
			// that took the port: it must still be alive.
			time.Sleep(50 * time.Millisecond)
			if p.poll() {
				return fmt.Errorf("%w (%s)", errExitedEarly, p.statusString())
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %v", readyTimeout, probeErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// poll reaps the process if it exited and reports whether it did.
func (p *proc) poll() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return true
	}
	var ws syscall.WaitStatus
	pid, err := syscall.Wait4(p.pid, &ws, syscall.WNOHANG, nil)
	if pid == p.pid || errors.Is(err, syscall.ECHILD) {
		p.exited, p.status = true, ws
	}
	return p.exited
}

func (p *proc) statusString() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.status.Exited():
		return fmt.Sprintf("exit status %d", p.status.ExitStatus())
	case p.status.Signaled():
		return "killed by " + p.status.Signal().String()
	}
	return "exited"
}

func (p *proc) logTail() string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(data) == 0 {
		return "(empty log)"
	}
	return tailLines(string(data), 40)
}

// stop ends the process group: SIGTERM, then SIGKILL after a grace period;
// then removes the data directory.
func (p *proc) stop() {
	if !p.poll() {
		syscall.Kill(-p.pid, syscall.SIGTERM)
		deadline := time.Now().Add(5 * time.Second)
		for !p.poll() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	syscall.Kill(-p.pid, syscall.SIGKILL) // also any children left in the group
	for !p.poll() {
		time.Sleep(10 * time.Millisecond)
	}
	os.RemoveAll(p.dataDir)
}

// Stop stops every emulator this process started. [Main] calls it after the
// tests; the emulators command calls it on exit. Emulators started after
// Stop are started afresh.
func Stop() {
	procsMu.Lock()
	ps := procs
	procs = nil
	procsMu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(p.stop)
	}
	wg.Wait()
	resetServices()
}

// freePorts picks n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// get fetches url and checks the status code; the body is drained.
func get(ctx context.Context, client *http.Client, url string, wantStatus int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if wantStatus != 0 && resp.StatusCode != wantStatus {
		return resp, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return resp, nil
}

// Emulator data directories are named tempPrefix+name+"-*" in the system
// temp directory and hold ownerFile, the pid of the test process that
// started the emulator.
const (
	tempPrefix = "gost-emulator-"
	ownerFile  = "owner.pid"
)

var sweepOnce sync.Once

// sweepStaleDirs removes the data directories of test processes that died
// without stopping their emulators (killed, timed out): their emulators died
// with them, but large objects would pile up in the temp directory.
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or its owner is still setting it up
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(dir)
		}
	}
}
