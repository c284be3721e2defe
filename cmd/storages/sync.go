package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage/transfer"
)

func (a *app) syncCommand() *cobra.Command {
	var del, dryRun, verbose bool
	c := &cobra.Command{
		Use:   "sync [--delete] [--dry-run] SRC DST",
		Short: "Make DST a copy of SRC, copying only what changed",
		Long: `Make the directory or prefix DST hold what SRC holds, copying only new and
changed objects. The decision comes from one listing of each side, with no
request per object: an object is copied when its size differs; else, when
both listings carry a checksum in common (CRC32C, MD5: GCS, Azure, S3
single-part objects, across backends), when it differs, whatever the times;
else when both sides list an MD5 ETag and they differ; otherwise when the
source was modified after the destination. A local directory lists no
checksums, so syncing from one compares sizes and times.
With --delete, objects of DST that SRC does not have are deleted.
--dry-run prints what would be done and changes nothing.`,
		Example: `  storages sync ./static s3://my-bucket/static/
  storages sync --delete --dry-run ./public media:site/
  storages sync s3://old-bucket/ gs://new-bucket/`,
		Args: args(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.sync(cmd.Context(), args[0], args[1], del, dryRun, verbose)
		},
	}
	c.Flags().BoolVar(&del, "delete", false, "delete objects of DST that SRC does not have")
	c.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print what would be done, change nothing")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each object as it is done")
	return c
}

func (a *app) sync(ctx context.Context, srcArg, dstArg string, del, dryRun, verbose bool) error {
	src, dst, err := a.resolvePair(ctx, srcArg, dstArg)
	if err != nil {
		return err
	}
	if src.stdio || dst.stdio {
		return usagef("sync works on directories and prefixes, not -")
	}
	if src.local && !src.isDir {
		return fmt.Errorf("%s is a file: sync works on directories (use cp)", src.display)
	}
	plan, err := transfer.PlanSync(ctx, dst.st, dst.prefix(), src.st, src.prefix(), transfer.SyncOptions{Delete: del})
	if err != nil {
		return err
	}
	if dryRun {
		for _, it := range plan.Copy {
			a.report(map[string]any{"op": "copy", "src": src.object(it.Src), "dst": dst.object(it.Dst), "size": it.Size, "dryRun": true},
				"would copy %s -> %s\n", src.object(it.Src), dst.object(it.Dst))
		}
		for _, n := range plan.Delete {
			a.report(map[string]any{"op": "delete", "dst": dst.object(n), "dryRun": true}, "would delete %s\n", dst.object(n))
		}
		return a.syncSummary(plan, len(plan.Copy), len(plan.Delete), 0, true)
	}
	deleted := 0
	res := a.transfer(ctx, "copy", src, dst, plan.Copy, transfer.Options{}, verbose)
	if len(plan.Delete) > 0 {
		pr := a.newProgress(len(plan.Delete), 0)
		rep := &itemReporter{a: a, op: "delete", src: dst, dst: dst, verbose: verbose, next: pr.reporter()}
		d := transfer.Delete(ctx, dst.st, plan.Delete, transfer.Options{Concurrency: a.workers(), Progress: rep})
		pr.finish()
		for _, e := range d.Errors {
			fmt.Fprintf(a.io.err, "storages sync: %s\n", oneLine(e.Error()))
		}
		res.Errors = append(res.Errors, d.Errors...)
		deleted = d.Objects
	}
	if err := a.syncSummary(plan, res.Objects, deleted, len(res.Errors), false); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d of %d changes failed", len(res.Errors), len(plan.Copy)+len(plan.Delete))
	}
	return nil
}

// report prints one record: JSON, or the formatted line.
func (a *app) report(rec map[string]any, format string, args ...any) {
	if a.jsonOut {
		a.printJSONLocked(rec)
		return
	}
	a.printfLocked(format, args...)
}

func (a *app) syncSummary(plan *transfer.Plan, copied, deleted, failed int, dryRun bool) error {
	if a.jsonOut {
		return a.printJSON(map[string]any{"op": "summary", "copied": copied, "deleted": deleted,
			"unchanged": plan.Unchanged, "bytes": plan.Bytes, "failed": failed, "dryRun": dryRun})
	}
	verb := "copied"
	del := "deleted"
	if dryRun {
		verb, del = "to copy", "to delete"
	}
	_, err := fmt.Fprintf(a.io.out, "%d %s (%s), %d %s, %d unchanged.\n", copied, verb, humanBytes(plan.Bytes), deleted, del, plan.Unchanged)
	return err
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
