//go:build !linux

package filesystem_test

import "testing"

// xattrsIn reports whether the driver keeps metadata in extended attributes
// under dir: on Linux only.
func xattrsIn(testing.TB, string) bool { return false }
