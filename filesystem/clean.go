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
		inMeta := strings.HasPrefix(p, metaDir+"/")
		if !strings.HasPrefix(e.Name(), tmpPrefix) && !inMeta {
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
			stop := "."
			if inMeta {
				stop = metaDir
			}
			d.prune(path.Dir(p), stop)
		}
		return nil
	})
	return removed, err
}

// orphanMeta reports whether the sidecar at p names an object that does not
// exist.
func (d *Driver) orphanMeta(p string) bool {
	data, err := d.root.ReadFile(p)
	if err != nil {
		return false
	}
	var m meta
	if json.Unmarshal(data, &m) != nil {
		return true // unreadable: garbage too
	}
	if m.Name == "" || metaPath(m.Name) != p {
		return false
	}
	_, err = d.statObject(m.Name)
	return isNotExist(err)
}
