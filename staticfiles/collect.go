package staticfiles

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-storages/storage"
)

// file is one collected source file.
type srcFile struct {
	name      string // destination name
	src       int    // source index
	rel       string // path inside the source's FS
	size      int64  // source size
	modTime   time.Time
	kind      rewriteKind
	refs      []foundRef // references (CSS/JS read into memory only)
	origSum   [16]byte   // md5 of the source bytes
	sum       [16]byte   // md5 of the final bytes
	finalSize int64
	hash      string // the 12 hex digits in the hashed name
	hashed    string // hashed name
	edits     []edit // the rewrite of the source bytes
	cyclic    bool   // member of a reference cycle
	inMemory  bool   // rewritten (read whole into memory)
}

// foundRef is a reference with where it is and what it resolves to.
type foundRef struct {
	ref
	line, col int
	target    int // index of the target file; -1: left as it is
	same      bool
}

// run is the state of one Collect call.
type run struct {
	dst     *storage.Storage
	sources []Source
	o       Options
	res     *Result
	files   []*srcFile
	byName  map[string]int
	prog    *progress
	mu      sync.Mutex // guards res counters updated by workers
}

// Collect copies the files of sources into dst the way Django's
// collectstatic with ManifestStaticFilesStorage does: each file under its
// hashed name (and its own name unless KeepOnlyHashed), CSS and JS
// references rewritten to the hashed names, and the manifest written last,
// only after every file it names is stored. A run that fails or is
// cancelled never publishes a manifest naming missing files.
//
// When two sources hold the same name the first wins (Result.Shadowed
// lists the others). Names the storage would refuse, and references to
// missing files (unless Lenient), are reported all at once before anything
// is written.
//
// A rerun decides what to write from one listing of dst and the previous
// manifest: a hashed name already stored is right (its name is its
// content), so an unchanged tree writes nothing. See [Options] for
// compression, concurrency, dry runs and removal of old files.
//
// Hashes. Every file's hash is the MD5 of its final content, as Django's,
// with one exception Django cannot handle at all (it fails with "Max
// post-process passes exceeded"): files in a reference cycle (a.css imports
// b.css which imports a.css). Their names cannot all be hashes of their own
// final content, which contains the others' names. Each strongly connected
// component of the reference graph is hashed as a whole instead: H = MD5
// over its members in name order (name, NUL, length, content with the
// references leaving the cycle already rewritten); a member's hash is the
// first 12 hex digits of MD5(H, name). Any change to any member changes
// every member's name, so cache busting holds, and the result is
// deterministic.
func Collect(ctx context.Context, dst *storage.Storage, sources []Source, opts Options) (*Result, error) {
	start := time.Now()
	r := &run{dst: dst, sources: sources, o: opts.defaults(dst), res: &Result{}}
	r.prog = &progress{fn: r.o.Progress}
	if r.o.ManifestVersion != ManifestVersion10 && r.o.ManifestVersion != ManifestVersion11 {
		return nil, &storage.Error{Op: "collect", Kind: storage.ErrInvalidArgument,
			Err: fmt.Errorf("unknown manifest version %q", r.o.ManifestVersion)}
	}
	if err := r.o.checkNoPostProcess(); err != nil {
		return nil, err
	}
	for i, src := range sources {
		if src.FS == nil {
			return nil, &storage.Error{Op: "collect", Kind: storage.ErrInvalidArgument,
				Err: fmt.Errorf("source %d has no FS", i)}
		}
	}
	if err := r.scan(ctx); err != nil {
		return nil, err
	}
	if r.o.NoPostProcess {
		return r.collectAsIs(ctx, start)
	}
	// The one listing of the destination (and the previous manifest) is
	// read while the sources are hashed.
	lctx, cancel := context.WithCancel(ctx)
	listed := make(chan destState, 1)
	go func() { listed <- r.destination(lctx) }()
	defer func() { cancel(); <-listed }()
	if err := r.hash(ctx); err != nil {
		return nil, err
	}
	if err := r.resolve(); err != nil {
		return nil, err
	}
	if err := r.rewrite(ctx); err != nil {
		return nil, err
	}
	m := newManifest(r.o.ManifestVersion)
	order := slices.Clone(r.files)
	sort.SliceStable(order, func(i, j int) bool { // Django: deepest first, in listing order
		return strings.Count(order[i].name, "/") > strings.Count(order[j].name, "/")
	})
	for _, f := range order {
		m.add(f.name, f.hashed)
	}
	m.finish()
	m.st = dst
	r.res.Manifest = m
	dest := <-listed
	listed <- dest // for the deferred receive
	if dest.err != nil {
		return nil, dest.err
	}
	if err := r.upload(ctx, m, dest); err != nil {
		return nil, err
	}
	r.res.Duration = time.Since(start)
	r.prog.phase(PhaseDone, len(r.files), r.res.SourceBytes)
	return r.res, nil
}

