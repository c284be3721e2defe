package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage/staticfiles"
)

func (a *app) serveCommand() *cobra.Command {
	var (
		addr, urlPrefix, index string
		onDemand               bool
	)
	c := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] DIR|URL",
		Short: "Serve a collected tree (or any storage) over HTTP for local preview",
		Long: `Serve the objects of a directory or storage over HTTP with the static files
handler of package staticfiles, as a CDN would serve them: hashed names from
staticfiles.json as immutable, precompressed variants (name.br, name.gz,
name.zst) by Accept-Encoding, conditional and range requests, correct content
types. The tree is indexed once at start; --on-demand looks every request up
in the storage instead, so changes show without a restart. Stop with Ctrl-C.`,
		Example: `  storages serve ./collected
  storages serve --addr 127.0.0.1:8080 --prefix /static/ s3://my-bucket/static/
  storages serve --index index.html media:site/`,
		Args: args(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serve(cmd.Context(), args[0], addr, urlPrefix, index, onDemand)
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8000", "address to listen on (port 0 picks a free one)")
	c.Flags().StringVar(&urlPrefix, "prefix", "/", "URL path the files are served under, such as /static/")
	c.Flags().StringVar(&index, "index", "", "file served for a path ending in / (such as index.html)")
	c.Flags().BoolVar(&onDemand, "on-demand", false, "look each request up in the storage (shows changes; slower)")
	return c
}

func (a *app) serve(ctx context.Context, arg, addr, urlPrefix, index string, onDemand bool) error {
	t, err := a.resolve(ctx, arg, false)
	if err != nil {
		return err
	}
	if t.stdio || (t.local && !t.isDir) {
		return fmt.Errorf("%s: serve needs a directory or a storage prefix", t.display)
	}
	st := t.st
	if st, err = st.Sub(t.prefix()); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(a.io.err, nil))
	h, err := staticfiles.NewHandler(ctx, st, staticfiles.HandlerOptions{Prefix: urlPrefix, IndexFile: index, OnDemand: onDemand, Logger: logger})
	if err != nil {
		return t.wrap(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usagef("--addr %s: %v", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	p := urlPrefix
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	fmt.Fprintf(a.io.err, "Serving %s (%d files) at http://%s%s (Ctrl-C to stop)\n", t.display, h.Len(), ln.Addr(), p)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
