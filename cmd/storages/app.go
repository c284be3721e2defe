package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/config"
)

// stdio are the process's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// app is one invocation: flags, streams and the storages opened so far.
type app struct {
	io  stdio
	env []string

	// Global flags.
	jsonOut    bool
	configPath string
	jobs       int

	// openURL opens a storage URL; tests replace it to share memory storages
	// between invocations.
	openURL func(ctx context.Context, p *storage.ParsedURL, opts ...storage.Option) (*storage.Storage, error)
	// cfgWrap is config.Options.Wrap; tests use it the same way.
	cfgWrap func(name string, st *storage.Storage) *storage.Storage

	stores map[string]*storage.Storage // by key (see target.go)
	cfg    *config.Storages
	cfgErr error
	closed []func() error

	outMu sync.Mutex // serialises output from concurrent transfers
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// run runs one invocation and returns the exit status.
func run(ctx context.Context, args []string, sio stdio, env []string) (code int) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{io: sio, env: env, stores: map[string]*storage.Storage{}}
	a.openURL = func(ctx context.Context, p *storage.ParsedURL, opts ...storage.Option) (*storage.Storage, error) {
		return p.Open(ctx, opts...)
	}
	return a.run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(a.io.err, "storages: internal error: %s\n", oneLine(fmt.Sprint(r)))
			code = 1
		}
		a.close()
	}()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.io.in)
	root.SetOut(a.io.out)
	root.SetErr(a.io.err)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	name := "storages"
	if cmd != nil && cmd != root {
		name += " " + cmd.Name()
	}
	fmt.Fprintf(a.io.err, "%s: %s\n", name, oneLine(err.Error()))
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(a.io.err, "Run '%s --help' for usage.\n", name)
		return 2
	}
	return 1
}

// isCobraUsage recognises the usage errors cobra makes itself.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "required flag", "accepts ", "requires at least", "if any flags in the group"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "; ")
}

func (a *app) close() {
	for i := len(a.closed) - 1; i >= 0; i-- {
		a.closed[i]()
	}
	a.closed = nil
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "storages",
		Short: "Look into and move files on any storage: S3, GCS, Azure Blob, local directories",
		Long: `storages works with files on every storage the go-storages library reaches.

A storage is named by:
  - a URL, as storage.Open reads it: s3://bucket/prefix?region=eu-west-1,
    gs://bucket/prefix, azblob://container/prefix, file:///var/media, mem://
    (the path after the bucket is the object name or prefix);
  - NAME:PATH, a storage named in the configuration (the TOML file given by
    --config or $STORAGES_CONFIG, and $STORAGE_URL / $STORAGES_<NAME>_URL),
    the same configuration a service loads with package config:
    media:avatars/ is the prefix avatars/ of the storage "media";
  - a local path (write ./x:y for a local file whose name has a colon).

A name ending in "/" is a directory (a prefix). Long transfers show progress
on standard error when it is a terminal. Exit status: 0 success, 1 failure,
2 usage error.`,
		Example: `  storages ls s3://my-bucket/
  storages cp -r ./public s3://my-bucket/site/
  STORAGES_MEDIA_URL='gs://my-media' storages ls -l media:avatars/
  storages sync --delete --dry-run ./static azblob://static/
  storages sign --expires 1h media:reports/2026.pdf
  storages completion bash > /etc/bash_completion.d/storages`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().BoolVar(&a.jsonOut, "json", false, "print machine-readable JSON results (one JSON object per line)")
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "storage configuration file (TOML; default $STORAGES_CONFIG)")
	root.PersistentFlags().IntVarP(&a.jobs, "jobs", "j", 8, "objects transferred at once")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		a.cpCommand(), a.mvCommand(), a.lsCommand(), a.catCommand(), a.statCommand(), a.rmCommand(),
		a.syncCommand(), a.urlCommand(), a.signCommand(), a.collectstaticCommand(), a.serveCommand(), a.conformanceCommand(),
	)
	for _, c := range root.Commands() {
		if c.ValidArgsFunction == nil {
			c.ValidArgsFunction = a.completeTargets
		}
	}
	return root
}

// args checks the number of positional arguments, as a usage error.
func args(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < min && min == max:
			return usagef("want %d argument(s), got %d", min, len(args))
		case len(args) < min:
			return usagef("want at least %d argument(s), got %d", min, len(args))
		case max >= 0 && len(args) > max:
			return usagef("want at most %d argument(s), got %d", max, len(args))
		}
		return nil
	}
}

// printJSON writes v as one line of JSON.
func (a *app) printJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.io.out, "%s\n", b)
	return err
}

// printJSONLocked is printJSON from concurrent goroutines.
func (a *app) printJSONLocked(v any) {
	a.outMu.Lock()
	defer a.outMu.Unlock()
	a.printJSON(v)
}

// printfLocked prints to standard output from concurrent goroutines.
func (a *app) printfLocked(format string, args ...any) {
	a.outMu.Lock()
	defer a.outMu.Unlock()
	fmt.Fprintf(a.io.out, format, args...)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

func (a *app) workers() int {
	if a.jobs < 1 {
		return 1
	}
	return a.jobs
}
