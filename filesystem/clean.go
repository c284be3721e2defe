package filesystem

import (
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"time"
)

// CleanTemp removes what crashed writes left behind: temporary files older
// than olderThan anywhere under the root, and sidecars older than olderThan
// whose object no longer exists. Directories left empty are removed. It
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
		if !strings.HasPrefix(e.Name(), tmpPrefix) && !d.orphanMeta(p) {
			return nil
		}
		if err := d.root.Remove(p); err == nil {
			removed++
			d.prune(path.Dir(p), ".")
		}
		return nil
	})
	return removed, err
}

// orphanMeta reports whether the sidecar at p belongs to an object that
// does not exist (or is unreadable).
func (d *Driver) orphanMeta(p string) bool {
	name, ok := strings.CutSuffix(strings.TrimPrefix(p, metaDir+"/"), "/"+metaFile)
	if !ok || checkName(name) != nil {
		return false // not a sidecar: leave it alone
	}
	data, err := d.root.ReadFile(p)
	if err != nil {
		return false
	}
	var m meta
	if json.Unmarshal(data, &m) != nil {
		return true
	}
	_, err = d.statObject(name)
	return isNotExist(err)
}
