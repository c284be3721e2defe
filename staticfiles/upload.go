package staticfiles

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/go-storages/storage"
)

// smallFile is the size up to which a file written under two names (hashed
// and original) is read once into memory rather than streamed twice.
const smallFile = 256 << 10

// unit is one content to write: a file's final bytes (under its hashed
// name, and its original name when the file is not rewritten), or the
// source bytes of a rewritten file (under its original name: like Django,
// the original name keeps the file as it was).
type unit struct {
	f         *srcFile
	original  bool // the source bytes of a rewritten file
	hashed    bool // write f.hashed
	orig      bool // write f.name
	compress  bool
	varHashed bool     // write the variants of f.hashed
	varOrig   bool     // write the variants of f.name
	origStale []string // variants of f.name in the destination
	size      int64
	sum       []byte
}

// upload plans from one listing of dst and the previous manifest, then
// writes what changed, the manifest last, and removes old files.
func (r *run) upload(ctx context.Context, m *Manifest, dest destState) error {
	existing, prev, prevBytes := dest.existing, dest.prev, dest.prevBytes
	tasks := r.plan(existing, prev)
	newBytes := m.bytes()
	manifestSame := bytes.Equal(prevBytes, newBytes)

	if r.o.DryRun {
		for _, u := range tasks {
			r.res.Uploaded += b2i(u.hashed) + b2i(u.orig)
			r.res.Compressed += b2i(u.compress)
		}
		if !manifestSame {
			r.res.Uploaded += 2
		}
		return nil
	}
	if err := r.execute(ctx, tasks); err != nil {
		return err
	}
	if !manifestSame {
		// The versioned copy first, so that a published manifest always has
		// its copy (KeepManifests finds the history through them).
		// Written even when it exists (a manifest coming back), so that
		// its modification time orders it among the versions.
		versioned := hashedName(r.o.ManifestName, hashHex(newBytes))
		if err := r.save(ctx, versioned, bytes.NewReader(newBytes), int64(len(newBytes)), nil,
			ContentType(r.o.ManifestName), r.o.CacheControl, ""); err != nil {
			return err
		}
		if err := r.save(ctx, r.o.ManifestName, bytes.NewReader(newBytes), int64(len(newBytes)), nil,
			ContentType(r.o.ManifestName), "no-cache", ""); err != nil {
			return err
		}
	}
	if r.o.KeepManifests > 0 {
		return r.prune(ctx, existing, m, hashHex(newBytes))
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// destState is what a run knows of the destination before writing.
type destState struct {
	existing  map[string]storage.Entry
	prev      *Manifest
	prevBytes []byte
	err       error
}

// destination lists the destination and reads the previous manifest.
func (r *run) destination(ctx context.Context) destState {
	existing, err := r.list(ctx)
	if err != nil {
		return destState{err: err}
	}
	prev, prevBytes := r.previous(ctx, existing)
	return destState{existing: existing, prev: prev, prevBytes: prevBytes}
}

// list is the one listing of the destination a run makes.
func (r *run) list(ctx context.Context) (map[string]storage.Entry, error) {
	existing := map[string]storage.Entry{}
	for e, err := range r.dst.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			return nil, fmt.Errorf("staticfiles: list destination: %w", err)
		}
		existing[e.Name] = e
	}
	return existing, nil
}

// previous reads the previous manifest, if the listing has one.
func (r *run) previous(ctx context.Context, existing map[string]storage.Entry) (*Manifest, []byte) {
	if _, ok := existing[r.o.ManifestName]; !ok {
		return nil, nil
	}
	data, err := r.readObject(ctx, r.o.ManifestName)
	if err != nil {
		r.warnf("previous manifest %q unreadable, ignored: %v", r.o.ManifestName, err)
		return nil, nil
	}
	m, err := parseManifest(data)
	if err != nil {
		r.warnf("previous manifest %q ignored: %v", r.o.ManifestName, err)
		return nil, nil
	}
	return m, data
}

func (r *run) readObject(ctx context.Context, name string) ([]byte, error) {
	rd, err := r.dst.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(io.LimitReader(rd, maxManifestSize))
}

