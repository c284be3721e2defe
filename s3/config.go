package s3

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/logging"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/asptr"
	"github.com/go-storages/storage/internal/bucketcheck"
)

// Defaults used for zero Config fields.
const (
	DefaultPartSize            = 8 << 20
	DefaultConcurrency         = 5
	DefaultDownloadPartSize    = 8 << 20
	DefaultDownloadConcurrency = 2
	// MinPartSize is S3's smallest part (all but the last).
	MinPartSize = 5 << 20
	maxParts    = 10000
)

// Config configures the driver. Only Bucket is required.
type Config struct {
	// Bucket is the bucket name. Required. In a URL, the host:
	// s3://bucket/prefix.
	Bucket string `url:",host=bucket"`

	// Region of the bucket. Empty: the SDK's default chain (AWS_REGION,
	// AWS_DEFAULT_REGION, shared config), else "us-east-1" (what MinIO and
	// most S3-compatible stores expect).
	Region string `url:"region"`

	// Endpoint is the base URL of an S3-compatible service, such as
	// "http://127.0.0.1:9000" or "https://<account>.r2.cloudflarestorage.com".
	// Empty: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, else AWS S3.
	Endpoint string `url:"endpoint"`

	// UsePathStyle addresses the bucket in the path
	// (endpoint/bucket/key) instead of the host (bucket.endpoint/key).
	// False: virtual-hosted style, except that path style is used anyway
	// when the endpoint's host is an IP address or "localhost".
	UsePathStyle bool `url:"use_path_style|s3ForcePathStyle"`

	// AccessKeyID, SecretAccessKey and SessionToken are static credentials.
	// Empty: the SDK's default credential chain.
	AccessKeyID     string `url:"access_key_id,secret"`
	SecretAccessKey string `url:"secret_access_key,secret"`
	SessionToken    string `url:"session_token,secret"`

	// HTTPClient sends the requests. Nil: the SDK's default client.
	// Any client works, also when AWS_CA_BUNDLE is set (the bundle is then
	// left to the caller's client).
	HTTPClient *http.Client

	// PartSize is the size of multipart upload parts. Zero: 8 MiB. At least
	// 5 MiB; raised when needed to keep a known size within 10,000 parts.
	PartSize int64 `url:"part_size"`
	// Concurrency is the number of parts of one upload sent at once. Zero: 5.
	Concurrency int `url:"concurrency"`
	// Budget caps the bytes held in part buffers by the uploads that share
	// it. Nil: storage.DefaultBudget(), shared by every driver of the
	// process (s3, gcs, azure) that has no Budget of its own.
	Budget *storage.Budget `url:"budget"`

	// DownloadPartSize is the size of each ranged GET of a parallel
	// download. Zero: 8 MiB.
	DownloadPartSize int64 `url:"download_part_size"`
	// DownloadConcurrency is the number of ranged GETs in flight in a
	// parallel download (the portable reader's, see
	// storage.Capabilities.ReadParts), within the process-wide
	// storage.ReadBudget. Zero: 2. One disables parallel downloads.
	DownloadConcurrency int `url:"download_concurrency"`

	// MaxAttempts bounds the attempts of one request, the first included.
	// Zero: the AWS_MAX_ATTEMPTS setting of the shared configuration when
	// there is one, else DefaultMaxAttempts (4, as the GCS and Azure
	// drivers). The SDK's standard retryer retries 5xx, throttling and
	// broken connections with exponential backoff and full jitter (at most
	// 20s), honouring a Retry-After header, and retries a response cut
	// short; a commit whose response was lost is recognised (see the
	// package documentation).
	MaxAttempts int `url:"max_attempts"`

	// Public makes every saved object publicly readable (canned ACL
	// public-read), as SaveOptions.Public does for one call. False: no ACL
	// header is sent; objects are private unless the bucket policy says
	// otherwise.
	Public bool `url:"public"`

	// StorageClass for new objects, such as "STANDARD_IA" or
	// "INTELLIGENT_TIERING". Empty: the bucket's default (STANDARD).
	StorageClass types.StorageClass `url:"storage_class"`

	// ServerSideEncryption for new objects: "AES256" (SSE-S3) or "aws:kms"
	// (SSE-KMS, with SSEKMSKeyID or the account's default KMS key).
	// Empty: the bucket's default encryption.
	ServerSideEncryption types.ServerSideEncryption `url:"sse|sseType,enum=AES256|aws:kms|aws:kms:dsse"`
	SSEKMSKeyID          string                     `url:"kms_key_id|kmskeyid"`

	// PublicBucket declares the bucket publicly readable (a bucket policy
	// or ACL grants anonymous reads): without a base URL
	// (storage.WithBaseURL, the one way to set it), public URLs are then
	// the bucket's endpoint URL. False (and Public false): URL fails with
	// an error matching storage.ErrUnsupported unless a base URL is set,
	// since the endpoint does not serve private objects.
	PublicBucket bool `url:"public_bucket"`

	// PresignBaseURL, when set, makes presigned URLs address this base and
	// sign its host instead of the S3 endpoint's: a custom domain or proxy
	// that forwards requests to S3 unchanged, Host header included, and
	// addresses the bucket's root ("https://files.example.com/" for an R2
	// custom domain, "https://proxy.example.com/bucket/" for a path-style
	// proxy). Empty: presigned URLs use the S3 endpoint.
	PresignBaseURL string `url:"presign_base_url"`

	// CloudFrontKeyID and CloudFrontPrivateKey (an RSA private key in PEM,
	// PKCS#1 or PKCS#8) make signed GET URLs CloudFront signed URLs with a
	// canned policy on the storage's base URL (storage.WithBaseURL: the
	// CloudFront domain), which is then required. Empty: signed
	// GET URLs are S3 presigned URLs. Signed PUT URLs are always S3
	// presigned URLs.
	CloudFrontKeyID      string `url:"cloudfront_key_id"`
	CloudFrontPrivateKey []byte `url:"cloudfront_private_key_path,file"`
}

