package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/transfer"
)

func (a *app) cpCommand() *cobra.Command {
	var o copyFlags
	c := &cobra.Command{
		Use:   "cp [-r] SRC DST",
		Short: "Copy objects and files between storages and local paths",
		Long: `Copy SRC to DST. Either side is a storage URL, NAME:PATH from the
configuration, a local path, or - (standard input or output).

Without -r, SRC is one object or file. When DST is a directory (an existing
local directory, a bucket's root, or a name ending in /), the copy keeps SRC's
base name inside it; otherwise DST is the new object's name.

With -r, everything under SRC (a directory or prefix) is copied under DST,
keeping the relative names: the contents of SRC go into DST, as rsync and
"aws s3 cp --recursive" do. Objects are streamed (never held in memory),
--jobs at a time; an existing object is replaced. Content type, HTTP headers
and metadata travel with the bytes between storages (a local destination
gets plain files), and checksums the source knows are verified before a copy
becomes visible. Inside one storage the copy runs in the backend.`,
		Example: `  storages cp report.pdf s3://my-bucket/reports/
  storages cp -r ./public s3://my-bucket/site/
  storages cp -r media:avatars/ ./avatars-backup
  storages cp gs://my-bucket/big.iso - | sha256sum
  pg_dump mydb | storages cp - backups:db/$(date +%F).sql`,
		Args: args(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.copy(cmd.Context(), args[0], args[1], o, false)
		},
	}
	o.register(c)
	return c
}

func (a *app) mvCommand() *cobra.Command {
	var o copyFlags
	c := &cobra.Command{
		Use:   "mv [-r] SRC DST",
		Short: "Move objects and files: copy, then delete each source once its copy succeeded",
		Long: `Move SRC to DST: each object is copied as cp does, and deleted from the
source once its copy succeeded, so a failure never loses data. DST is
understood as for cp.`,
		Example: `  storages mv s3://my-bucket/tmp/upload.bin s3://my-bucket/archive/
  storages mv -r media:incoming/ media:processed/2026-11-29/`,
		Args: args(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.copy(cmd.Context(), args[0], args[1], o, true)
		},
	}
	o.register(c)
	return c
}

type copyFlags struct {
	recursive, verbose bool
}

func (o *copyFlags) register(c *cobra.Command) {
	c.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "copy everything under SRC (a directory or prefix)")
	c.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "print each object as it is done")
}

func (a *app) copy(ctx context.Context, srcArg, dstArg string, o copyFlags, move bool) error {
	src, dst, err := a.resolvePair(ctx, srcArg, dstArg)
	if err != nil {
		return err
	}
	switch {
	case src.stdio && dst.stdio:
		return usagef("SRC and DST cannot both be -")
	case src.stdio && move:
		return usagef("cannot move standard input")
	case src.stdio:
		return a.copyStdin(ctx, dst)
	}
	var items []transfer.Item
	if o.recursive && (src.dirLike() || !src.local) {
		if dst.stdio {
			return usagef("-r cannot copy to standard output")
		}
		items, err = transfer.Tree(ctx, src.st, src.prefix(), dst.prefix())
		if err != nil {
			return src.wrap(err)
		}
		if len(items) == 0 {
			return fmt.Errorf("%s: nothing to copy (no object under it)", src.display)
		}
	} else {
		if src.dirLike() {
			return fmt.Errorf("%s is a directory: use -r", src.display)
		}
		attrs, err := src.st.Stat(ctx, src.name)
		if err != nil {
			return src.wrap(err)
		}
		if dst.stdio {
			return a.cat(ctx, src)
		}
		name := dst.name
		if dst.dirLike() {
			name = dst.prefix() + path.Base(src.name)
		}
		items = []transfer.Item{{Src: src.name, Dst: name, Size: attrs.Size}}
	}
	op := "copy"
	if move {
		op = "move"
	}
	res := a.transfer(ctx, op, src, dst, items, transfer.Options{Move: move}, o.verbose)
	return a.summarise(op, len(items), res)
}

