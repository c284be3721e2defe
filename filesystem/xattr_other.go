//go:build !linux

package filesystem

import (
	"errors"
	"os"
)

// Outside Linux metadata lives in sidecars only.
const xattrsAvailable = false

var errNoXattr = errors.New("filesystem: extended attributes are used on Linux only")

func setXattr(*os.File, []byte) error   { return errNoXattr }
func getXattr(*os.File) ([]byte, error) { return nil, nil }
func xattrUnsupported(err error) bool   { return errors.Is(err, errNoXattr) }
func xattrRefused(error) bool           { return false }
