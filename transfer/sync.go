package transfer

import (
	"bytes"
	"context"
	"iter"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// SyncOptions tune [PlanSync]. The zero value plans the copies only.
type SyncOptions struct {
	// Delete also plans the deletion of destination objects that have no
	// source object.
	Delete bool
}

// Plan is what [Sync] will do, decided by [PlanSync].
type Plan struct {
	// Copy holds the source objects that are new or changed.
	Copy []Item
	// Delete holds the destination names without a source object (only
	// with SyncOptions.Delete).
	Delete []string
	// Unchanged counts the source objects the destination already has.
	Unchanged int
	// Bytes is the sum of the sizes of Copy.
	Bytes int64
}

// PlanSync decides what makes dst under dstPrefix a copy of src under
// srcPrefix, from one recursive listing of each side (no per-object
// request): see [Changed] for the rule, which compares the checksums the
// listings carry when both sides have one in common. Prefixes work as in [Tree].
func PlanSync(ctx context.Context, dst *storage.Storage, dstPrefix string, src *storage.Storage, srcPrefix string, opts SyncOptions) (*Plan, error) {
	plan := &Plan{}
	next, stop := iter.Pull2(dst.List(ctx, dstPrefix, storage.ListOptions{}))
	defer stop()
	var (
		d       storage.Entry
		dRel    string
		dOK     bool
		dstDone bool
	)
	advance := func() error {
		e, err, ok := next()
		if !ok {
			dOK, dstDone = false, true
			return nil
		}
		if err != nil {
			return err
		}
		d, dRel, dOK = e, strings.TrimPrefix(e.Name, dstPrefix), true
		return nil
	}
	if err := advance(); err != nil {
		return nil, err
	}
	for s, err := range src.List(ctx, srcPrefix, storage.ListOptions{}) {
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(s.Name, srcPrefix)
		// Destination objects sorting before rel have no source.
		for dOK && dRel < rel {
			if opts.Delete {
				plan.Delete = append(plan.Delete, d.Name)
			}
			if err := advance(); err != nil {
				return nil, err
			}
		}
		if dOK && dRel == rel {
			if Changed(s, d) {
				plan.add(Item{Src: s.Name, Dst: d.Name, Size: s.Size})
			} else {
				plan.Unchanged++
			}
			if err := advance(); err != nil {
				return nil, err
			}
			continue
		}
		plan.add(Item{Src: s.Name, Dst: dstPrefix + rel, Size: s.Size})
	}
	for !dstDone && dOK {
		if opts.Delete {
			plan.Delete = append(plan.Delete, d.Name)
		}
		if err := advance(); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

func (p *Plan) add(it Item) {
	p.Copy = append(p.Copy, it)
	p.Bytes += it.Size
}

// Changed reports whether the destination entry dst differs from the
// source entry src, from their listings alone:
//
//   - different sizes: changed;
//   - a checksum both listings carry (Entry.Checksums: CRC32C, MD5 or
//     SHA-256, across backends, for example an Azure staged upload's CRC32C
//     against GCS's): changed when one they share differs, unchanged
//     otherwise, whatever the times say;
//   - both ETags are MD5 digests (32 hex digits, as S3 gives for objects
//     not uploaded in parts, for a driver that lists no checksums): changed
//     when they differ;
//   - otherwise: changed when the source was modified after the
//     destination (whole seconds, since some backends list no finer).
func Changed(src, dst storage.Entry) bool {
	if src.Size != dst.Size {
		return true
	}
	if same, ok := sameChecksums(src.Checksums, dst.Checksums); ok {
		return !same
	}
	if a, b := md5ETag(src.ETag), md5ETag(dst.ETag); a != "" && b != "" {
		return a != b
	}
	return src.ModTime.Truncate(time.Second).After(dst.ModTime.Truncate(time.Second))
}

// sameChecksums compares the checksums a and b both have; ok is false when
// they have none in common.
func sameChecksums(a, b storage.Checksums) (same, ok bool) {
	same = true
	for _, p := range [][2][]byte{{a.CRC32C, b.CRC32C}, {a.MD5, b.MD5}, {a.SHA256, b.SHA256}} {
		if p[0] != nil && p[1] != nil {
			ok = true
			same = same && bytes.Equal(p[0], p[1])
		}
	}
	return same, ok
}

// md5ETag returns the ETag in lower case when it is an MD5 digest in hex.
func md5ETag(etag string) string {
	etag = strings.TrimPrefix(etag, "W/")
	etag = strings.Trim(etag, `"`)
	if len(etag) != 32 {
		return ""
	}
	for i := 0; i < len(etag); i++ {
		c := etag[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return ""
		}
	}
	return strings.ToLower(etag)
}

// Sync carries out plan: the copies, then the deletions. The Result counts
// both in Objects.
func Sync(ctx context.Context, dst, src *storage.Storage, plan *Plan, opts Options) Result {
	opts.Move = false
	res := Copy(ctx, dst, src, plan.Copy, opts)
	if len(plan.Delete) > 0 {
		del := Delete(ctx, dst, plan.Delete, opts)
		res.Objects += del.Objects
		res.Errors = append(res.Errors, del.Errors...)
	}
	return res
}