func (r *run) warnf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Warnings = append(r.res.Warnings, fmt.Sprintf(format, args...))
}

// scan lists the sources, applies shadowing and validates every name that
// will be written.
func (r *run) scan(ctx context.Context) error {
	r.prog.phase(PhaseScan, 0, 0)
	r.byName = map[string]int{}
	owner := map[string]int{}
	for si, src := range r.sources {
		prefix := strings.Trim(src.Prefix, "/")
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if p != "." && r.ignored(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if info, err = fs.Stat(src.FS, p); err != nil {
					return err
				}
			}
			if !info.Mode().IsRegular() {
				r.warnf("%s: not a regular file, skipped", p)
				return nil
			}
			name := p
			if prefix != "" {
				name = prefix + "/" + p
			}
			if by, dup := owner[name]; dup {
				r.res.Shadowed = append(r.res.Shadowed, Shadowed{Name: name, Source: si, By: by})
				return nil
			}
			owner[name] = si
			r.byName[name] = len(r.files)
			r.files = append(r.files, &srcFile{name: name, src: si, rel: p, size: info.Size(), modTime: info.ModTime(), kind: kindOf(name)})
			r.res.SourceBytes += info.Size()
			r.prog.add(PhaseScan, 1, info.Size())
			return nil
		})
		if err != nil {
			return fmt.Errorf("staticfiles: scan source %d: %w", si, err)
		}
	}
	r.res.Collected = len(r.files)
	return r.validateNames()
}

func (r *run) ignored(base string) bool {
	for _, pat := range r.o.Ignore {
		if ok, _ := path.Match(pat, base); ok {
			return true
		}
	}
	return false
}

// validateNames checks every name a run may write, all at once.
func (r *run) validateNames() error {
	var bad []NameError
	check := func(n string) bool {
		if err := storage.ValidateName(n); err != nil {
			bad = append(bad, NameError{Name: n, Err: err})
			return false
		}
		return true
	}
	encs := r.o.Compress.encodings()
	for _, f := range r.files {
		if r.o.NoPostProcess {
			check(f.name) // no other name is written, and no manifest
			continue
		}
		if _, isVersion := versionOf(r.o.ManifestName, f.name); f.name == r.o.ManifestName || isVersion {
			bad = append(bad, NameError{Name: f.name, Err: errors.New("reserved for the manifest")})
			continue
		}
		h := hashedName(f.name, "000000000000")
		if !check(f.name) || !check(h) {
			continue
		}
		if Compressible(f.name) {
			for _, e := range encs {
				if check(h+e.suffix) && !r.o.KeepOnlyHashed {
					check(f.name + e.suffix)
				}
			}
		}
	}
	if len(bad) > 0 {
		return &NamesError{Names: bad}
	}
	return nil
}

// workers is the number of goroutines for local CPU and file work.
func workers() int { return max(2, runtime.GOMAXPROCS(0)) }