// Driver implements storage.Driver for S3.
type Driver struct {
	cfg       Config
	client    *s3.Client
	presign   *s3.PresignClient
	cfSigner  *sign.URLSigner
	bucketURL string // the bucket's URL on its endpoint
	budget    *storage.Budget
	partSize  int64
	conc      int
	dlPart    int64
	dlConc    int
	closeIdle func()
	bucket    *bucketcheck.Checker // tells a missing bucket behind a HEAD's 404
	fromInput atomic.Int64         // uploads read at offsets from the input (tests)
}

// New returns a storage over the bucket. Public URLs use the base URL given
// with storage.WithBaseURL among opts; without one, the bucket's endpoint
// when cfg.PublicBucket or cfg.Public declares the objects public, else URL
// fails (see storage.Storage.URL).
func New(ctx context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	d, err := NewDriver(ctx, cfg)
	if err != nil {
		return nil, err
	}
	st, err := storage.NewWithBucketURL(d, cfg.PublicBucket || cfg.Public, d.bucketURL, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := st.URL("x"); d.cfSigner != nil && err != nil {
		st.Close()
		return nil, invalid("CloudFront signing needs the CloudFront domain as the storage's base URL (storage.WithBaseURL, base_url)")
	}
	return st, nil
}

func invalid(format string, args ...any) error {
	return &storage.Error{Op: "new", Kind: storage.ErrInvalidArgument, Err: fmt.Errorf("s3: "+format, args...)}
}

// NewDriver returns the bare driver. It loads the AWS configuration and does
// no request.
func NewDriver(ctx context.Context, cfg Config) (*Driver, error) {
	if cfg.Bucket == "" {
		return nil, invalid("Config.Bucket is required")
	}
	d := &Driver{cfg: cfg, budget: cfg.Budget, partSize: cfg.PartSize, conc: cfg.Concurrency,
		dlPart: cfg.DownloadPartSize, dlConc: cfg.DownloadConcurrency}
	if d.budget == nil {
		d.budget = storage.DefaultBudget()
	}
	switch {
	case d.partSize == 0:
		d.partSize = DefaultPartSize
	case d.partSize < MinPartSize:
		return nil, invalid("Config.PartSize must be at least 5 MiB")
	}
	if d.conc == 0 {
		d.conc = DefaultConcurrency
	}
	if d.dlPart == 0 {
		d.dlPart = DefaultDownloadPartSize
	}
	if d.dlConc == 0 {
		d.dlConc = DefaultDownloadConcurrency
	}
	if d.conc < 0 || d.dlConc < 0 || d.dlPart < 0 {
		return nil, invalid("negative concurrency or part size")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = os.Getenv("AWS_ENDPOINT_URL_S3")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	var endpoint *url.URL
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, invalid("endpoint must be an http(s) URL, got %q", cfg.Endpoint)
		}
		endpoint = u
		if !cfg.UsePathStyle {
			h := u.Hostname()
			cfg.UsePathStyle = h == "localhost" || net.ParseIP(h) != nil
		}
	}

	var loadOpts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" || cfg.SecretAccessKey != "" {
		loadOpts = append(loadOpts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	if cfg.HTTPClient == nil {
		// The SDK's default client, with room for every connection a
		// parallel transfer keeps open.
		idle := max(d.conc, d.dlConc) * 4
		hc := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			if t.MaxIdleConnsPerHost < idle {
				t.MaxIdleConnsPerHost = idle
			}
			if t.MaxIdleConns < idle {
				t.MaxIdleConns = idle
			}
		})
		loadOpts = append(loadOpts, config.WithHTTPClient(hc))
	}
	// A custom HTTPClient is not given to LoadDefaultConfig: with
	// AWS_CA_BUNDLE set it refuses any client it cannot rebuild. It is set
	// on the S3 client below instead.
	awsCfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, &storage.Error{Op: "new", Err: fmt.Errorf("s3: loading AWS configuration: %w", err)}
	}
	if cfg.HTTPClient != nil {
		awsCfg.HTTPClient = cfg.HTTPClient
	} else if bc, ok := awsCfg.HTTPClient.(*awshttp.BuildableClient); ok {
		// Frozen so that Close can close the idle connections.
		awsCfg.HTTPClient = bc.Freeze()
	}
	if c, ok := awsCfg.HTTPClient.(interface{ CloseIdleConnections() }); ok {
		d.closeIdle = c.CloseIdleConnections
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	cfg.Region = awsCfg.Region
	// The SDK logs checksum notices to stderr by default: a library stays
	// quiet (and nothing it could log carries credentials).
	awsCfg.Logger = logging.Nop{}
	awsCfg.ClientLogMode = 0
	d.client = s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if endpoint != nil {
			o.BaseEndpoint = aws.String(strings.TrimSuffix(endpoint.String(), "/"))
		}
		o.UsePathStyle = cfg.UsePathStyle
		attempts := cfg.MaxAttempts
		if attempts == 0 {
			attempts = awsCfg.RetryMaxAttempts
		}
		o.Retryer = newRetryer(attempts)
	})

	if cfg.PresignBaseURL != "" {
		u, err := url.Parse(cfg.PresignBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return nil, invalid("PresignBaseURL must be an http(s) URL without query, got %q", cfg.PresignBaseURL)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		d.presign = s3.NewPresignClient(d.client, s3.WithPresignClientFromClientOptions(func(o *s3.Options) {
			o.EndpointResolverV2 = fixedEndpoint{u}
		}))
	} else {
		d.presign = s3.NewPresignClient(d.client)
	}

	if cfg.CloudFrontKeyID != "" || len(cfg.CloudFrontPrivateKey) > 0 {
		if cfg.CloudFrontKeyID == "" || len(cfg.CloudFrontPrivateKey) == 0 {
			return nil, invalid("CloudFront signing needs CloudFrontKeyID and CloudFrontPrivateKey")
		}
		key, err := parseRSAKey(cfg.CloudFrontPrivateKey)
		if err != nil {
			return nil, invalid("CloudFrontPrivateKey: %v", err)
		}
		d.cfSigner = sign.NewURLSigner(cfg.CloudFrontKeyID, key)
	}

	switch {
	case endpoint != nil && cfg.UsePathStyle:
		d.bucketURL = strings.TrimSuffix(endpoint.String(), "/") + "/" + cfg.Bucket + "/"
	case endpoint != nil:
		d.bucketURL = endpoint.Scheme + "://" + cfg.Bucket + "." + endpoint.Host + strings.TrimSuffix(endpoint.Path, "/") + "/"
	case cfg.UsePathStyle:
		d.bucketURL = "https://s3." + cfg.Region + ".amazonaws.com/" + cfg.Bucket + "/"
	default:
		d.bucketURL = "https://" + cfg.Bucket + ".s3." + cfg.Region + ".amazonaws.com/"
	}
	d.cfg = cfg
	d.bucket = bucketcheck.New(cfg.Bucket, d.bucketExists)
	return d, nil
}

