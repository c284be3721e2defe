package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/transfer"
)

func (a *app) conformanceCommand() *cobra.Command {
	var (
		groups, skip []string
		largeSize    int64
		verbose      bool
		lenientSigs  bool
	)
	c := &cobra.Command{
		Use:   "conformance [--groups G,...] [--skip G,...] URL|NAME:PATH|DIR",
		Short: "Run the conformance suite against your own bucket and print a table per group",
		Long: `Run the conformance suite that every go-storages driver passes against the
storage the argument names (R2, Wasabi, Ceph, a real S3 account, ...), outside
go test, and print the passed, failed and skipped cases of each group. The
storage is a URL (its path is the prefix to work under; for file:// and
gocloud+file:// URLs, the directory), NAME:PATH for a storage of the
configuration (under its configured location, then PATH), or a local
directory. Every case works in its own prefix under
<prefix>/conformance-<random>/ and deletes what it wrote; whatever a failed
case left behind is deleted at the end. A read-only storage is refused.

Some cases fetch public URLs (the url group, and cases of names and
encoding): give the storage a base_url that serves its objects (a public
bucket or CDN), or skip those groups. The signed group
needs the driver's signing (or skip it); against an emulator that accepts
any signature (fake-gcs-server) add --signatures-not-enforced to skip the
cases of expired and tampered signed URLs. The large group streams an object
of --large-size bytes through Save and Open.

Exit status 1 when any case failed.`,
		Example: `  storages conformance 's3://my-bucket/tmp?region=eu-west-1'
  storages conformance --skip url,large 's3://bucket?endpoint=https://ACCOUNT.r2.cloudflarestorage.com&region=auto'
  storages conformance --groups save,open,list -v gs://my-bucket/scratch/
  STORAGES_MEDIA_URL='s3://media?region=eu-west-1' storages conformance --skip url media:scratch/`,
		Args: args(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.conformance(cmd.Context(), args[0], groups, skip, largeSize, verbose, lenientSigs)
		},
	}
	c.Flags().StringSliceVar(&groups, "groups", nil, "run only these groups ("+strings.Join(conformance.GroupNames(), ", ")+")")
	c.Flags().StringSliceVar(&skip, "skip", nil, "do not run these groups")
	c.Flags().Int64Var(&largeSize, "large-size", 32<<20, "size in bytes of the large group's object")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every case as it ends, with its messages")
	c.Flags().BoolVar(&lenientSigs, "signatures-not-enforced", false, "the service accepts any signature (an emulator): skip the expired and tampered signed-URL cases")
	c.RegisterFlagCompletionFunc("groups", cobra.FixedCompletions(conformance.GroupNames(), cobra.ShellCompDirectiveNoFileComp))
	c.RegisterFlagCompletionFunc("skip", cobra.FixedCompletions(conformance.GroupNames(), cobra.ShellCompDirectiveNoFileComp))
	return c
}

// opener opens the storage under test with options on top (its location,
// for each case and for the final sweep).
type opener func(ctx context.Context, opts ...storage.Option) (*storage.Storage, error)

// conformanceTarget resolves the argument of conformance: a storage URL (its
// path is the prefix the run works under, except for file and gocloud+file
// URLs, whose path is the directory), NAME:PATH from the configuration, or a
// local directory. It returns how to open the storage, the location the
// run works under ("" or ending in "/") and the argument as shown.
func (a *app) conformanceTarget(ctx context.Context, arg string) (opener, string, string, error) {
	if m := configArg.FindStringSubmatch(arg); m != nil && !urlArg.MatchString(arg) && !localExists(arg) {
		cfg, err := a.config()
		if err != nil {
			return nil, "", "", fmt.Errorf("%s: %w", arg, err)
		}
		if !slices.Contains(cfg.Names(), m[1]) {
			return nil, "", "", usagef("%s: no storage %q in the configuration (configured: %s)", arg, m[1], strings.Join(cfg.Names(), ", "))
		}
		open := func(ctx context.Context, opts ...storage.Option) (*storage.Storage, error) {
			return cfg.Open(ctx, m[1], opts...)
		}
		loc, err := baseLocation(ctx, open, m[2])
		return open, loc, arg, err
	}
	raw, loc, display := arg, "", arg
	switch u, err := url.Parse(arg); {
	case !urlArg.MatchString(arg):
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, "", "", err
		}
		raw = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	case err != nil:
		return nil, "", "", usagef("malformed storage URL (not shown: it may hold secrets)")
	case u.Scheme == "file":
	case u.Scheme == gocloudFile:
		dir, err := gocloudFileDir(u)
		if err != nil {
			return nil, "", "", err
		}
		raw = gocloudFileURL(dir, u.RawQuery)
	default:
		loc = strings.Trim(u.Path, "/")
		base := *u
		base.Path, base.RawPath = "", ""
		raw = base.String()
		if base.Host == "" {
			raw = strings.Replace(raw, base.Scheme+":", base.Scheme+"://", 1)
		}
	}
	p, err := storage.ParseURL(raw)
	if err != nil {
		return nil, "", "", err
	}
	if urlArg.MatchString(arg) {
		display = withPath(p.String(), loc)
		if p.Scheme() == "file" || p.Scheme() == gocloudFile {
			display = p.String()
		}
	}
	open := func(ctx context.Context, opts ...storage.Option) (*storage.Storage, error) {
		return a.openURL(ctx, p, opts...)
	}
	loc, err = baseLocation(ctx, open, loc)
	return open, loc, display, err
}

