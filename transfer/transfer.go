// Package transfer copies, moves and synchronises trees of objects between
// two storages of any drivers: a local directory to a bucket, a bucket to
// another cloud, one prefix to another inside a bucket. It is the library
// behind the storages command's cp, mv and sync, usable from any program.
//
//	items, err := transfer.Tree(ctx, src, "site/", "static/") // one recursive listing
//	res := transfer.Copy(ctx, dst, src, items, transfer.Options{Concurrency: 8})
//
//	plan, err := transfer.PlanSync(ctx, dst, "static/", src, "site/", transfer.SyncOptions{Delete: true})
//	res = transfer.Sync(ctx, dst, src, plan, transfer.Options{})
//
// Every object streams from the source's Open into the destination's Save
// (never whole in memory), so memory is bounded by Concurrency times the
// drivers' upload buffers. When source and destination are the same
// *storage.Storage, the copy runs inside the backend (Storage.Copy). The
// saved object keeps the source's content type, HTTP headers and user
// metadata, and the checksums the source reports are verified before the
// copy becomes visible. A failed item does not stop the others; each
// failure is reported in Result.Errors.
package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-storages/storage"
)

// Item is one object to copy: its name in the source storage, its name in
// the destination storage and its size in bytes (-1 when unknown).
type Item struct {
	Src  string
	Dst  string
	Size int64
}

// Progress is told about the bytes and objects a transfer moves. Its
// methods are called from several goroutines at once.
type Progress interface {
	// Bytes reports n more bytes read from the source.
	Bytes(n int64)
	// Done reports that an item finished; err is nil on success.
	Done(it Item, err error)
}

// Options tune [Copy], [Sync] and [Delete]. The zero value copies four
// objects at a time, reports no progress and keeps the sources.
type Options struct {
	// Concurrency is how many objects are in flight at once; zero means 4.
	Concurrency int
	// Progress, when set, is told about bytes and finished items.
	Progress Progress
	// Move deletes each source object once its copy succeeded.
	Move bool
	// Plain saves only the bytes, with the content type the destination
	// name's extension gives (application/octet-stream without one) and no
	// other header or metadata: for a destination that is a plain directory
	// of files, where a filesystem storage then stores nothing beside the
	// bytes (no extended attribute, no sidecar).
	Plain bool
}

func (o Options) workers() int {
	if o.Concurrency <= 0 {
		return 4
	}
	return o.Concurrency
}

// Result sums up a transfer.
type Result struct {
	// Objects is the number of items copied (or deleted, for [Delete]).
	Objects int
	// Bytes is the number of bytes copied.
	Bytes int64
	// Errors holds one *ItemError per failed item, in no particular order.
	Errors []error
}

// Err returns the errors of r joined, or nil.
func (r Result) Err() error { return errors.Join(r.Errors...) }

// ItemError is the failure of one item.
type ItemError struct {
	Op   string // "copy", "move" or "delete"
	Item Item
	Err  error
}

