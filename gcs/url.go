package gcs

import "github.com/go-storages/storage"

// Scheme is the URL scheme this package registers with storage.RegisterConfig:
// importing the package makes storage.Open understand
//
//	gs://bucket/prefix?base_url=https://cdn.example.com/
//	gs://bucket?endpoint=http://127.0.0.1:4443&emulator=true
//
// The host is Config.Bucket and the path, if any, the location prefix.
// Besides the common parameters (see storage.Open), every Config field
// with a url tag is a parameter of the tag's name (after "|", gocloud.dev
// gcsblob's name for it, also accepted): credentials_file, endpoint,
// emulator, access_id, private_key_path, sign_hostname, chunk_size,
// budget, download_part_size, download_concurrency, public, max_attempts
// and public_bucket. The Config field documents each. private_key_path
// names a PEM file, read when the storage opens into Config.PrivateKey;
// budget is a byte count, a budget of this storage's own. gocloud.dev's
// anonymous has no equivalent and is refused as unknown.
const Scheme = "gs"

func init() {
	storage.RegisterConfig(Scheme, New, func(p *storage.URLConfig[Config]) {
		p.CheckHTTPURL("endpoint", p.Config.Endpoint, "http://127.0.0.1:4443")
	})
}