// plan decides, file by file, what to write. A hashed name already stored
// with the right size is right (it is named by its content); an original
// name is right when it has the right size and the previous manifest gave
// it the same hashed name.
func (r *run) plan(existing map[string]storage.Entry, prev *Manifest) []*unit {
	var units []*unit
	encs := r.o.Compress.encodings()
	for _, f := range r.files {
		rewritten := f.sum != f.origSum
		e, ok := existing[f.hashed]
		hashedOK := ok && e.Size == f.finalSize
		origOK := r.o.KeepOnlyHashed
		if !origOK {
			e, ok := existing[f.name]
			origOK = ok && e.Size == f.size && prev != nil && prev.hashed[f.name] == f.hashed
		}
		compressible := len(encs) > 0 && f.finalSize > 0 && Compressible(f.name)
		if compressible && max(f.finalSize, f.size) > r.o.MaxMemoryFileSize {
			r.warnf("%s: larger than MaxMemoryFileSize (%d bytes): not compressed", f.name, r.o.MaxMemoryFileSize)
			compressible = false
		}
		var stale []string
		if !origOK {
			for _, enc := range allCodecs {
				if _, ok := existing[f.name+enc.suffix]; ok {
					stale = append(stale, f.name+enc.suffix)
				}
			}
		}
		final := &unit{f: f, hashed: !hashedOK, orig: !rewritten && !origOK, size: f.finalSize, sum: f.sum[:]}
		var orig *unit
		if rewritten && !r.o.KeepOnlyHashed && (!origOK || r.o.Recompress && compressible) {
			orig = &unit{f: f, original: true, orig: !origOK, size: f.size, sum: f.origSum[:]}
		}
		for _, u := range []*unit{final, orig} {
			if u == nil {
				continue
			}
			u.compress = compressible && (u.hashed || u.orig || r.o.Recompress)
			if u.compress {
				u.varHashed = !u.original && (u.hashed || r.o.Recompress)
				// The original name's variants come from the unit holding its bytes.
				u.varOrig = !r.o.KeepOnlyHashed && (u.original || !rewritten) && (u.orig || r.o.Recompress)
			}
			if u.orig {
				u.origStale = stale
			}
			if u.hashed || u.orig || u.compress {
				units = append(units, u)
			}
		}
		if final.hashed || final.orig || final.compress || orig != nil && (orig.orig || orig.compress) {
			continue
		}
		r.res.Unchanged++
	}
	return units
}

