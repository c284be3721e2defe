// Command uploader is an example HTTP service that accepts uploads and
// serves their URLs, whose backend is chosen only by configuration: the
// same binary stores files on the local filesystem in development and in
// S3, GCS or Azure Blob in production.
//
//	# development: a config file (see storages.toml)
//	MEDIA_ROOT=/tmp/media go run ./examples/uploader -config examples/uploader/storages.toml
//
//	# production: the environment only
//	STORAGE_URL='s3://my-bucket/media?region=eu-west-1&base_url=https://cdn.example.com/' uploader
//
//	curl -F file=@photo.jpg localhost:8080/files   # {"name": "uploads/photo.jpg", "url": ...}
//	curl localhost:8080/files                      # the list
//
// The storage named "default" is used. Every request to the storage is
// logged with log/slog (package wrap/instrument).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/config"
	"github.com/go-storages/storage/wrap/instrument"

	// The backends this binary can use; each registers its URL scheme.
	_ "github.com/go-storages/storage/azure"
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/gcs"
	_ "github.com/go-storages/storage/memory"
	_ "github.com/go-storages/storage/s3"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "listen address")
	cfgPath := flag.String("config", "", "storages TOML file (default $STORAGES_CONFIG; none: environment only)")
	maxBytes := flag.Int64("max-bytes", 64<<20, "largest upload accepted, in bytes")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log, *addr, config.Options{Path: *cfgPath}, *maxBytes); err != nil {
		fmt.Fprintln(os.Stderr, "uploader:", err)
		os.Exit(1)
	}
}

// open loads the configuration and returns the service's handler over the
// "default" storage.
func open(ctx context.Context, log *slog.Logger, opts config.Options, maxBytes int64) (http.Handler, func() error, error) {
	opts.Require = append(opts.Require, "default")
	opts.Wrap = func(name string, st *storage.Storage) *storage.Storage {
		return st.Wrap(instrument.Wrap(instrument.Options{Storage: name, Logger: log, Level: slog.LevelDebug}))
	}
	sts, err := config.Load(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	st, err := sts.Get("default")
	if err != nil {
		sts.Close()
		return nil, nil, err
	}
	log.Info("storage", "default", sts.Describe("default"))
	return newHandler(ctx, st, log, maxBytes), sts.Close, nil
}

func run(ctx context.Context, log *slog.Logger, addr string, opts config.Options, maxBytes int64) error {
	h, closeStorages, err := open(ctx, log, opts, maxBytes)
	if err != nil {
		return err
	}
	defer closeStorages()
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
