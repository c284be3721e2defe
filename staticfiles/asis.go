package staticfiles

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/transfer"
)

// checkNoPostProcess refuses the options that ask for post-processing
// together with NoPostProcess, rather than ignoring them.
func (o *Options) checkNoPostProcess() error {
	if !o.NoPostProcess {
		return nil
	}
	var bad []string
	for _, c := range []struct {
		set  bool
		name string
	}{
		{o.Compress != nil, "Compress"}, {o.KeepOnlyHashed, "KeepOnlyHashed"}, {o.Recompress, "Recompress"},
		{o.JSModules, "JSModules"}, {o.KeepManifests > 0, "KeepManifests"},
	} {
		if c.set {
			bad = append(bad, c.name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &storage.Error{Op: "collect", Kind: storage.ErrInvalidArgument,
		Err: fmt.Errorf("NoPostProcess copies files as they are: it cannot be combined with %s", strings.Join(bad, ", "))}
}

// collectAsIs is Collect with NoPostProcess: every file under its own
// name, as it is, decided from one listing of the destination.
func (r *run) collectAsIs(ctx context.Context, start time.Time) (*Result, error) {
	lctx, cancel := context.WithCancel(ctx)
	listed := make(chan destState, 1)
	go func() {
		existing, err := r.list(lctx)
		listed <- destState{existing: existing, err: err}
	}()
	defer func() { cancel(); <-listed }()
	// Every file is hashed as a stream: its MD5 is compared with the
	// destination's MD5 ETags and checked by the storage as it is saved.
	for _, f := range r.files {
		f.kind = kindPlain
	}
	if err := r.hash(ctx); err != nil {
		return nil, err
	}
	dest := <-listed
	listed <- dest // for the deferred receive
	if dest.err != nil {
		return nil, dest.err
	}
	units := r.planAsIs(dest.existing)
	if r.o.DryRun {
		r.res.Uploaded = len(units)
	} else if err := r.execute(ctx, units); err != nil {
		return nil, err
	}
	r.res.Duration = time.Since(start)
	r.prog.phase(PhaseDone, len(r.files), r.res.SourceBytes)
	return r.res, nil
}

// planAsIs decides which files to copy: those the destination does not
// hold unchanged (see Options.NoPostProcess).
func (r *run) planAsIs(existing map[string]storage.Entry) []*unit {
	var units []*unit
	for _, f := range r.files {
		src := storage.Entry{Name: f.name, Size: f.size, ModTime: f.modTime, ETag: `"` + hex.EncodeToString(f.sum[:]) + `"`,
			Checksums: storage.Checksums{MD5: f.sum[:]}}
		if e, ok := existing[f.name]; ok && !e.IsDir && !transfer.Changed(src, e) {
			r.res.Unchanged++
			continue
		}
		var stale []string
		for _, enc := range allCodecs {
			if _, ok := existing[f.name+enc.suffix]; ok {
				stale = append(stale, f.name+enc.suffix)
			}
		}
		units = append(units, &unit{f: f, orig: true, size: f.size, sum: f.sum[:], origStale: stale})
	}
	return units
}
