//go:build !linux

package filesystem

import "os"

// fastRoot has no fast path outside Linux: every write goes through os.Root.
type fastRoot struct{}

func (fastRoot) init(*os.Root)                        {}
func (fastRoot) open(string) (dirHandle, bool, error) { return nil, false, nil }
func (fastRoot) close()                               {}