// transfer copies items with progress bars, and reports each item when
// verbose or in JSON.
func (a *app) transfer(ctx context.Context, op string, src, dst *target, items []transfer.Item, opts transfer.Options, verbose bool) transfer.Result {
	var total int64
	for _, it := range items {
		if it.Size > 0 {
			total += it.Size
		}
	}
	pr := a.newProgress(len(items), total)
	opts.Concurrency = a.workers()
	opts.Plain = dst.local
	opts.Progress = &itemReporter{a: a, op: op, src: src, dst: dst, verbose: verbose, next: pr.reporter()}
	res := transfer.Copy(ctx, dst.st, src.st, items, opts)
	pr.finish()
	for _, e := range res.Errors {
		var ie *transfer.ItemError
		if errors.As(e, &ie) {
			fmt.Fprintf(a.io.err, "storages: %s %s to %s: %s\n", op, src.object(ie.Item.Src), dst.object(ie.Item.Dst), oneLine(causeOf(ie.Err)))
		}
	}
	return res
}

// causeOf drops the "storage: op name:" part of a storage error, which the
// message around it already names.
func causeOf(err error) string {
	var se *storage.Error
	if errors.As(err, &se) {
		s := se.Op
		if se.Name != "" {
			s += " " + fmt.Sprintf("%q", se.Name)
		}
		msg := err.Error()
		if i := len("storage: " + s + ": "); len(msg) > i && msg[:i] == "storage: "+s+": " {
			return se.Op + ": " + msg[i:]
		}
	}
	return err.Error()
}

// summarise turns a result into the command's outcome: a JSON summary line
// when asked, and an error when any item failed.
func (a *app) summarise(op string, n int, res transfer.Result) error {
	if a.jsonOut {
		if err := a.printJSON(map[string]any{"op": "summary", "objects": res.Objects, "bytes": res.Bytes, "failed": len(res.Errors)}); err != nil {
			return err
		}
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d of %d objects failed to %s", len(res.Errors), n, op)
	}
	return nil
}

// itemReporter prints each finished item (verbose or JSON) and passes the
// progress on to the bars.
type itemReporter struct {
	a        *app
	op       string
	src, dst *target
	verbose  bool
	next     transfer.Progress
}

func (r *itemReporter) Bytes(n int64) {
	if r.next != nil {
		r.next.Bytes(n)
	}
}

func (r *itemReporter) Done(it transfer.Item, err error) {
	if r.next != nil {
		r.next.Done(it, err)
	}
	switch {
	case r.a.jsonOut:
		rec := map[string]any{"op": r.op, "dst": r.dst.object(it.Dst)}
		if it.Src != "" || r.op != "delete" {
			rec["src"] = r.src.object(it.Src)
		}
		if it.Size >= 0 {
			rec["size"] = it.Size
		}
		if err != nil {
			rec["error"] = oneLine(causeOf(err))
		}
		r.a.printJSONLocked(rec)
	case r.verbose && err == nil:
		if r.op == "delete" {
			r.a.printfLocked("delete %s\n", r.dst.object(it.Dst))
		} else {
			r.a.printfLocked("%s %s -> %s\n", r.op, r.src.object(it.Src), r.dst.object(it.Dst))
		}
	}
}

// copyStdin saves standard input as the object dst names.
func (a *app) copyStdin(ctx context.Context, dst *target) error {
	if dst.dirLike() {
		return usagef("with - as SRC, DST must name an object, not a directory")
	}
	cr := &countWriter{r: a.stdin(ctx)}
	_, err := dst.st.Save(ctx, dst.name, cr, storage.SaveOptions{Conflict: storage.Overwrite})
	if err != nil {
		return dst.wrap(err)
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"op": "copy", "src": "-", "dst": dst.display, "size": cr.n})
	}
	return nil
}

// stdin returns standard input as a reader that fails with the context's
// error once ctx is done, even while a read is blocked (Ctrl-C must stop an
// upload whose input is idle). The goroutine copying from standard input
// ends with the process.
func (a *app) stdin(ctx context.Context) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, a.io.in)
		pw.CloseWithError(err)
	}()
	context.AfterFunc(ctx, func() { pw.CloseWithError(context.Cause(ctx)) })
	return pr
}

type countWriter struct {
	r io.Reader
	n int64
}

func (c *countWriter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
