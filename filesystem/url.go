package filesystem

import (
	"context"
	"fmt"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
)

// Scheme is the URL scheme this package registers with storage.RegisterConfig:
// importing the package makes storage.Open understand
//
//	file:///var/media?base_url=https://cdn.example.com/media/
//	file:./media               (relative to the working directory)
//
// The URL's path is Config.Root. Besides the common parameters (see
// storage.Open), every Config field with a url tag is a parameter of the
// tag's name (after "|", gocloud.dev fileblob's name for it, also
// accepted): fsync, dir_perm|dir_file_mode and file_perm (octal, such as
// 0750), and sidecars (metadata in sidecar files rather than extended
// attributes). The Config field documents each. The other parameters:
//
//   - secret_key_path (gocloud.dev's name) and sign_base_url: HMAC-signed
//     URLs (package hmacurl) with the key in that file (at least 32 bytes),
//     under sign_base_url, where the service mounts
//     hmacurl.New(signBaseURL, key).Handler(st). Unlike gocloud.dev's
//     fileblob, base_url is the public base, not the signed one, so
//     sign_base_url is required with secret_key_path.
//   - create_dir and no_tmp_dir (gocloud.dev's) are accepted and change
//     nothing: the root is always created, and temporary files always live
//     next to their object.
//
// gocloud.dev's metadata=skip has no equivalent (metadata is written only
// when there is something to keep) and is refused.
const Scheme = "file"

func init() { storage.RegisterConfig(Scheme, newConfig, checkURL) }

// newConfig is NewWithConfig in the form RegisterConfig takes.
func newConfig(_ context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	return NewWithConfig(cfg, opts...)
}

// checkURL takes Config.Root from a file URL's path and reads the
// parameters that are no Config field.
func checkURL(p *storage.URLConfig[Config]) {
	u := p.URL
	p.Config.Root = u.Path
	if u.Opaque != "" {
		p.Config.Root = u.Opaque
	} else if u.Host != "" && u.Host != "localhost" {
		p.Fail("", "a file URL's host must be empty or localhost (write file:///abs/path or file:rel/path)")
	}
	if p.Config.Root == "" {
		p.Fail("", "no directory: write file:///abs/path or file:rel/path")
	}
	p.Has("create_dir", "no_tmp_dir")
	if p.Has("metadata") {
		p.Fail("metadata", "not supported: the filesystem driver stores metadata only when there are headers or metadata to keep")
	}
	keyPath := p.String("secret_key_path")
	signBase := p.String("sign_base_url")
	if (keyPath == "") != (signBase == "") {
		p.Fail("secret_key_path", "secret_key_path and sign_base_url go together (base_url is the public base)")
	}
	if signBase != "" {
		if _, err := hmacurl.New(signBase, make([]byte, hmacurl.MinKeySize)); err != nil {
			p.Fail("sign_base_url", "must be an absolute URL without query or fragment")
		}
	}
	if keyPath == "" {
		return
	}
	// The key is read when the storage opens, never while the URL is parsed.
	p.Open = func(_ context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
		key, err := storage.ReadKeyFile("filesystem: secret_key_path", keyPath)
		if err != nil {
			return nil, err
		}
		sg, err := hmacurl.New(signBase, key)
		if err != nil {
			return nil, fmt.Errorf("filesystem: secret_key_path: %w", err)
		}
		return NewWithConfig(cfg, append([]storage.Option{storage.WithSigner(sg)}, opts...)...)
	}
}