// execute writes the units: compression on one worker per core (largest
// contents first, so that the cores stay busy to the end), writes and
// deletes on Concurrency workers.
func (r *run) execute(ctx context.Context, units []*unit) error {
	var cunits, uunits []*unit
	var cbytes, ubytes int64
	for _, u := range units {
		if u.compress {
			cunits = append(cunits, u)
			cbytes += u.size
		} else {
			uunits = append(uunits, u)
		}
		ubytes += u.size
	}
	// Every distinct content is compressed once: units with the same bytes
	// (the same file in two packages) share the variants.
	groups := map[string][]*unit{}
	var firsts []*unit
	for _, u := range cunits {
		k := string(u.sum)
		if groups[k] == nil {
			firsts = append(firsts, u)
		}
		groups[k] = append(groups[k], u)
	}
	sort.SliceStable(firsts, func(i, j int) bool { return firsts[i].size > firsts[j].size })
	r.prog.phase(PhaseCompress, len(cunits), cbytes)
	r.prog.phase(PhaseUpload, len(units), ubytes)

	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan func(context.Context) error)
	send := func(j func(context.Context) error) error {
		select {
		case jobs <- j:
			return nil
		case <-gctx.Done():
			return gctx.Err()
		}
	}
	for range r.o.Concurrency {
		g.Go(func() error {
			for j := range jobs {
				if err := j(gctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var comp *compressor
	if len(cunits) > 0 {
		comp = newCompressor(*r.o.Compress)
	}
	cch := make(chan *unit)
	var producers sync.WaitGroup
	producers.Add(1)
	go func() { // feeds the compression workers
		defer producers.Done()
		defer close(cch)
		for _, u := range firsts {
			select {
			case cch <- u:
			case <-gctx.Done():
				return
			}
		}
	}()
	for range runtime.GOMAXPROCS(0) { // one compression worker per core
		producers.Add(1)
		g.Go(func() error {
			defer producers.Done()
			for u := range cch {
				if err := r.compressUnit(gctx, comp, groups[string(u.sum)], send); err != nil {
					return err
				}
			}
			return nil
		})
	}
	producers.Add(1)
	g.Go(func() error {
		defer producers.Done()
		for _, u := range uunits {
			if err := send(r.uploadJob(u)); err != nil {
				return err
			}
		}
		return nil
	})
	closed := make(chan struct{})
	go func() {
		producers.Wait()
		close(jobs)
		close(closed)
	}()
	err := g.Wait()
	if err != nil {
		for range jobs { // let the closer finish: no goroutine outlives Collect
		}
	}
	<-closed
	return err
}

// read returns the bytes of u, checking that the source did not change
// since it was hashed.
func (r *run) read(u *unit) ([]byte, error) {
	if !u.original {
		return r.content(u.f)
	}
	data, err := r.readSource(u.f)
	if err != nil {
		return nil, err
	}
	return data, r.checkSame(u.f, data)
}

// uploadJob writes a unit that is not compressed.
func (r *run) uploadJob(u *unit) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := r.deleteAll(ctx, u.origStale); err != nil {
			return err
		}
		if u.original || len(u.f.refs) > 0 || u.size <= smallFile {
			data, err := r.read(u)
			if err != nil {
				return err
			}
			if err := r.saveBase(ctx, u, func() io.Reader { return bytes.NewReader(data) }); err != nil {
				return err
			}
		} else if err := r.saveStreamed(ctx, u); err != nil {
			return err
		}
		r.prog.add(PhaseUpload, 1, u.size)
		return nil
	}
}

// saveBase writes the hashed and original names of u from body().
func (r *run) saveBase(ctx context.Context, u *unit, body func() io.Reader) error {
	f := u.f
	ct := ContentType(f.name)
	if u.hashed {
		if err := r.save(ctx, f.hashed, body(), u.size, u.sum, ct, r.o.CacheControl, ""); err != nil {
			return err
		}
	}
	if u.orig {
		if err := r.save(ctx, f.name, body(), u.size, u.sum, ct, r.o.UnhashedCacheControl, ""); err != nil {
			return err
		}
	}
	return nil
}

// saveStreamed writes a large plain file from its source, once per name;
// the storage checks the MD5 hashed at the start before the object becomes
// visible, so a source that changed meanwhile stores nothing.
func (r *run) saveStreamed(ctx context.Context, u *unit) error {
	var srcErr error
	err := r.saveBase(ctx, u, func() io.Reader {
		h, err := r.open(u.f)
		if err != nil {
			srcErr = err
			return errReader{err}
		}
		return &closingReader{f: h}
	})
	if srcErr != nil {
		return srcErr
	}
	return err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// closingReader closes the source at EOF or error.
type closingReader struct {
	f      io.ReadCloser
	closed bool
}

func (c *closingReader) Read(p []byte) (int, error) {
	if c.closed {
		return 0, io.ErrClosedPipe
	}
	n, err := c.f.Read(p)
	if err != nil {
		c.closed = true
		c.f.Close()
	}
	return n, err
}

// compressUnit reads a content once, compresses it, and hands the writes
// of every unit with that content (their names and variants) to the upload
// workers.
func (r *run) compressUnit(ctx context.Context, comp *compressor, group []*unit, send func(func(context.Context) error) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := r.read(group[0])
	if err != nil {
		return err
	}
	vs, err := comp.compress(data)
	if err != nil {
		return fmt.Errorf("staticfiles: compress %q: %w", group[0].f.name, err)
	}
	r.mu.Lock()
	r.res.Compressed++
	r.res.Variants += len(vs)
	r.mu.Unlock()
	for _, u := range group {
		r.prog.add(PhaseCompress, 1, u.size)
		if err := send(r.variantsJob(u, data, vs)); err != nil {
			return err
		}
	}
	return nil
}

// variantsJob writes u's names and their variants vs.
func (r *run) variantsJob(u *unit, data []byte, vs []variant) func(context.Context) error {
	f := u.f
	var deletes []string
	for _, n := range u.origStale { // variants of the original name not rewritten now
		if !slices.ContainsFunc(vs, func(v variant) bool { return f.name+v.enc.suffix == n }) {
			deletes = append(deletes, n)
		}
	}
	return func(ctx context.Context) error {
		if err := r.deleteAll(ctx, deletes); err != nil {
			return err
		}
		if err := r.saveBase(ctx, u, func() io.Reader { return bytes.NewReader(data) }); err != nil {
			return err
		}
		ct := ContentType(f.name)
		for _, v := range vs {
			if u.varHashed {
				if err := r.save(ctx, f.hashed+v.enc.suffix, bytes.NewReader(v.data), int64(len(v.data)), nil,
					ct, r.o.CacheControl, v.enc.name); err != nil {
					return err
				}
			}
			if u.varOrig {
				if err := r.save(ctx, f.name+v.enc.suffix, bytes.NewReader(v.data), int64(len(v.data)), nil,
					ct, r.o.UnhashedCacheControl, v.enc.name); err != nil {
					return err
				}
			}
		}
		r.prog.add(PhaseUpload, 1, u.size)
		return nil
	}
}

func (r *run) deleteAll(ctx context.Context, names []string) error {
	for _, n := range names {
		if err := r.dst.Delete(ctx, n); err != nil {
			return err
		}
		r.mu.Lock()
		r.res.Deleted++
		r.mu.Unlock()
	}
	return nil
}

// save writes one object, replacing any previous one.
func (r *run) save(ctx context.Context, name string, body io.Reader, size int64, sum []byte, ct, cc, enc string) error {
	opts := storage.SaveOptions{ContentType: ct, CacheControl: cc, ContentEncoding: enc,
		Conflict: storage.Overwrite, Size: size, Checksums: storage.Checksums{MD5: sum}}
	if _, err := r.dst.Save(ctx, name, body, opts); err != nil {
		if errors.Is(err, storage.ErrChecksum) {
			return fmt.Errorf("staticfiles: %q changed during the run: %w", name, err)
		}
		return err
	}
	r.mu.Lock()
	r.res.Uploaded++
	r.res.Bytes += size
	r.mu.Unlock()
	return nil
}

// prune removes what only manifests older than the last KeepManifests
// named, with their variants and those manifests' versioned copies.
func (r *run) prune(ctx context.Context, existing map[string]storage.Entry, current *Manifest, currentHash string) error {
	type version struct {
		name string
		e    storage.Entry
	}
	var versions []version
	for name, e := range existing {
		if h, ok := versionOf(r.o.ManifestName, name); ok && h != currentHash {
			versions = append(versions, version{name, e})
		}
	}
	sort.Slice(versions, func(i, j int) bool {
		if !versions[i].e.ModTime.Equal(versions[j].e.ModTime) {
			return versions[i].e.ModTime.After(versions[j].e.ModTime)
		}
		return versions[i].name > versions[j].name
	})
	keepN := r.o.KeepManifests - 1 // the current one counts
	if len(versions) <= keepN {
		return nil
	}
	keep := map[string]bool{}
	addAll := func(m *Manifest) {
		for o, h := range m.Paths() {
			keep[o], keep[h] = true, true
		}
	}
	addAll(current)
	for _, v := range versions[:keepN] {
		data, err := r.readObject(ctx, v.name)
		if err != nil {
			return fmt.Errorf("staticfiles: read old manifest: %w", err)
		}
		m, err := parseManifest(data)
		if err != nil {
			r.warnf("old manifest %q ignored: %v", v.name, err)
			return nil // do not delete what an unreadable manifest may still name
		}
		addAll(m)
	}
	var del []string
	for _, v := range versions[keepN:] {
		data, err := r.readObject(ctx, v.name)
		if err != nil {
			return fmt.Errorf("staticfiles: read old manifest: %w", err)
		}
		if m, err := parseManifest(data); err == nil {
			for o, h := range m.Paths() {
				for _, n := range []string{o, h} {
					if keep[n] {
						continue
					}
					for _, cand := range []string{n, n + codecBrotli.suffix, n + codecGzip.suffix, n + codecZstd.suffix} {
						if _, ok := existing[cand]; ok {
							del = append(del, cand)
							delete(existing, cand)
						}
					}
				}
			}
		}
		del = append(del, v.name)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.o.Concurrency)
	for _, n := range del {
		g.Go(func() error { return r.deleteAll(gctx, []string{n}) })
	}
	return g.Wait()
}

// versionOf reports whether name is a versioned copy of the manifest
// ("staticfiles.<12 hex>.json") and returns its hash.
func versionOf(manifest, name string) (string, bool) {
	root, ext := splitExt(manifest)
	if len(name) != len(root)+1+12+len(ext) || !strings.HasPrefix(name, root+".") || !strings.HasSuffix(name, ext) {
		return "", false
	}
	h := name[len(root)+1 : len(name)-len(ext)]
	if len(h) != 12 {
		return "", false
	}
	if _, err := hex.DecodeString(h); err != nil || strings.ToLower(h) != h {
		return "", false
	}
	return h, true
}
