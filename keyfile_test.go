package storage_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(good, []byte("-----BEGIN PRIVATE KEY-----\nsecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := storage.ReadKeyFile("private_key_path", good)
	if err != nil || !strings.Contains(string(b), "secret") {
		t.Fatalf("ReadKeyFile: %q, %v", b, err)
	}
	empty := filepath.Join(dir, "empty")
	big := filepath.Join(dir, "big")
	os.WriteFile(empty, nil, 0o600)
	os.WriteFile(big, make([]byte, storage.MaxKeyFileSize+1), 0o600)
	for _, c := range []struct {
		path string
		std  error
	}{{filepath.Join(dir, "missing"), fs.ErrNotExist}, {empty, nil}, {big, nil}, {dir, nil}} {
		_, err := storage.ReadKeyFile("private_key_path", c.path)
		if !errors.Is(err, storage.ErrInvalidArgument) || storage.KindOf(err) != storage.ErrInvalidArgument {
			t.Errorf("%s: %v, want ErrInvalidArgument", c.path, err)
			continue
		}
		if c.std != nil && !errors.Is(err, c.std) {
			t.Errorf("%s: %v does not match %v", c.path, err, c.std)
		}
		if !strings.Contains(err.Error(), "private_key_path") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: message %q", c.path, err)
		}
	}
}