func (e *ItemError) Error() string {
	if e.Op == "delete" {
		return fmt.Sprintf("delete %q: %v", e.Item.Dst, e.Err)
	}
	return fmt.Sprintf("%s %q to %q: %v", e.Op, e.Item.Src, e.Item.Dst, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// Tree lists src recursively under srcPrefix, once, and returns an item per
// object mapping srcPrefix+rest to dstPrefix+rest. A non-empty prefix
// should end in "/" to address a directory ("a/" does not match "ab").
func Tree(ctx context.Context, src *storage.Storage, srcPrefix, dstPrefix string) ([]Item, error) {
	var items []Item
	for e, err := range src.List(ctx, srcPrefix, storage.ListOptions{}) {
		if err != nil {
			return nil, err
		}
		items = append(items, Item{Src: e.Name, Dst: dstPrefix + strings.TrimPrefix(e.Name, srcPrefix), Size: e.Size})
	}
	return items, nil
}

// Copy copies every item from src to dst, replacing existing objects, with
// at most opts.Concurrency in flight. Copying an object onto itself (same
// storage, same name) is an error for that item.
func Copy(ctx context.Context, dst, src *storage.Storage, items []Item, opts Options) Result {
	var (
		mu  sync.Mutex
		res Result
	)
	op := "copy"
	if opts.Move {
		op = "move"
	}
	run(len(items), opts.workers(), func(i int) {
		it := items[i]
		n, err := copyItem(ctx, dst, src, it, opts.Progress, opts.Plain)
		if err == nil && opts.Move {
			err = src.Delete(ctx, it.Src)
		}
		if opts.Progress != nil {
			opts.Progress.Done(it, err)
		}
		mu.Lock()
		defer mu.Unlock()
		res.Bytes += n
		if err != nil {
			res.Errors = append(res.Errors, &ItemError{Op: op, Item: it, Err: err})
			return
		}
		res.Objects++
	})
	return res
}

// Delete deletes names from st, at most opts.Concurrency at a time. Each
// name is reported to opts.Progress as an Item with Dst set.
func Delete(ctx context.Context, st *storage.Storage, names []string, opts Options) Result {
	var (
		mu  sync.Mutex
		res Result
	)
	run(len(names), opts.workers(), func(i int) {
		it := Item{Dst: names[i], Size: -1}
		err := st.Delete(ctx, names[i])
		if opts.Progress != nil {
			opts.Progress.Done(it, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			res.Errors = append(res.Errors, &ItemError{Op: "delete", Item: it, Err: err})
			return
		}
		res.Objects++
	})
	return res
}

// run calls fn(i) for i in [0, n) on at most workers goroutines. Once the
// context is cancelled the remaining items still run and fail fast, so each
// is reported.
func run(n, workers int, fn func(i int)) {
	if workers > n {
		workers = n
	}
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// CopyObject copies one object from src to dst (replacing it) and returns
// the bytes moved; see the package documentation for what is kept. p may be
// nil.
func CopyObject(ctx context.Context, dst *storage.Storage, dstName string, src *storage.Storage, srcName string, p Progress) (int64, error) {
	return copyItem(ctx, dst, src, Item{Src: srcName, Dst: dstName, Size: -1}, p, false)
}

func copyItem(ctx context.Context, dst, src *storage.Storage, it Item, p Progress, plain bool) (int64, error) {
	if dst == src {
		if it.Src == it.Dst {
			return 0, &storage.Error{Op: "copy", Name: it.Src, Kind: storage.ErrInvalidArgument, Err: errors.New("source and destination are the same object")}
		}
		if _, err := src.Copy(ctx, it.Dst, it.Src, storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
			return 0, err
		}
		a, err := dst.Stat(ctx, it.Dst)
		if err != nil {
			return 0, err
		}
		if p != nil {
			p.Bytes(a.Size)
		}
		return a.Size, nil
	}
	r, err := src.Open(ctx, it.Src)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	a := r.Attributes()
	cr := &countingReader{r: r, p: p}
	if plain {
		ct := storage.TypeByExtension(it.Dst)
		if ct == "" {
			ct = "application/octet-stream"
		}
		_, err = dst.Save(ctx, it.Dst, cr, storage.SaveOptions{
			ContentType: ct,
			Checksums:   storage.Checksums{MD5: a.Checksums.MD5, CRC32C: a.Checksums.CRC32C},
			Conflict:    storage.Overwrite,
			Size:        a.Size,
		})
		return cr.n, err
	}
	_, err = dst.Save(ctx, it.Dst, cr, storage.SaveOptions{
		ContentType:        a.ContentType,
		CacheControl:       a.CacheControl,
		ContentDisposition: a.ContentDisposition,
		ContentEncoding:    a.ContentEncoding,
		ContentLanguage:    a.ContentLanguage,
		Metadata:           metadataFor(dst, a),
		Checksums:          storage.Checksums{MD5: a.Checksums.MD5, CRC32C: a.Checksums.CRC32C},
		Conflict:           storage.Overwrite,
		Size:               a.Size,
	})
	return cr.n, err
}

// metadataFor keeps user metadata only where the destination stores it.
func metadataFor(dst *storage.Storage, a *storage.Attributes) map[string]string {
	if !dst.Capabilities().Metadata {
		return nil
	}
	return a.Metadata
}

type countingReader struct {
	r io.Reader
	p Progress
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.n += int64(n)
		if c.p != nil {
			c.p.Bytes(int64(n))
		}
	}
	return n, err
}
