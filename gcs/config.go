package gcs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	gcs "cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/bucketcheck"
)

// Upload and download sizes.
const (
	// DefaultChunkSize is the resumable upload chunk size when
	// Config.ChunkSize is zero: the SDK's default. Each upload buffers one
	// chunk, so it is also the memory one large upload needs.
	DefaultChunkSize = 16 << 20
	// MinChunkSize and MaxChunkSize bound Config.ChunkSize and
	// SaveOptions.ChunkSize. Sizes are rounded up to a multiple of 256 KiB,
	// as the service requires.
	MinChunkSize = 256 << 10
	MaxChunkSize = 256 << 20

	// DefaultDownloadPartSize and DefaultDownloadConcurrency shape the
	// parallel ranged download of large objects (see Config).
	DefaultDownloadPartSize    = 8 << 20
	DefaultDownloadConcurrency = 2

	// DefaultMaxAttempts is the number of attempts of one request (the
	// first and the retries) when Config.MaxAttempts is zero: the same in
	// every cloud driver of this module.
	DefaultMaxAttempts = 4
)

// Config configures a [Driver]. Only Bucket is required: the zero value of
// every other field picks the documented default.
type Config struct {
	// Bucket is the name of an existing bucket. Required. In a URL, the
	// host: gs://bucket/prefix.
	Bucket string `url:",host=bucket"`

	// ServiceAccountJSON is the content of a service-account key file, and
	// ServiceAccountFile its path. Either one authenticates the client and
	// signs URLs with the key. When both are empty the client uses
	// application default credentials (GOOGLE_APPLICATION_CREDENTIALS, the
	// gcloud user, the metadata server).
	ServiceAccountJSON []byte
	ServiceAccountFile string `url:"credentials_file"`

	// Endpoint is the JSON API endpoint, such as
	// "http://127.0.0.1:4443/storage/v1/" (a bare "http://host:port" gets
	// "/storage/v1/" added). Empty: the emulator named by the standard
	// STORAGE_EMULATOR_HOST variable when it is set, else the production
	// endpoint.
	Endpoint string `url:"endpoint"`

	// Emulator says the endpoint is an emulator such as fake-gcs-server:
	// requests go unauthenticated (the emulator accepts any signature on
	// signed URLs too). It is implied when Endpoint is empty and STORAGE_EMULATOR_HOST is set.
	Emulator bool `url:"emulator"`

	// ClientOptions are added to the SDK client's options (an HTTP client,
	// a quota project, ...). Ignored when Client is set.
	ClientOptions []option.ClientOption

	// Client is an existing SDK client to use instead of creating one. The
	// driver does not close it. Endpoint, Emulator and the credentials
	// fields then only shape URLs and signing.
	Client *gcs.Client

	// ChunkSize is the resumable upload chunk size: one upload buffers at
	// most one chunk. Zero means DefaultChunkSize (16 MiB); other values are
	// bounded to MinChunkSize..MaxChunkSize and rounded up to 256 KiB.
	ChunkSize int `url:"chunk_size"`

	// Budget bounds the bytes buffered by all concurrent uploads that share
	// it: an upload waits (honouring its context) until its buffers fit.
	// Nil means storage.DefaultBudget(), shared by every driver of the
	// process (s3, gcs, azure) created without one.
	Budget *storage.Budget `url:"budget"`

	// Public makes every saved object publicly readable (predefined ACL
	// publicRead), as if each Save set SaveOptions.Public. Default: private
	// (the bucket's default object ACL).
	Public bool `url:"public"`

	// PublicBucket declares the bucket publicly readable (allUsers may
	// read its objects): without a base URL (storage.WithBaseURL, the one
	// way to set a Cloud CDN domain or bucket-bound hostname), public URLs
	// are then "https://storage.googleapis.com/BUCKET/NAME" (the
	// emulator's own address for an emulator). False (and Public false):
	// URL fails with an error matching storage.ErrUnsupported unless a base
	// URL is set, since that address does not serve private objects.
	PublicBucket bool `url:"public_bucket"`

	// SignHostname, when set, signs URLs for a bucket-bound custom hostname
	// ("cdn.example.com") instead of storage.googleapis.com: the signed URL
	// is https://cdn.example.com/OBJECT?X-Goog-Signature=...
	SignHostname string `url:"sign_hostname"`

	// GoogleAccessID is the service-account e-mail that signs URLs, and
	// PrivateKey its PEM-encoded RSA key. Both default to the fields of the
	// service-account key given above.
	GoogleAccessID string `url:"access_id"`
	PrivateKey     []byte `url:"private_key_path,file"`

	// SignBytes signs URLs without a private key in this process, for
	// example through the IAM Credentials signBlob API (see
	// cloud.google.com/go/iam/credentials/apiv1): it must return the
	// RSA-SHA256 (PKCS #1 v1.5) signature of its input made with the key of
	// GoogleAccessID. When neither PrivateKey nor SignBytes is available
	// the SDK derives a signer from the client's credentials (signBlob as
	// the attached service account).
	SignBytes func([]byte) ([]byte, error)

	// DownloadPartSize and DownloadConcurrency shape the portable reader's
	// parallel ranged download of at least two parts (see
	// storage.Capabilities.ReadParts): DownloadConcurrency ranged requests
	// of DownloadPartSize bytes are in flight, one streaming and the others
	// buffered: it buffers at most (DownloadConcurrency-1) x
	// DownloadPartSize (8 MiB by default), within storage.ReadBudget.
	// Zero means DefaultDownloadPartSize (8 MiB, at least 256 KiB) and
	// DefaultDownloadConcurrency (2); a concurrency of 1 disables parallel
	// downloads.
	DownloadPartSize    int64 `url:"download_part_size"`
	DownloadConcurrency int   `url:"download_concurrency"`

	// MaxAttempts bounds the attempts of one request, the first included
	// (zero: DefaultMaxAttempts). The SDK retries every request the driver
	// makes (policy RetryAlways: a whole-object upload resends the same
	// bytes from its buffer, a conditional create that finds its own first
	// attempt is recognised, Delete and Copy are idempotent here) on 408,
	// 429, 5xx and broken connections, with exponential backoff and jitter
	// (1s doubling up to 30s), within the call's context. A 429 or 503
	// with Retry-After is retried no sooner than it says, and not at all
	// when the call's deadline comes first; 501 and the other 5xx that no
	// retry can pass are not retried. The bound holds for single-request
	// uploads too, which the SDK (v1.70) would otherwise retry until the
	// context ends. With Client set, the Retry-After handling is the
	// client's own (the SDK ignores Retry-After). The URL parameter is
	// max_attempts, as on every cloud driver of this module.
	MaxAttempts int `url:"max_attempts"`
}