// hash reads every file once: plain files are hashed as streams; CSS and JS
// files are read whole to find their references.
func (r *run) hash(ctx context.Context) error {
	r.prog.phase(PhaseHash, len(r.files), r.res.SourceBytes)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2 * workers())
	for _, f := range r.files {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			var err error
			if f.kind != kindPlain && f.size <= r.o.MaxMemoryFileSize {
				err = r.scanRefs(f)
			} else {
				if f.kind != kindPlain {
					r.warnf("%s: larger than MaxMemoryFileSize (%d bytes): references not rewritten", f.name, r.o.MaxMemoryFileSize)
					f.kind = kindPlain
				}
				err = r.hashStream(f)
			}
			r.prog.add(PhaseHash, 1, f.size)
			return err
		})
	}
	return g.Wait()
}

func (r *run) open(f *srcFile) (fs.File, error) {
	h, err := r.sources[f.src].FS.Open(f.rel)
	if err != nil {
		return nil, fmt.Errorf("staticfiles: source of %q: %w", f.name, err)
	}
	return h, nil
}

func (r *run) hashStream(f *srcFile) error {
	h, err := r.open(f)
	if err != nil {
		return err
	}
	defer h.Close()
	md := md5.New()
	n, err := io.Copy(md, h)
	if err != nil {
		return fmt.Errorf("staticfiles: read %q: %w", f.name, err)
	}
	md.Sum(f.sum[:0])
	f.origSum, f.finalSize, f.size = f.sum, n, n
	f.hash = hex.EncodeToString(f.sum[:])[:12]
	f.hashed = hashedName(f.name, f.hash)
	return nil
}