// bucketExists asks HeadBucket whether the bucket exists. It needs
// s3:ListBucket, which a 404 on an object already implies on AWS (without
// it S3 answers 403 for a missing key); when refused, the answer is unknown.
func (d *Driver) bucketExists(ctx context.Context) (bool, error) {
	_, err := d.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &d.cfg.Bucket})
	if err == nil {
		return true, nil
	}
	if code, status := apiCode(err); code == "NoSuchBucket" || code == "NotFound" || status == http.StatusNotFound {
		return false, nil
	}
	return false, err
}

// parseRSAKey reads an RSA private key in PEM, PKCS#1 or PKCS#8.
func parseRSAKey(pemBytes []byte) (crypto.Signer, error) {
	if key, err := sign.LoadPEMPrivKey(bytes.NewReader(pemBytes)); err == nil {
		return key, nil
	}
	key, err := sign.LoadPEMPrivKeyPKCS8AsSigner(bytes.NewReader(pemBytes))
	if err != nil {
		return nil, errors.New("not an RSA private key in PEM (PKCS#1 or PKCS#8)")
	}
	return key, nil
}

// Client returns the SDK client the driver uses, for operations the
// storage API does not cover.
func (d *Driver) Client() *s3.Client { return d.client }

// As implements storage.Storage.As: a **s3.Client gets the SDK client.
func (d *Driver) As(target any) bool { return asptr.Set(target, d.client) }

// Bucket returns the bucket name.
func (d *Driver) Bucket() string { return d.cfg.Bucket }

// BucketURL returns the bucket's URL on its endpoint, the base of public
// URLs when the bucket is declared public (Config.PublicBucket).
func (d *Driver) BucketURL() string { return d.bucketURL }

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities {
	return storage.Capabilities{
		ConditionalCreate: true,
		ServerSideCopy:    true,
		Metadata:          true,
		SignedURL:         true,
		SignedPutURL:      true,
		SignTime:          true,
		// The content type is a signed header of the presigned PUT.
		SignedPutContentType: true,
		PublicObjects:        true,
		Checksums:            true,
		ReadParts:            d.dlConc,
		ReadPartSize:         d.dlPart,
	}
}

// Close implements storage.Driver: it closes idle connections.
func (d *Driver) Close() error {
	if d.closeIdle != nil {
		d.closeIdle()
	}
	return nil
}
