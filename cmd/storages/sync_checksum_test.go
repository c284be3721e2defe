package main

import (
	"path/filepath"
	"testing"

	"github.com/go-storages/storage/internal/emulator"
)

// TestSyncComparesChecksums syncs Azure to GCS, whose ETags are no MD5
// digests: the plan compares the MD5 both listings carry, so an object of
// the same size edited on the destination after the first sync (newer than
// its source) is copied again, which sizes and times alone would miss.
func TestSyncComparesChecksums(t *testing.T) {
	az := emulator.Azure(t)
	container := emulator.NewAzureContainer(t, az, "gost-cli-sync")
	gs := emulator.GCS(t)
	bucket := emulator.NewGCSBucket(t, gs, "gost-cli-sync")
	env := []string{
		"STORAGES_SRC_URL=azblob://" + container + "?connection_string=" + urlQueryEscape(az.ConnectionString),
		"STORAGES_DST_URL=gs://" + bucket + "?endpoint=http://" + gs.Host + "&emulator=true",
	}
	run := func(want string, args ...string) {
		t.Helper()
		if got := execRunner(t, env, "", args...).expect(t, 0, args[0]).out; want != "" && got != want {
			t.Fatalf("storages %q = %q, want %q", args, got, want)
		}
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "site", "x.txt"), "xxxx")
	writeFile(t, filepath.Join(dir, "site", "y.txt"), "yyyy")
	writeFile(t, filepath.Join(dir, "edit.txt"), "EDIT")
	run("", "sync", filepath.Join(dir, "site"), "src:site/")
	run("2 copied (8 B), 0 deleted, 0 unchanged.\n", "sync", "src:site/", "dst:site/")
	run("0 copied (0 B), 0 deleted, 2 unchanged.\n", "sync", "src:site/", "dst:site/")
	run("", "cp", filepath.Join(dir, "edit.txt"), "dst:site/x.txt") // same size, newer, other bytes
	run("1 copied (4 B), 0 deleted, 1 unchanged.\n", "sync", "src:site/", "dst:site/")
	if got := execRunner(t, env, "", "cat", "dst:site/x.txt").expect(t, 0, "cat").out; got != "xxxx" {
		t.Fatalf("dst:site/x.txt = %q after sync, want the source's bytes", got)
	}
}