// serviceAccount is the part of a service-account key file the driver reads.
type serviceAccount struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
}

// settings are the resolved configuration.
type settings struct {
	bucket       string
	emulator     bool
	scheme       string // "https", or the endpoint's scheme
	host         string // host[:port] of the XML/public endpoint
	chunkSize    int
	budget       *storage.Budget
	public       bool
	bucketURL    string // the bucket's address on the public endpoint
	signHost     string
	accessID     string
	privateKey   []byte
	signBytes    func([]byte) ([]byte, error)
	canSign      bool
	partSize     int64
	concurrency  int
	clientOpts   []option.ClientOption
	ownsClient   bool
	clientPassed *gcs.Client
	maxAttempts  int
}

func resolve(cfg Config) (*settings, error) {
	if cfg.Bucket == "" {
		return nil, fmt.Errorf("%w: gcs: Config.Bucket is required", storage.ErrInvalidArgument)
	}
	s := &settings{
		bucket:      cfg.Bucket,
		emulator:    cfg.Emulator,
		scheme:      "https",
		host:        "storage.googleapis.com",
		chunkSize:   chunkSize(cfg.ChunkSize),
		budget:      cfg.Budget,
		public:      cfg.Public,
		signHost:    cfg.SignHostname,
		accessID:    cfg.GoogleAccessID,
		privateKey:  cfg.PrivateKey,
		signBytes:   cfg.SignBytes,
		partSize:    cfg.DownloadPartSize,
		concurrency: cfg.DownloadConcurrency,
	}
	if s.budget == nil {
		s.budget = storage.DefaultBudget()
	}
	if s.partSize <= 0 {
		s.partSize = DefaultDownloadPartSize
	}
	s.partSize = max(s.partSize, MinChunkSize)
	if s.concurrency <= 0 {
		s.concurrency = DefaultDownloadConcurrency
	}

	endpoint := cfg.Endpoint
	if endpoint == "" {
		if h := os.Getenv("STORAGE_EMULATOR_HOST"); h != "" {
			endpoint, s.emulator = h, true
		}
	}
	if endpoint != "" {
		ep, scheme, host, err := parseEndpoint(endpoint)
		if err != nil {
			return nil, err
		}
		s.scheme, s.host = scheme, host
		s.clientOpts = append(s.clientOpts, option.WithEndpoint(ep))
	}

	keyJSON := cfg.ServiceAccountJSON
	if len(keyJSON) == 0 && cfg.ServiceAccountFile != "" {
		b, err := storage.ReadKeyFile("gcs: Config.ServiceAccountFile", cfg.ServiceAccountFile)
		if err != nil {
			return nil, err
		}
		keyJSON = b
	}
	if len(keyJSON) > 0 {
		var sa serviceAccount
		if err := json.Unmarshal(keyJSON, &sa); err != nil {
			return nil, fmt.Errorf("%w: gcs: service-account key is not JSON: %v", storage.ErrInvalidArgument, err)
		}
		if sa.Type != "service_account" || sa.ClientEmail == "" || sa.PrivateKey == "" {
			return nil, fmt.Errorf("%w: gcs: not a service-account key (type %q)", storage.ErrInvalidArgument, sa.Type)
		}
		if s.accessID == "" {
			s.accessID = sa.ClientEmail
		}
		if len(s.privateKey) == 0 && s.signBytes == nil {
			s.privateKey = []byte(sa.PrivateKey)
		}
		if !s.emulator {
			s.clientOpts = append(s.clientOpts, option.WithAuthCredentialsJSON(option.ServiceAccount, keyJSON))
		}
	}
	if s.emulator {
		s.clientOpts = append(s.clientOpts, option.WithoutAuthentication())
	}
	s.clientOpts = append(s.clientOpts, cfg.ClientOptions...)

	// Signing works with a key or a SignBytes function, or through the
	// credentials of a non-emulator client (the SDK finds a signer there).
	explicit := s.accessID != "" && (len(s.privateKey) > 0 || s.signBytes != nil)
	s.canSign = explicit || !s.emulator

	s.bucketURL = s.scheme + "://" + s.host + "/" + storage.EscapePath(s.bucket) + "/"
	if cfg.Client != nil {
		s.clientPassed = cfg.Client
	}
	return s, nil
}

