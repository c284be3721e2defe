package s3

import (
	"net/url"
	"strings"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.Register:
// importing the package makes storage.Open understand
//
//	s3://bucket/prefix?region=eu-west-1&base_url=https://cdn.example.com/
//	s3://bucket?endpoint=http://127.0.0.1:9000&access_key_id=...&secret_access_key=...
//
// The host is Config.Bucket and the path, if any, the location prefix.
// Each Config parameter is declared once, in the url tag of the field it
// sets (read by storage.URLQuery.Decode).
// Parameters, besides the common ones (base_url, location, conflict,
// max_name_length; see storage.Open), with gocloud.dev's s3blob names
// accepted where it has one:
//
//   - region: Config.Region.
//   - endpoint: Config.Endpoint; a bare host gets https://, or http:// with
//     disable_https=true (gocloud.dev).
//   - use_path_style, or s3ForcePathStyle (gocloud.dev): Config.UsePathStyle.
//   - access_key_id, secret_access_key, session_token: static credentials
//     (secrets: never shown in errors or in ParsedURL.String).
//   - part_size, concurrency, download_part_size, download_concurrency,
//     budget (bytes, a budget of this storage's own): the upload and
//     download tuning of Config.
//   - public (bool): Config.Public.
//   - max_attempts: Config.MaxAttempts (attempts of one request, default 4).
//   - storage_class: Config.StorageClass.
//   - sse, or sseType (gocloud.dev): Config.ServerSideEncryption (AES256 or
//     aws:kms); kms_key_id, or kmskeyid (gocloud.dev): Config.SSEKMSKeyID.
//   - public_bucket (bool): Config.PublicBucket (public URLs on the
//     bucket's endpoint when base_url is not given); presign_base_url:
//     Config.PresignBaseURL.
//   - cloudfront_key_id and cloudfront_private_key_path (a PEM file, read
//     when the storage opens): CloudFront signed URLs.
//   - awssdk (gocloud.dev): accepted when "v2" (this driver's SDK).
//
// gocloud.dev's profile, anonymous, fips, dualstack, accelerate and
// hostname_immutable have no equivalent and are refused as unknown.
const Scheme = "s3"

func init() { storage.Register(Scheme, storage.URLOpenerFunc(parseURL)) }

func parseURL(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
	cfg := Config{Bucket: q.Bucket(u, "bucket")}
	keys := q.Decode(&cfg)
	insecure := q.Bool("disable_https")
	if cfg.Endpoint != "" && !strings.Contains(cfg.Endpoint, "://") {
		if insecure {
			cfg.Endpoint = "http://" + cfg.Endpoint
		} else {
			cfg.Endpoint = "https://" + cfg.Endpoint
		}
	}
	q.CheckHTTPURL("endpoint", cfg.Endpoint, "https://s3.example.com or a host name")
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		q.Fail("access_key_id", "access_key_id and secret_access_key go together")
	}
	if (cfg.CloudFrontKeyID == "") != !keys.Has("cloudfront_private_key_path") {
		q.Fail("cloudfront_key_id", "cloudfront_key_id and cloudfront_private_key_path go together")
	}
	if v := q.String("awssdk"); v != "" && v != "v2" {
		q.Fail("awssdk", "this driver uses the AWS SDK v2 only")
	}
	return storage.OpenConfig(cfg, keys, New), nil
}
