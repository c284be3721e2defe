package s3

import (
	"strings"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.RegisterConfig:
// importing the package makes storage.Open understand
//
//	s3://bucket/prefix?region=eu-west-1&base_url=https://cdn.example.com/
//	s3://bucket?endpoint=http://127.0.0.1:9000&access_key_id=...&secret_access_key=...
//
// The host is Config.Bucket and the path, if any, the location prefix.
// Besides the common parameters (see storage.Open), every Config field
// with a url tag is a parameter of the tag's name (after "|", gocloud.dev
// s3blob's name for it, also accepted): region, endpoint,
// use_path_style|s3ForcePathStyle, access_key_id, secret_access_key,
// session_token, part_size, concurrency, budget, download_part_size,
// download_concurrency, max_attempts, public, storage_class, sse|sseType,
// kms_key_id|kmskeyid, public_bucket, presign_base_url, cloudfront_key_id
// and cloudfront_private_key_path. The Config field documents each. The
// credentials are secrets, never shown in errors or in ParsedURL.String;
// budget is a byte count, a budget of this storage's own;
// cloudfront_private_key_path names a PEM file, read when the storage
// opens into Config.CloudFrontPrivateKey. The other parameters:
//
//   - disable_https (gocloud.dev): an endpoint given as a bare host gets
//     http:// instead of https://.
//   - awssdk (gocloud.dev): accepted when "v2" (this driver's SDK).
//
// gocloud.dev's profile, anonymous, fips, dualstack, accelerate and
// hostname_immutable have no equivalent and are refused as unknown.
const Scheme = "s3"

func init() { storage.RegisterConfig(Scheme, New, checkURL) }

// checkURL completes a Config decoded from a URL with what its url tags
// cannot say.
func checkURL(p *storage.URLConfig[Config]) {
	cfg := &p.Config
	insecure := p.Bool("disable_https")
	if cfg.Endpoint != "" && !strings.Contains(cfg.Endpoint, "://") {
		if insecure {
			cfg.Endpoint = "http://" + cfg.Endpoint
		} else {
			cfg.Endpoint = "https://" + cfg.Endpoint
		}
	}
	p.CheckHTTPURL("endpoint", cfg.Endpoint, "https://s3.example.com or a host name")
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		p.Fail("access_key_id", "access_key_id and secret_access_key go together")
	}
	if (cfg.CloudFrontKeyID == "") != !p.Keys.Has("cloudfront_private_key_path") {
		p.Fail("cloudfront_key_id", "cloudfront_key_id and cloudfront_private_key_path go together")
	}
	if v := p.String("awssdk"); v != "" && v != "v2" {
		p.Fail("awssdk", "this driver uses the AWS SDK v2 only")
	}
}
