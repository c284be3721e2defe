package gocloud

import (
	"net/url"
	"strings"

	"github.com/go-storages/storage"
)

// SchemePrefix is put before a gocloud.dev URL scheme to open it through the
// bridge with storage.Open: "gocloud+mem://", "gocloud+file:///dir",
// "gocloud+s3://bucket?region=...", "gocloud+gs://bucket",
// "gocloud+azblob://container". Importing this package registers those five
// schemes; the gocloud.dev driver itself must be imported too (for example
// _ "gocloud.dev/blob/fileblob").
//
// The common parameters (base_url, location or gocloud.dev's prefix,
// conflict, max_name_length, spool_limit) are handled by storage.Open.
// Every other parameter is gocloud.dev's, passed on as it is; gocloud.dev
// reports the ones it does not know when the storage is opened.
const SchemePrefix = "gocloud+"

func init() {
	for _, s := range []string{"mem", "file", "s3", "gs", "azblob"} {
		storage.Register(SchemePrefix+s, storage.URLOpenerFunc(parseURL))
	}
}

func parseURL(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
	var cfg Config
	inner := *u
	inner.Scheme = strings.TrimPrefix(u.Scheme, SchemePrefix)
	inner.User = q.User()
	inner.RawQuery = q.Remaining().Encode()
	cfg.URL, cfg.Scheme = inner.String(), inner.Scheme
	return storage.OpenConfig(cfg, storage.KeyFiles{}, New), nil
}
