package gcs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	gcs "cloud.google.com/go/storage"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver; the body is the SDK's reader of the
// response, and the attributes carry the generation (Attributes.Version)
// that the portable reader pins its later reads to (seeks, ReadAt, parallel
// parts, resumes) through req.Version: such a read opens that generation,
// and fails with storage.ErrChanged once it is gone.
//
// Reading a whole object (offset 0, length < 0, as Storage.Open does) sends
// the metadata request (for the full attributes) and the download request
// concurrently, and checks that both saw the same generation. A ranged read
// opens the range and takes the attributes its response carries (size,
// type, encoding, cache control, metadata, CRC32C, generation), with no
// metadata request.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	gen, _ := strconv.ParseInt(req.Version, 10, 64)
	if req.Offset == 0 && req.Length < 0 && gen <= 0 {
		return d.readObject(ctx, name)
	}
	o := d.object(name)
	if gen > 0 {
		o = o.Generation(gen)
	}
	r, err := o.NewRangeReader(ctx, req.Offset, req.Length)
	if err != nil {
		if gen > 0 {
			return nil, nil, pinnedError(err)
		}
		return nil, nil, d.notFound(ctx, err)
	}
	return body{r}, readerAttributes(r), nil
}

// body is the SDK's reader of one generation. The SDK reopens a broken
// stream itself, pinned to that generation: an object that is missing
// then was replaced or deleted meanwhile, which is storage.ErrChanged.
type body struct{ r *gcs.Reader }

func (b body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	return n, pinnedError(err)
}

func (b body) WriteTo(w io.Writer) (int64, error) {
	n, err := b.r.WriteTo(w)
	return n, pinnedError(err)
}

func (b body) Close() error { return b.r.Close() }

// pinnedError is the error of a read of a known generation: a missing
// object means that generation is gone.
func pinnedError(err error) error {
	if errors.Is(err, gcs.ErrObjectNotExist) {
		return fmt.Errorf("%w: %w", storage.ErrChanged, err)
	}
	return err
}

// readObject opens the whole object and its attributes, of one generation.
func (d *Driver) readObject(ctx context.Context, name string) (io.ReadCloser, *storage.Attributes, error) {
	for attempt := 1; ; attempt++ {
		var (
			a    *gcs.ObjectAttrs
			aerr error
			wg   sync.WaitGroup
		)
		wg.Go(func() { a, aerr = d.object(name).Attrs(ctx) })
		r, rerr := d.object(name).NewRangeReader(ctx, 0, -1)
		wg.Wait()
		if aerr != nil || rerr != nil {
			if rerr == nil {
				r.Close()
			}
			return nil, nil, d.notFound(ctx, cmp.Or(aerr, rerr))
		}
		if r.Attrs.Generation != a.Generation {
			// Replaced between the two requests: describe the generation
			// the open stream reads, or start again if it is gone already.
			a, aerr = d.object(name).Generation(r.Attrs.Generation).Attrs(ctx)
			if aerr != nil {
				r.Close()
				if errors.Is(aerr, gcs.ErrObjectNotExist) {
					if attempt < 5 {
						continue
					}
					// Replaced again and again while opening: it exists,
					// so this is not ErrNotExist.
					return nil, nil, fmt.Errorf("%w: %w", storage.ErrChanged, aerr)
				}
				return nil, nil, aerr
			}
		}
		return body{r}, attributes(a), nil
	}
}

// readerAttributes are the attributes a ranged read's response carries.
func readerAttributes(r *gcs.Reader) *storage.Attributes {
	a := r.Attrs
	return &storage.Attributes{
		Size:            a.Size,
		ModTime:         a.LastModified.UTC(),
		ContentType:     a.ContentType,
		CacheControl:    a.CacheControl,
		ContentEncoding: a.ContentEncoding,
		Metadata:        lowerKeys(r.Metadata()),
		Checksums:       storage.Checksums{CRC32C: crcBytes(a.CRC32C)},
		Version:         generation(a.Generation),
	}
}

// generation is the Attributes.Version of a generation number.
func generation(g int64) string {
	if g <= 0 {
		return ""
	}
	return strconv.FormatInt(g, 10)
}
