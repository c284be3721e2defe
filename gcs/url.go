package gcs

import (
	"context"
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
	cfg.ServiceAccountFile = q.String("credentials_file")
	cfg.Endpoint = q.String("endpoint")
	q.CheckHTTPURL("endpoint", cfg.Endpoint, "http://127.0.0.1:4443")
	cfg.Emulator = q.Bool("emulator")
	cfg.GoogleAccessID = q.String("access_id")
	keyPath := q.String("private_key_path")
	cfg.SignHostname = q.String("sign_hostname")
	cfg.ChunkSize = int(q.Count("chunk_size"))
	if n := q.Count("budget"); n > 0 {
		cfg.Budget = storage.NewBudget(n)
	}
	cfg.DownloadPartSize = q.Count("download_part_size")
	cfg.DownloadConcurrency = int(q.Count("download_concurrency"))
	cfg.Public = q.Bool("public")
	cfg.MaxAttempts = int(q.Count("max_attempts"))
	cfg.PublicBucket = q.Bool("public_bucket")
	return func(ctx context.Context, opts ...storage.Option) (*storage.Storage, error) {
		c := cfg
		if keyPath != "" {
			key, err := storage.ReadKeyFile("gcs: private_key_path", keyPath)
			if err != nil {
				return nil, err
			}
			c.PrivateKey = key
		}
		return New(ctx, c, opts...)
	}, nil
}