// readSource reads f's source whole (up to the memory cap) and checks it
// is still the content hashed at the start of the run.
func (r *run) readSource(f *srcFile) ([]byte, error) {
	h, err := r.open(f)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	data, err := io.ReadAll(io.LimitReader(h, r.o.MaxMemoryFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("staticfiles: read %q: %w", f.name, err)
	}
	if int64(len(data)) > r.o.MaxMemoryFileSize && f.inMemory {
		return nil, fmt.Errorf("staticfiles: %q changed during the run", f.name)
	}
	return data, nil
}

func (r *run) checkSame(f *srcFile, data []byte) error {
	if md5.Sum(data) != f.origSum {
		return fmt.Errorf("staticfiles: %q changed during the run: %w", f.name, storage.ErrChecksum)
	}
	return nil
}

func (r *run) scanRefs(f *srcFile) error {
	f.inMemory = true
	data, err := r.readSource(f)
	if err != nil {
		return err
	}
	f.origSum = md5.Sum(data)
	f.size = int64(len(data))
	refs := findRefs(f.kind, data, r.o.JSModules)
	if len(refs) == 0 {
		// Nothing to rewrite: the file is its own final content.
		f.sum, f.finalSize = f.origSum, f.size
		f.hash = hex.EncodeToString(f.sum[:])[:12]
		f.hashed = hashedName(f.name, f.hash)
		f.kind = kindPlain
		return nil
	}
	f.refs = make([]foundRef, len(refs))
	line, ls, last := 1, 0, 0
	for i, rf := range refs {
		for j := last; j < rf.start; j++ {
			if data[j] == '\n' {
				line, ls = line+1, j+1
			}
		}
		last = rf.start
		f.refs[i] = foundRef{ref: rf, line: line, col: 1 + len([]rune(string(data[ls:rf.start]))), target: -1}
	}
	return nil
}

// resolve finds the target of every reference; missing targets are all
// reported at once (or as warnings when Lenient).
func (r *run) resolve() error {
	var missing []MissingReference
	for _, f := range r.files {
		for i := range f.refs {
			fr := &f.refs[i]
			u := fr.url
			if isScheme(u) || strings.HasPrefix(u, "/") && !strings.HasPrefix(u, r.o.StaticURL) {
				continue
			}
			p, _ := splitRef(u)
			if strings.TrimSpace(p) == "" {
				continue // fragment only
			}
			if strings.HasSuffix(p, "/") {
				fr.same = true // a directory: written back as it is (Django's template form)
				continue
			}
			dec, err := url.PathUnescape(p)
			if err != nil {
				dec = p
			}
			dec = strings.TrimSpace(dec)
			var target string
			if strings.HasPrefix(dec, "/") {
				target = path.Clean(strings.TrimPrefix(dec, r.o.StaticURL))
			} else {
				target = path.Join(path.Dir(f.name), dec)
			}
			idx, ok := r.byName[target]
			if !ok || target == ".." || strings.HasPrefix(target, "../") {
				missing = append(missing, MissingReference{File: f.name, Line: fr.line, Col: fr.col, Ref: u, Target: target})
				continue
			}
			fr.target = idx
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if r.o.Lenient {
		for _, m := range missing {
			r.res.Warnings = append(r.res.Warnings, m.String()+" (left unchanged)")
		}
		return nil
	}
	return &ReferenceError{Missing: missing}
}

// newURL is the rewritten form of reference fr whose target has hash h.
func newURL(fr *foundRef, target *srcFile, h string) string {
	p, tail := splitRef(fr.url)
	i := strings.LastIndexByte(p, '/')
	return p[:i+1] + hashedSegment(p[i+1:], path.Base(target.name), h) + tail
}

// edits returns the rewrite of f, with hashOf giving each target's hash.
func (r *run) edits(f *srcFile, hashOf func(t *srcFile) (string, bool)) []edit {
	var out []edit
	for i := range f.refs {
		fr := &f.refs[i]
		switch {
		case fr.same:
			out = append(out, edit{fr.start, fr.end, fr.render(fr.url)})
		case fr.target >= 0:
			t := r.files[fr.target]
			if h, ok := hashOf(t); ok {
				out = append(out, edit{fr.start, fr.end, fr.render(newURL(fr, t, h))})
			}
		}
	}
	return out
}

// rewrite processes the files with references in dependency order (the
// strongly connected components of the reference graph, targets first).
func (r *run) rewrite(ctx context.Context) error {
	var nodes []int
	for i, f := range r.files {
		if len(f.refs) > 0 {
			nodes = append(nodes, i)
		}
	}
	r.prog.phase(PhaseRewrite, len(nodes), 0)
	known := func(t *srcFile) (string, bool) { return t.hash, t.hash != "" }
	// Components of one level reference only lower levels: each level is
	// done in parallel.
	comps := r.components(nodes)
	compOf := map[int]int{}
	for c, scc := range comps {
		for _, v := range scc {
			compOf[v] = c
		}
	}
	level := make([]int, len(comps))
	var levels [][][]int
	for c, scc := range comps {
		for _, v := range scc {
			for _, fr := range r.files[v].refs {
				if d, ok := compOf[fr.target]; ok && fr.target >= 0 && d != c {
					level[c] = max(level[c], level[d]+1)
				}
			}
		}
		for len(levels) <= level[c] {
			levels = append(levels, nil)
		}
		levels[level[c]] = append(levels[level[c]], scc)
	}
	for _, lv := range levels {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers())
		for _, scc := range lv {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				if len(scc) == 1 && !r.selfRef(scc[0]) {
					return r.rewriteOne(r.files[scc[0]], known)
				}
				return r.rewriteCycle(scc, known)
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// rewriteOne rewrites a file outside any cycle: its targets are done.
func (r *run) rewriteOne(f *srcFile, known func(*srcFile) (string, bool)) error {
	data, err := r.readSource(f)
	if err != nil {
		return err
	}
	if err := r.checkSame(f, data); err != nil {
		return err
	}
	f.edits = r.edits(f, known)
	out := applyEdits(data, f.edits)
	f.sum, f.finalSize = md5.Sum(out), int64(len(out))
	f.hash = hex.EncodeToString(f.sum[:])[:12]
	f.hashed = hashedName(f.name, f.hash)
	r.prog.add(PhaseRewrite, 1, f.size)
	return nil
}

func (r *run) selfRef(i int) bool {
	for _, fr := range r.files[i].refs {
		if fr.target == i {
			return true
		}
	}
	return false
}

// rewriteCycle hashes a strongly connected component as a whole (see
// Collect).
func (r *run) rewriteCycle(scc []int, known func(*srcFile) (string, bool)) error {
	members := make([]*srcFile, len(scc))
	in := map[*srcFile]bool{}
	for i, idx := range scc {
		members[i] = r.files[idx]
		in[members[i]] = true
	}
	sort.Slice(members, func(i, j int) bool { return members[i].name < members[j].name })
	data := make([][]byte, len(members))
	joint := md5.New()
	outside := func(t *srcFile) (string, bool) {
		if in[t] {
			return "", false
		}
		return known(t)
	}
	names := make([]string, len(members))
	for i, f := range members {
		d, err := r.readSource(f)
		if err != nil {
			return err
		}
		if err := r.checkSame(f, d); err != nil {
			return err
		}
		data[i] = d
		partial := applyEdits(d, r.edits(f, outside))
		fmt.Fprintf(joint, "%s\x00%d\x00", f.name, len(partial))
		joint.Write(partial)
		names[i] = f.name
	}
	h := joint.Sum(nil)
	for _, f := range members {
		s := md5.Sum(append(slices.Clone(h), f.name...))
		f.hash = hex.EncodeToString(s[:])[:12]
		f.hashed = hashedName(f.name, f.hash)
		f.cyclic = true
	}
	for i, f := range members {
		f.edits = r.edits(f, known)
		out := applyEdits(data[i], f.edits)
		f.sum, f.finalSize = md5.Sum(out), int64(len(out))
		r.prog.add(PhaseRewrite, 1, f.size)
	}
	r.warnf("reference cycle between %s: hashed together (see Collect)", strings.Join(names, ", "))
	return nil
}

// components returns the strongly connected components of the reference
// graph among nodes (Tarjan), each after every component it references.
func (r *run) components(nodes []int) [][]int {
	index := map[int]int{}
	low := map[int]int{}
	on := map[int]bool{}
	var stack []int
	var out [][]int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, fr := range r.files[v].refs {
			w := fr.target
			if w < 0 || len(r.files[w].refs) == 0 {
				continue
			}
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			out = append(out, c)
		}
	}
	for _, v := range nodes {
		if _, seen := index[v]; !seen {
			visit(v)
		}
	}
	return out
}

// content returns f's final bytes, checking that the source did not change
// since it was hashed.
func (r *run) content(f *srcFile) ([]byte, error) {
	data, err := r.readSource(f)
	if err != nil {
		return nil, err
	}
	if len(f.refs) > 0 {
		if err := r.checkSame(f, data); err != nil {
			return nil, err
		}
		data = applyEdits(data, f.edits)
	}
	if md5.Sum(data) != f.sum {
		return nil, fmt.Errorf("staticfiles: %q changed during the run: %w", f.name, storage.ErrChecksum)
	}
	return data, nil
}

// progress serializes calls of the Progress callback. Each phase keeps
// its own counts, since compression and uploads overlap.
type progress struct {
	fn  func(Progress)
	mu  sync.Mutex
	cur map[Phase]*Progress
}

func (p *progress) phase(ph Phase, files int, bytes int64) {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil {
		p.cur = map[Phase]*Progress{}
	}
	p.cur[ph] = &Progress{Phase: ph, FilesTotal: files, BytesTotal: bytes}
	p.fn(*p.cur[ph])
}

func (p *progress) add(ph Phase, files int, bytes int64) {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cur[ph]
	if c == nil {
		return
	}
	c.FilesDone += files
	c.BytesDone += bytes
	p.fn(*c)
}
