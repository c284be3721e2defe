package emulator

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A tool is an emulator the harness can install into the cache.
type tool interface {
	toolName() string
	// installed reports whether the pinned version is present in cache.
	installed(cache string) bool
	// install puts the pinned version into cache; the caller holds the
	// install lock.
	install(ctx context.Context, cache string) error
}

// repoRoot finds the repository root: the nearest directory at or above the
// working directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("emulator: no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

// cacheDir returns the repository's .cache folder, creating it.
func cacheDir() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	cache := filepath.Join(root, ".cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("emulator: %w", err)
	}
	return cache, nil
}

// ensure installs the tools whose pinned version is missing from the cache,
// concurrently, under the cross-process install lock. progress, if not nil,
// receives one line per install started and finished.
func ensure(ctx context.Context, progress io.Writer, tools ...tool) (string, error) {
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	if missing(cache, tools) == nil {
		return cache, nil // fast path: no lock needed
	}
	err = withInstallLock(cache, func() error {
		todo := missing(cache, tools) // another process may have installed them meanwhile
		errs := make([]error, len(todo))
		var wg sync.WaitGroup
		for i, tl := range todo {
			wg.Go(func() {
				start := time.Now()
				logf(progress, "emulator: installing %s\n", tl.toolName())
				errs[i] = tl.install(ctx, cache)
				if errs[i] == nil {
					logf(progress, "emulator: installed %s in %s\n", tl.toolName(), time.Since(start).Round(time.Second))
				}
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	return cache, err
}

func missing(cache string, tools []tool) []tool {
	var out []tool
	for _, tl := range tools {
		if !tl.installed(cache) {
			out = append(out, tl)
		}
	}
	return out
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}

// withInstallLock runs fn holding an exclusive flock on .cache/install.lock:
// `go test ./...` runs several test binaries at once, each may install.
func withInstallLock(cache string, fn func() error) error {
	f, err := os.OpenFile(filepath.Join(cache, "install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("emulator: install lock: %w", err)
	}
	defer f.Close()
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("emulator: install lock: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

// goTool is a Go program installed with `go install pkg@version` into
// .cache/bin; the version recorded in the binary's build info is the stamp.
type goTool struct {
	name, bin, module, pkg, version string
}

func (g goTool) toolName() string { return g.name }

func (g goTool) path(cache string) string { return filepath.Join(cache, "bin", g.bin) }

func (g goTool) installed(cache string) bool {
	bi, err := buildinfo.ReadFile(g.path(cache))
	return err == nil && bi.Main.Path == g.module && bi.Main.Version == g.version
}

func (g goTool) install(ctx context.Context, cache string) error {
	goCmd, err := goBinary()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(cache, "bin"), 0o755); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	// Install into a private directory and rename: a concurrent reader never
	// sees a half-written binary.
	tmp, err := os.MkdirTemp(cache, "install-"+g.bin+"-")
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goCmd, "install", g.pkg+"@"+g.version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "GOWORK=off")
	if err := runLogged(cmd); err != nil {
		return fmt.Errorf("emulator: go install %s@%s: %w", g.pkg, g.version, err)
	}
	if err := os.Rename(filepath.Join(tmp, g.bin), g.path(cache)); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	return nil
}

// goBinary finds the go command: on PATH, else in GOROOT.
func goBinary() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("emulator: the go command is not on PATH (needed to install emulators)")
}

// npmTool is an npm package installed under .cache/npm; the version in its
// installed package.json is the stamp.
type npmTool struct {
	name, pkg, version string
}

func (n npmTool) toolName() string { return n.name }

func (n npmTool) dir(cache string) string { return filepath.Join(cache, "npm") }

func (n npmTool) installed(cache string) bool {
	data, err := os.ReadFile(filepath.Join(n.dir(cache), "node_modules", n.pkg, "package.json"))
	if err != nil {
		return false
	}
	var pj struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(data, &pj) == nil && pj.Version == n.version
}

func (n npmTool) install(ctx context.Context, cache string) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return errors.New("emulator: npm is not on PATH (needed to install " + n.pkg + ")")
	}
	// Install into a fresh prefix and swap it in whole, so a reader never
	// sees a half-installed tree.
	tmp, err := os.MkdirTemp(cache, "install-npm-")
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", tmp,
		"--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error",
		n.pkg+"@"+n.version)
	if err := runLogged(cmd); err != nil {
		return fmt.Errorf("emulator: npm install %s@%s: %w", n.pkg, n.version, err)
	}
	dst := n.dir(cache)
	old := dst + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("emulator: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	return os.RemoveAll(old)
}

// runLogged runs cmd with no stdin; on failure the error carries the tail
// of its output.
func runLogged(cmd *exec.Cmd) error {
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w\n%s", err, tailLines(out.String(), 30))
	}
	return nil
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
