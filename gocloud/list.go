package gocloud

import (
	"context"
	"strings"

	"gocloud.dev/blob/driver"

	"github.com/go-storages/storage"
)

// defaultPageSize is a page's size when gocloud.dev asks for none.
const defaultPageSize = 1000

// ListPaged lists one page. It lists the storage from the prefix (one
// level for the delimiter "/", else recursively, grouping by the delimiter
// here) after the page token (the last stored name of the previous page,
// as storage.ListOptions.StartAfter) and stops after a full page. A directory entry stands for
// every key under it: the page ends after the last of them, so the next
// page never repeats the directory.
func (d *BucketDriver) ListPaged(ctx context.Context, opts *driver.ListOptions) (*driver.ListPage, error) {
	if opts.BeforeList != nil {
		if err := opts.BeforeList(asNothing); err != nil {
			return nil, err
		}
	}
	size := opts.PageSize
	if size <= 0 {
		size = defaultPageSize
	}
	after := string(opts.PageToken)
	delim := opts.Delimiter
	lo := storage.ListOptions{OneLevel: delim == "/", StartAfter: after, PageSize: min(size+1, defaultPageSize)}

	page := &driver.ListPage{}
	var last string    // stored name of the last entry consumed
	var openDir string // key of the directory entry last emitted ("" none)
	for e, err := range d.st.List(ctx, escapePrefix(opts.Prefix), lo) {
		if err != nil {
			return nil, err
		}
		if after != "" && e.Name <= after {
			continue
		}
		key := unescapeKey(e.Name)
		if !strings.HasPrefix(key, opts.Prefix) {
			continue
		}
		isDir := e.IsDir
		if delim != "" && !isDir {
			if i := strings.Index(key[len(opts.Prefix):], delim); i >= 0 {
				key, isDir = key[:len(opts.Prefix)+i+len(delim)], true
			}
		}
		if isDir && key == openDir {
			// Another key under the directory just emitted.
			last = e.Name
			continue
		}
		if len(page.Objects) == size {
			// A further entry: there is a next page, after last.
			page.NextPageToken = []byte(last)
			return page, nil
		}
		last = e.Name
		if isDir {
			openDir = key
			page.Objects = append(page.Objects, &driver.ListObject{Key: key, IsDir: true})
			continue
		}
		openDir = ""
		ent := e
		page.Objects = append(page.Objects, &driver.ListObject{
			Key: key, ModTime: e.ModTime, Size: e.Size,
			AsFunc: func(i any) bool {
				p, ok := i.(*storage.Entry)
				if ok {
					*p = ent
				}
				return ok
			},
		})
	}
	return page, nil
}
