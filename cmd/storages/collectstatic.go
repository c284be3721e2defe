package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/staticfiles"
	"github.com/go-storages/storage/transfer"
)

type collectFlags struct {
	dryRun, clear, noInput, noPostProcess, verbose                  bool
	recompress, keepOnlyHashed, lenient, jsModules, noDefaultIgnore bool
	ignore                                                          []string
	compress, staticURL, manifestVersion                            string
	keepManifests                                                   int
	jobsSet                                                         bool // --jobs given: else Collect's default per storage kind
}

func (a *app) collectstaticCommand() *cobra.Command {
	var o collectFlags
	c := &cobra.Command{
		Use:   "collectstatic [flags] SRC... DST",
		Short: "Collect static files into a storage under hashed names, with Django's manifest",
		Long: `Collect the static files of each SRC into DST, as Django's collectstatic does
with ManifestStaticFilesStorage: every file is stored under its original name
and under a content-hashed name (css/app.css -> css/app.5d41402abc4b.css),
references between CSS and JS files are rewritten to the hashed names, and
staticfiles.json (Django's manifest, readable by Django and by package
staticfiles) is written last. A rerun uploads only what changed, decided from
one listing of DST and the previous manifest.

SRC is a local directory or any storage (URL or NAME:PATH); PREFIX=SRC puts
its files under PREFIX, like a ("prefix", path) entry of Django's
STATICFILES_DIRS. When two sources hold the same name the first wins. DST is
any storage; its path is the prefix the tree is stored under.

--no-post-process copies the files as they are, under their own names only,
as Django's switch of that name does: no hashed names, no rewritten
references, no manifest, no compressed variants. A file is copied again when
its size differs from the stored object's, or its MD5 where the storage's
listing has one (S3, GCS, Azure, memory), or else when it was modified after
the stored object.

The last line is Django's summary: "N static files copied to 'DST',
M unmodified, K post-processed." (no post-processed count with
--no-post-process).`,
		Example: `  storages collectstatic ./static s3://my-bucket/static/
  storages collectstatic --compress whitenoise ./static vendor=./node_modules/htmx.org/dist media:static/
  storages collectstatic --dry-run ./static ./collected
  storages collectstatic --clear --noinput ./static gs://my-static/
  storages collectstatic --no-post-process ./static media:static/`,
		Args: args(2, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.jobsSet = cmd.Flags().Changed("jobs")
			return a.collectstatic(cmd.Context(), args[:len(args)-1], args[len(args)-1], o)
		},
	}
	f := c.Flags()
	f.BoolVarP(&o.dryRun, "dry-run", "n", false, "do everything except modify the destination")
	f.BoolVar(&o.clear, "clear", false, "delete every existing object under DST before collecting")
	f.BoolVar(&o.noInput, "noinput", false, "do not ask before --clear deletes (also --no-input)")
	f.BoolVar(&o.noInput, "no-input", false, "same as --noinput")
	f.StringArrayVarP(&o.ignore, "ignore", "i", nil, "ignore files and directories matching this glob (repeatable)")
	f.BoolVar(&o.noPostProcess, "no-post-process", false, "copy the files as they are: no hashed names, rewriting, manifest or compression")
	f.BoolVar(&o.noDefaultIgnore, "no-default-ignore", false, "do not ignore the patterns 'CVS', '.*' and '*~'")
	f.BoolVar(&o.keepOnlyHashed, "keep-only-hashed", false, "store only the hashed names (WhiteNoise's KEEP_ONLY_HASHED_FILES)")
	f.BoolVar(&o.lenient, "lenient", false, "leave references to missing files unchanged (warnings) instead of failing")
	f.BoolVar(&o.jsModules, "js-modules", false, "rewrite ES module import/export specifiers (Django's support_js_module_import_aggregation)")
	f.StringVar(&o.compress, "compress", "none", "precompressed variants: none, whitenoise (brotli 11 + gzip 9) or fast (brotli 5 + zstd)")
	f.BoolVar(&o.recompress, "recompress", false, "compress every file again, even when its hashed name is already stored")
	f.StringVar(&o.staticURL, "static-url", "/static/", "URL prefix the tree is served under (Django's STATIC_URL)")
	f.StringVar(&o.manifestVersion, "manifest-version", "1.1", `manifest version: "1.1" (Django 4.2+) or "1.0" (Django 3.2 to 4.1)`)
	f.IntVar(&o.keepManifests, "keep-manifests", 0, "remove files no longer named by the last N manifests (0 removes nothing)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print shadowed files")
	c.MarkFlagsMutuallyExclusive("no-post-process", "compress")
	c.MarkFlagsMutuallyExclusive("no-post-process", "keep-only-hashed")
	c.MarkFlagsMutuallyExclusive("no-post-process", "recompress")
	c.MarkFlagsMutuallyExclusive("no-post-process", "js-modules")
	c.MarkFlagsMutuallyExclusive("no-post-process", "keep-manifests")
	c.RegisterFlagCompletionFunc("compress", cobra.FixedCompletions([]string{"none", "whitenoise", "fast"}, cobra.ShellCompDirectiveNoFileComp))
	c.RegisterFlagCompletionFunc("manifest-version", cobra.FixedCompletions([]string{"1.1", "1.0"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func (a *app) collectstatic(ctx context.Context, srcArgs []string, dstArg string, o collectFlags) error {
	opts := staticfiles.Options{
		StaticURL: o.staticURL, KeepOnlyHashed: o.keepOnlyHashed, Lenient: o.lenient, JSModules: o.jsModules,
		ManifestVersion: o.manifestVersion, DryRun: o.dryRun, KeepManifests: o.keepManifests, Recompress: o.recompress,
		NoPostProcess: o.noPostProcess,
	}
	if o.jobsSet {
		opts.Concurrency = a.workers()
	}
	switch o.compress {
	case "none", "":
	case "whitenoise":
		opts.Compress = &staticfiles.WhiteNoise
	case "fast":
		opts.Compress = &staticfiles.Fast
	default:
		return usagef("--compress must be none, whitenoise or fast, not %q", o.compress)
	}
	if o.manifestVersion != "1.1" && o.manifestVersion != "1.0" {
		return usagef(`--manifest-version must be "1.1" or "1.0"`)
	}
	if o.keepManifests < 0 {
		return usagef("--keep-manifests must not be negative")
	}
	if !o.noDefaultIgnore || len(o.ignore) > 0 {
		opts.Ignore = append([]string{}, o.ignore...)
		if !o.noDefaultIgnore {
			opts.Ignore = append(opts.Ignore, "CVS", ".*", "*~")
		}
	}
	var sources []staticfiles.Source
	for _, arg := range srcArgs {
		pfx, path := "", arg
		if i := strings.Index(arg, "="); i > 0 && !urlArg.MatchString(arg) {
			pfx, path = arg[:i], arg[i+1:]
		}
		t, err := a.resolve(ctx, path, false)
		if err != nil {
			return err
		}
		if t.stdio || (t.local && !t.isDir) {
			return fmt.Errorf("%s: a source must be a directory or a storage prefix", t.display)
		}
		var fsys fs.FS
		if t.local {
			fsys = os.DirFS(t.root)
		} else {
			fsys = t.st.FS(ctx)
			if p := strings.TrimSuffix(t.prefix(), "/"); p != "" {
				if fsys, err = fs.Sub(fsys, p); err != nil {
					return t.wrap(err)
				}
			}
		}
		sources = append(sources, staticfiles.Source{FS: fsys, Prefix: pfx})
	}
	dst, err := a.resolve(ctx, dstArg, true)
	if err != nil {
		return err
	}
	if dst.stdio || (dst.local && !dst.dirLike() && !dst.missing) {
		return fmt.Errorf("%s: the destination must be a directory or a storage prefix", dst.display)
	}
	st := dst.st
	if st, err = st.Sub(dst.prefix()); err != nil {
		return err
	}
	if o.clear {
		if err := a.clearDestination(ctx, dst, st, o); err != nil {
			return err
		}
	}
	cp := a.newCollectProgress()
	opts.Progress = cp.update
	res, err := staticfiles.Collect(ctx, st, sources, opts)
	cp.finish()
	if err != nil {
		return dst.wrap(err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.io.err, "storages collectstatic: warning: %s\n", oneLine(w))
	}
	if o.verbose {
		for _, s := range res.Shadowed {
			fmt.Fprintf(a.io.err, "Found another file with the destination path '%s' (source %d). It will be ignored since only the first encountered file is collected.\n", s.Name, s.Source+1)
		}
	}
	copied, postProcessed := res.Collected-res.Unchanged, res.Collected
	if o.noPostProcess {
		postProcessed = 0
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{
			"copied": copied, "unmodified": res.Unchanged, "postProcessed": postProcessed, "uploaded": res.Uploaded,
			"compressed": res.Compressed, "variants": res.Variants, "deleted": res.Deleted, "shadowed": len(res.Shadowed),
			"warnings": res.Warnings, "bytes": res.Bytes, "sourceBytes": res.SourceBytes, "dryRun": o.dryRun,
			"seconds": res.Duration.Seconds(), "destination": dst.object(dst.name),
		})
	}
	_, err = fmt.Fprintln(a.io.out, djangoSummary(copied, res.Unchanged, postProcessed, dst.object(dst.name)))
	return err
}

// djangoSummary is the last line Django's collectstatic prints.
func djangoSummary(copied, unmodified, postProcessed int, destination string) string {
	noun := "static files"
	if copied == 1 {
		noun = "static file"
	}
	s := fmt.Sprintf("%d %s copied to '%s'", copied, noun, destination)
	if unmodified > 0 {
		s += fmt.Sprintf(", %d unmodified", unmodified)
	}
	if postProcessed > 0 {
		s += fmt.Sprintf(", %d post-processed", postProcessed)
	}
	return s + "."
}

// clearDestination deletes everything under the destination, after asking
// as Django does (unless --noinput).
func (a *app) clearDestination(ctx context.Context, dst *target, st *storage.Storage, o collectFlags) error {
	var names []string
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			return dst.wrap(err)
		}
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return nil
	}
	if !o.noInput {
		q := fmt.Sprintf("This will DELETE ALL FILES in %s (%d objects) before collecting. Are you sure?", dst.display, len(names))
		if err := a.confirm(q, "--noinput"); err != nil {
			return err
		}
	}
	if o.dryRun {
		fmt.Fprintf(a.io.err, "Pretending to delete %d objects under %s\n", len(names), dst.display)
		return nil
	}
	res := transfer.Delete(ctx, st, names, transfer.Options{Concurrency: a.workers()})
	if err := res.Err(); err != nil {
		return dst.wrap(err)
	}
	return nil
}

// collectProgress shows the current phase of a collect run as two bars
// (files and bytes) on a terminal.
type collectProgress struct {
	mu           sync.Mutex
	p            *mpb.Progress
	files, bytes *mpb.Bar
	phase        staticfiles.Phase
}

func (a *app) newCollectProgress() *collectProgress {
	if !isTerminal(a.io.err) || a.jsonOut {
		return nil
	}
	cp := &collectProgress{p: mpb.New(mpb.WithOutput(a.io.err), mpb.WithWidth(100), mpb.WithRefreshRate(150e6))}
	phase := decor.Any(func(decor.Statistics) string {
		cp.mu.Lock()
		defer cp.mu.Unlock()
		return string(cp.phase)
	}, decor.WC{W: 9, C: decor.DindentRight})
	cp.files = cp.p.AddBar(0,
		mpb.PrependDecorators(phase, decor.Name("files ", decor.WC{}), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5})),
	)
	cp.bytes = cp.p.AddBar(0,
		mpb.PrependDecorators(decor.Name("", decor.WC{W: 9}), decor.Name("bytes ", decor.WC{}), decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncWidth)),
		mpb.AppendDecorators(
			rate(time.Now()),
			decor.Name("  ETA "),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), "done"),
		),
	)
	return cp
}

func (cp *collectProgress) update(p staticfiles.Progress) {
	if cp == nil {
		return
	}
	cp.mu.Lock()
	newPhase := cp.phase != p.Phase
	cp.phase = p.Phase
	cp.mu.Unlock()
	if p.Phase == staticfiles.PhaseDone {
		return
	}
	if newPhase {
		cp.files.SetTotal(int64(p.FilesTotal), false)
		cp.bytes.SetTotal(p.BytesTotal, false)
		cp.bytes.DecoratorAverageAdjust(time.Now())
	}
	cp.files.SetCurrent(int64(p.FilesDone))
	cp.bytes.SetCurrent(p.BytesDone)
}

func (cp *collectProgress) finish() {
	if cp == nil {
		return
	}
	for _, b := range []*mpb.Bar{cp.files, cp.bytes} {
		b.SetTotal(-1, true)
	}
	cp.p.Wait()
}