// parseEndpoint turns "host:port", "http://host:port" or a full JSON API URL
// into the JSON API endpoint and the scheme and host of the XML API.
func parseEndpoint(e string) (ep, scheme, host string, err error) {
	if !strings.Contains(e, "://") {
		e = "http://" + e
	}
	u, err := url.Parse(e)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", "", fmt.Errorf("%w: gcs: invalid endpoint %q", storage.ErrInvalidArgument, e)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/storage/v1/"
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), u.Scheme, u.Host, nil
}

// chunkSize bounds and rounds a requested chunk size.
func chunkSize(n int) int {
	if n <= 0 {
		return DefaultChunkSize
	}
	n = min(max(n, MinChunkSize), MaxChunkSize)
	return roundUp(n, MinChunkSize)
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// NewDriver returns a driver for cfg.Bucket. It makes no request: a missing
// bucket or bad credentials show in the first operation.
func NewDriver(ctx context.Context, cfg Config) (*Driver, error) {
	s, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	attempts := cfg.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	s.maxAttempts = attempts
	c := s.clientPassed
	if c == nil {
		hc, err := httpClientOption(ctx, s.clientOpts, attempts)
		if err != nil {
			return nil, fmt.Errorf("gcs: creating the client: %w", err)
		}
		c, err = gcs.NewClient(ctx, append(s.clientOpts, hc)...)
		if err != nil {
			return nil, fmt.Errorf("gcs: creating the client: %w", err)
		}
		s.ownsClient = true
	}
	b := c.Bucket(s.bucket).Retryer(gcs.WithPolicy(gcs.RetryAlways), gcs.WithMaxAttempts(attempts), gcs.WithErrorFunc(shouldRetry))
	d := &Driver{s: s, client: c, bucket: b}
	d.check = bucketcheck.New(s.bucket, d.bucketExists)
	return d, nil
}

// New returns a storage over the bucket. Public URLs use the base URL given
// with storage.WithBaseURL among opts; without one, the bucket's
// storage.googleapis.com address when cfg.PublicBucket or cfg.Public
// declares the objects public, else URL fails (see storage.Storage.URL).
func New(ctx context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	d, err := NewDriver(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return storage.NewWithBucketURL(d, cfg.PublicBucket || cfg.Public, d.s.bucketURL, opts...)
}