// baseLocation is the location the run works under: the storage's own
// (a location parameter, or a configured one) followed by sub. It refuses a
// read-only storage, where every case that writes would fail.
func baseLocation(ctx context.Context, open opener, sub string) (string, error) {
	st, err := open(ctx)
	if err != nil {
		return "", err
	}
	defer st.Close()
	if st.Capabilities().ReadOnly {
		return "", usagef("the storage is read-only: the conformance suite writes (and deletes what it wrote)")
	}
	loc := st.Location()
	if sub = strings.Trim(sub, "/"); sub != "" {
		loc += sub + "/"
	}
	return loc, nil
}

func (a *app) conformance(ctx context.Context, arg string, groups, skip []string, largeSize int64, verbose, lenientSigs bool) error {
	if largeSize < 8<<20 {
		return usagef("--large-size must be at least 8 MiB (8388608)")
	}
	for _, g := range append(slices.Clone(groups), skip...) {
		if !slices.Contains(conformance.GroupNames(), g) {
			return usagef("no group %q (groups: %s)", g, strings.Join(conformance.GroupNames(), ", "))
		}
	}
	open, loc, display, err := a.conformanceTarget(ctx, arg)
	if err != nil {
		return err
	}
	run := loc + "conformance-" + strings.ToLower(rand.Text()[:10])
	var n atomic.Int64
	caseLoc := func() string { return fmt.Sprintf("%s/case-%04d", run, n.Add(1)) }
	h := conformance.Harness{
		NewT: func(t conformance.T) *storage.Storage {
			st, err := open(t.Context(), storage.WithLocation(caseLoc()))
			if err != nil {
				t.Fatalf("opening %s: %v", display, err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
		LargeObjectSize: largeSize,
		NameLimit:       storage.MaxNameLength - len(run+"/case-0000/"),
	}
	fmt.Fprintf(a.io.err, "Running the conformance suite against %s, under %s/\n", display, run)
	rep, err := conformance.RunStandalone(ctx, h, conformance.StandaloneOptions{
		Groups: groups, Skip: skip,
		OnCase: func(r conformance.CaseResult) {
			if a.jsonOut {
				a.printJSONLocked(map[string]any{"group": r.Group, "case": r.Case, "status": r.Status, "messages": r.Messages, "seconds": r.Duration.Seconds()})
				return
			}
			if verbose || r.Status == conformance.Failed {
				fmt.Fprintf(a.io.err, "%-7s %s (%s)\n", strings.ToUpper(string(r.Status)), r.Name(), r.Duration.Round(1e6))
				for _, m := range r.Messages {
					if !verbose && len(m) > 300 {
						m = m[:300] + "... (-v shows all)"
					}
					fmt.Fprintf(a.io.err, "        %s\n", strings.ReplaceAll(m, "\n", "\n        "))
				}
			}
		},
	})
	left := a.sweep(open, run)
	if err != nil {
		if rep == nil {
			return usagef("%v", err)
		}
		return err
	}
	if a.jsonOut {
		if err := a.printJSON(map[string]any{"op": "summary", "passed": rep.Count("", conformance.Passed), "failed": rep.Count("", conformance.Failed),
			"skipped": rep.Count("", conformance.Skipped), "leftovers": left}); err != nil {
			return err
		}
	} else {
		a.printConformance(rep, left)
	}
	if f := rep.Count("", conformance.Failed); f > 0 {
		return fmt.Errorf("%d of %d cases failed against %s", f, len(rep.Cases), display)
	}
	return nil
}

// sweep deletes whatever the run left under its prefix and returns how
// many objects that was (-1 when it could not look).
func (a *app) sweep(open opener, run string) int {
	ctx := context.Background()
	st, err := open(ctx, storage.WithLocation(run))
	if err != nil {
		return -1
	}
	defer st.Close()
	var names []string
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			return -1
		}
		names = append(names, e.Name)
	}
	if len(names) > 0 {
		transfer.Delete(ctx, st, names, transfer.Options{Concurrency: a.workers()})
	}
	return len(names)
}

func (a *app) printConformance(rep *conformance.Report, left int) {
	w := tabwriter.NewWriter(a.io.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "group\tpassed\tfailed\tskipped\t")
	for _, g := range rep.Groups() {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t\n", g, rep.Count(g, conformance.Passed), rep.Count(g, conformance.Failed), rep.Count(g, conformance.Skipped))
	}
	fmt.Fprintf(w, "total\t%d\t%d\t%d\t\n", rep.Count("", conformance.Passed), rep.Count("", conformance.Failed), rep.Count("", conformance.Skipped))
	w.Flush()
	switch {
	case left > 0:
		fmt.Fprintf(a.io.out, "Cleaned up %d objects that failed cases left behind.\n", left)
	case left < 0:
		fmt.Fprintln(a.io.out, "Could not check for objects left behind.")
	}
}
