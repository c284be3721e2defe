package filesystem

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

// CleanTemp removes what crashed writes left behind: temporary files older
// than olderThan anywhere under the root, and sidecars older than olderThan
// that no object uses: their object no longer exists, was replaced without
// its sidecar (by another process, or by hand), or keeps its metadata in
// its extended attribute (a sidecar of an earlier version). Directories left
// empty are removed. It
// returns how many files it removed. Writes in progress are safe as long as
// olderThan exceeds the longest write (a temporary file's age is the time
// since its last write). It is never called automatically.
func (d *Driver) CleanTemp(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	err := fs.WalkDir(d.root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		if !strings.HasPrefix(e.Name(), tmpPrefix) && !strings.HasPrefix(p, metaDir+"/") {
			return nil
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			return nil
		}
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := d.root.Remove(p); err == nil {
				removed++
				d.prune(path.Dir(p), ".")
			}
			return nil
		}
		if d.removeUselessMeta(p) {
			removed++
			d.prune(path.Dir(p), ".")
		}
		return nil
	})
	return removed, err
}

// removeUselessMeta removes the sidecar at p when it is of no use: its
// object does not exist, the sidecar does not match the data file (stale:
// the object was replaced without it), or the object keeps its metadata in
// its extended attribute (superseded). It holds the name's commit lock, so
// a write of this driver cannot commit a new sidecar between the check and
// the removal, and removes p only if it is still the file it read (a
// sidecar committed meanwhile by another process is a new file).
func (d *Driver) removeUselessMeta(p string) bool {
	name, ok := strings.CutSuffix(strings.TrimPrefix(p, metaDir+"/"), "/"+metaFile)
	if !ok || checkName(name) != nil {
		return false // not a sidecar: leave it alone
	}
	mu := d.lock(name)
	mu.Lock()
	defer mu.Unlock()
	sf, err := d.openRead(p)
	if err != nil {
		return false
	}
	defer sf.Close()
	sfi, err := sf.Stat()
	if err != nil {
		return false
	}
	data, err := io.ReadAll(io.LimitReader(sf, maxMetaSize))
	if err != nil || !d.uselessMeta(name, data) {
		return false
	}
	if now, err := d.root.Lstat(p); err != nil || !os.SameFile(now, sfi) {
		return false
	}
	return d.root.Remove(p) == nil
}

// uselessMeta reports whether the sidecar data of object name is of no use.
func (d *Driver) uselessMeta(name string, data []byte) bool {
	var m meta
	if json.Unmarshal(data, &m) != nil {
		return true
	}
	f, err := d.openRead(name)
	if err != nil {
		return isNotExist(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	if !fi.Mode().IsRegular() || !m.matches(name, fi) {
		return true
	}
	x, err := readXattr(f)
	return err == nil && x != nil
}
