package gcs

import (
	"net/url"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.Register:
// importing the package makes storage.Open understand
//
//	gs://bucket/prefix?base_url=https://cdn.example.com/
//	gs://bucket?endpoint=http://127.0.0.1:4443&emulator=true
//
// The host is Config.Bucket and the path, if any, the location prefix.
// Each Config parameter is declared once, in the url tag of the field it
// sets (read by storage.URLQuery.Decode).
// Parameters, besides the common ones (base_url, location, conflict,
// max_name_length; see storage.Open), with gocloud.dev's gcsblob names
// accepted where it has one:
//
//   - credentials_file: Config.ServiceAccountFile (a service-account key).
//   - endpoint: Config.Endpoint; emulator (bool): Config.Emulator.
//   - access_id (gocloud.dev): Config.GoogleAccessID; private_key_path
//     (gocloud.dev): a PEM file with Config.PrivateKey, read when the
//     storage opens.
//   - sign_hostname: Config.SignHostname.
//   - chunk_size, budget (bytes, a budget of this storage's own),
//     download_part_size, download_concurrency: the tuning of Config.
//   - public (bool): Config.Public.
//   - max_attempts: Config.MaxAttempts (attempts of one request, default 4).
//   - public_bucket (bool): Config.PublicBucket (public URLs on
//     storage.googleapis.com when base_url is not given).
//
// gocloud.dev's anonymous has no equivalent and is refused as unknown.
const Scheme = "gs"

func init() { storage.Register(Scheme, storage.URLOpenerFunc(parseURL)) }

func parseURL(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
	cfg := Config{Bucket: q.Bucket(u, "bucket")}
	keys := q.Decode(&cfg)
	q.CheckHTTPURL("endpoint", cfg.Endpoint, "http://127.0.0.1:4443")
	return storage.OpenConfig(cfg, keys, New), nil
}
