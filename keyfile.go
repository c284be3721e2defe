package storage

import (
	"fmt"
	"io"
	"os"
)

// MaxKeyFileSize bounds what [ReadKeyFile] reads: keys and credential files
// are a few kilobytes; a larger file is the wrong one.
const MaxKeyFileSize = 1 << 20

// ReadKeyFile reads a file of secret material that a storage needs when it
// opens (a PEM private key, a service-account key), named by a setting: a
// URL parameter such as cloudfront_private_key_path, or a Config field.
// Drivers read such files when the storage opens, never while a URL is
// parsed (ParseURL does no I/O). A missing, unreadable or oversized file
// is an error matching ErrInvalidArgument that names the setting and wraps
// the *fs.PathError; the contents never appear in it.
func ReadKeyFile(setting, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidArgument, setting, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidArgument, setting, err)
	case len(b) > MaxKeyFileSize:
		return nil, fmt.Errorf("%w: %s: %s is over %d bytes: not a key file", ErrInvalidArgument, setting, path, MaxKeyFileSize)
	case len(b) == 0:
		return nil, fmt.Errorf("%w: %s: %s is empty", ErrInvalidArgument, setting, path)
	}
	return b, nil
}
