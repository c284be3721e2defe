package s3

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.Register:
// importing the package makes storage.Open understand
//
//	s3://bucket/prefix?region=eu-west-1&base_url=https://cdn.example.com/
//	s3://bucket?endpoint=http://127.0.0.1:9000&access_key_id=...&secret_access_key=...
//
// The host is Config.Bucket and the path, if any, the location prefix.
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
	cfg.Region = q.String("region")
	cfg.Endpoint = q.String("endpoint")
	insecure := q.Bool("disable_https")
	if cfg.Endpoint != "" && !strings.Contains(cfg.Endpoint, "://") {
		if insecure {
			cfg.Endpoint = "http://" + cfg.Endpoint
		} else {
			cfg.Endpoint = "https://" + cfg.Endpoint
		}
	}
	q.CheckHTTPURL("endpoint", cfg.Endpoint, "https://s3.example.com or a host name")
	cfg.UsePathStyle = q.Bool("use_path_style", "s3ForcePathStyle")
	cfg.AccessKeyID = q.Secret("access_key_id")
	cfg.SecretAccessKey = q.Secret("secret_access_key")
	cfg.SessionToken = q.Secret("session_token")
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		q.Fail("access_key_id", "access_key_id and secret_access_key go together")
	}
	cfg.PartSize = q.Count("part_size")
	cfg.Concurrency = int(q.Count("concurrency"))
	cfg.DownloadPartSize = q.Count("download_part_size")
	cfg.DownloadConcurrency = int(q.Count("download_concurrency"))
	if n := q.Count("budget"); n > 0 {
		cfg.Budget = storage.NewBudget(n)
	}
	cfg.Public = q.Bool("public")
	cfg.MaxAttempts = int(q.Count("max_attempts"))
	cfg.StorageClass = types.StorageClass(q.String("storage_class"))
	if sse := q.Enum([]string{"AES256", "aws:kms", "aws:kms:dsse"}, "sse", "sseType"); sse != "" {
		cfg.ServerSideEncryption = types.ServerSideEncryption(sse)
	}
	cfg.SSEKMSKeyID = q.String("kms_key_id", "kmskeyid")
	cfg.PublicBucket = q.Bool("public_bucket")
	cfg.PresignBaseURL = q.String("presign_base_url")
	cfg.CloudFrontKeyID = q.String("cloudfront_key_id")
	cfKeyPath := q.String("cloudfront_private_key_path")
	if (cfg.CloudFrontKeyID == "") != (cfKeyPath == "") {
		q.Fail("cloudfront_key_id", "cloudfront_key_id and cloudfront_private_key_path go together")
	}
	if v := q.String("awssdk"); v != "" && v != "v2" {
		q.Fail("awssdk", "this driver uses the AWS SDK v2 only")
	}
	return func(ctx context.Context, opts ...storage.Option) (*storage.Storage, error) {
		c := cfg
		if cfKeyPath != "" {
			key, err := storage.ReadKeyFile("s3: cloudfront_private_key_path", cfKeyPath)
			if err != nil {
				return nil, err
			}
			c.CloudFrontPrivateKey = key
		}
		return New(ctx, c, opts...)
	}, nil
}
