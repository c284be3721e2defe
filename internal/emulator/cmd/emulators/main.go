// Command emulators installs and runs the storage emulators the tests use
// (MinIO, fake-gcs-server, Azurite) at their pinned versions.
//
//	go run ./internal/emulator/cmd/emulators install
//
// installs every emulator missing from the repository's .cache folder,
// concurrently; the test script runs it before `go test` so test binaries
// start with a warm cache.
//
//	go run ./internal/emulator/cmd/emulators env
//
// starts all three on 127.0.0.1, prints `export NAME=value` lines for a
// development shell (paste them, or redirect to a file and source it: the
// tests then use these emulators instead of starting their own) and keeps
// them running until interrupted (Ctrl-C).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/go-storages/storage/internal/emulator"
)

func main() {
	if len(os.Args) != 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch os.Args[1] {
	case "install":
		start := time.Now()
		if err := emulator.Install(ctx, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "emulators: installed and up to date (%s)\n", time.Since(start).Round(time.Millisecond))
	case "env":
		vars, err := emulator.Env()
		if err != nil {
			emulator.Stop()
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, kv := range vars {
			fmt.Printf("export %s=%s\n", kv[0], shellQuote(kv[1]))
		}
		fmt.Fprintln(os.Stderr, "emulators: running; Ctrl-C stops them")
		<-ctx.Done()
		emulator.Stop()
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: emulators install|env")
	os.Exit(2)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
