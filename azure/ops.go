package azure

import (
	"context"
	"iter"
	"slices"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/go-storages/storage"
)

// Stat implements storage.Driver with one Get Blob Properties.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	p, err := d.cont.NewBlobClient(name).GetProperties(ctx, nil)
	if err != nil {
		return nil, err
	}
	a := &storage.Attributes{
		ContentType:        deref(p.ContentType),
		CacheControl:       deref(p.CacheControl),
		ContentDisposition: deref(p.ContentDisposition),
		ContentEncoding:    deref(p.ContentEncoding),
		ContentLanguage:    deref(p.ContentLanguage),
		ETag:               etag(p.ETag),
		ModTime:            modTime(p.LastModified),
	}
	a.Metadata = decodeMetadata(p.Metadata, &a.Checksums.CRC32C)
	if p.ContentLength != nil {
		a.Size = *p.ContentLength
	}
	if len(p.ContentMD5) == 16 {
		a.Checksums.MD5 = p.ContentMD5
	}
	return a, nil
}

// Delete implements storage.Driver; the blob's snapshots go with it.
func (d *Driver) Delete(ctx context.Context, name string) error {
	_, err := d.cont.NewBlobClient(name).Delete(ctx, &blob.DeleteOptions{DeleteSnapshots: to.Ptr(blob.DeleteSnapshotsOptionTypeInclude)})
	if isNotFound(err) {
		return nil
	}
	return err
}

// List implements storage.Driver. Azurite lists in UTF-16 order, where names
// with characters above U+FFFF sort before those with U+E000-U+FFFF at the
// same place; storage.Driver.List promises byte order. Each page (blobs, and
// with OneLevel the directories, which the service returns apart) is put in
// UTF-16 order and pushed through [byteOrder], which yields byte order while
// streaming, holding back only names with characters above U+FFFF where
// they would sort wrongly (see byteOrder for the bound). This is right
// whether the service lists in UTF-16 or in byte order.
//
// Azure has no start-after parameter (its continuation marker is opaque):
// a listing with opts.StartAfter runs from the prefix, and the storage skips
// the entries up to StartAfter in this process. opts.PageSize is
// MaxResults. Entries carry Content-MD5 (single-request uploads) and the
// CRC32C this driver stores with staged uploads, as Stat does.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		var (
			order byteOrder
			page  []storage.Entry
		)
		var next pages
		if opts.OneLevel {
			next = d.levelPages(prefix, opts)
		} else {
			next = d.flatPages(prefix, opts)
		}
		for {
			var (
				ok  bool
				err error
			)
			page, ok, err = next(ctx, page[:0])
			if err != nil {
				yield(storage.Entry{}, err)
				return
			}
			if !ok {
				order.flush(yield)
				return
			}
			slices.SortFunc(page, func(a, b storage.Entry) int { return utf16Compare(a.Name, b.Name) })
			for _, e := range page {
				if !order.push(e, yield) {
					return
				}
			}
		}
	}
}

// pages returns the entries of the next page appended to buf, and false
// after the last page.
type pages func(ctx context.Context, buf []storage.Entry) ([]storage.Entry, bool, error)

// maxResults is opts.PageSize for the service (nil: its default, 5000).
func maxResults(opts storage.ListOptions) *int32 {
	if opts.PageSize <= 0 {
		return nil
	}
	return to.Ptr(int32(min(opts.PageSize, 5000)))
}

// The listings include metadata, where this driver keeps the CRC32C of
// staged uploads (see Config.DisableChecksums).
func (d *Driver) flatPages(prefix string, opts storage.ListOptions) pages {
	pager := d.cont.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{Prefix: &prefix,
		MaxResults: maxResults(opts), Include: container.ListBlobsInclude{Metadata: true}})
	return func(ctx context.Context, buf []storage.Entry) ([]storage.Entry, bool, error) {
		if !pager.More() {
			return buf, false, nil
		}
		page, err := pager.NextPage(ctx)
		if err != nil {
			return buf, false, err
		}
		for _, it := range page.Segment.BlobItems {
			buf = append(buf, entry(it))
		}
		return buf, true, nil
	}
}

func (d *Driver) levelPages(prefix string, opts storage.ListOptions) pages {
	pager := d.cont.NewListBlobsHierarchyPager("/", &container.ListBlobsHierarchyOptions{Prefix: &prefix,
		MaxResults: maxResults(opts), Include: container.ListBlobsInclude{Metadata: true}})
	return func(ctx context.Context, buf []storage.Entry) ([]storage.Entry, bool, error) {
		if !pager.More() {
			return buf, false, nil
		}
		page, err := pager.NextPage(ctx)
		if err != nil {
			return buf, false, err
		}
		for _, it := range page.Segment.BlobItems {
			buf = append(buf, entry(it))
		}
		for _, p := range page.Segment.BlobPrefixes {
			buf = append(buf, storage.Entry{Name: deref(p.Name), IsDir: true})
		}
		return buf, true, nil
	}
}

func entry(it *container.BlobItem) storage.Entry {
	e := storage.Entry{Name: deref(it.Name)}
	if p := it.Properties; p != nil {
		if p.ContentLength != nil {
			e.Size = *p.ContentLength
		}
		e.ModTime = modTime(p.LastModified)
		e.ETag = etag(p.ETag)
		if len(p.ContentMD5) == 16 {
			e.Checksums.MD5 = p.ContentMD5
		}
	}
	decodeMetadata(it.Metadata, &e.Checksums.CRC32C)
	return e
}
