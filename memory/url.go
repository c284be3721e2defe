package memory

import (
	"context"
	"net/url"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.Register:
// importing the package makes storage.Open understand
//
//	mem://
//	mem:///media?base_url=http://localhost:8080/media/
//
// Every Open of a mem URL returns a new, empty storage. The URL's path, if
// any, is the location prefix. The memory driver has no options of its own;
// the common parameters (base_url, location, conflict, max_name_length) are
// described at storage.Open.
const Scheme = "mem"

func init() { storage.Register(Scheme, storage.URLOpenerFunc(parseURL)) }

func parseURL(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
	if u.Opaque != "" {
		q.Fail("", "write mem:// or mem:///prefix")
	}
	if u.Host != "" {
		q.Fail("", "a mem URL has no host; write mem:///prefix for a location")
	}
	q.SetLocation(u.Path)
	return func(_ context.Context, opts ...storage.Option) (*storage.Storage, error) {
		return New(opts...)
	}, nil
}
