// Package azure is the Azure Blob Storage driver for go-storages, built on the
// official SDK (github.com/Azure/azure-sdk-for-go/sdk/storage/azblob).
//
// It authenticates with an account key, a connection string (the standard
// AZURE_STORAGE_CONNECTION_STRING is honoured when nothing else is
// configured), a SAS token, or any azcore.TokenCredential (azidentity).
// Objects are block blobs in one container.
//
// Uploads stream with bounded memory: a body that fits in one block is sent
// with a single Put Blob; a larger one is cut into blocks staged in parallel
// from a bounded pool of buffers (an *os.File is read in sections, without
// copying), under a byte budget shared by every upload of the process, and
// the block list is committed only after every block was staged, the body
// was read to the end and the checksums matched, so a failed or cancelled
// upload never leaves a visible blob. The Fail and Rename conflict policies
// use If-None-Match: * and cannot lose a race; see [Driver.Write] for what
// happens when another writer takes the name during a large streamed upload
// (the upload fails with storage.ErrExist, as blocks cannot move to another
// name; a file is uploaded again under the new name). Concurrent overwrites
// of one name with bodies larger than a block: Azure discards every
// uncommitted block of a blob when one writer commits, so a body that can be
// read again (a file, an io.Seeker) is staged again and every overwrite
// succeeds (the last commit wins), while a plain stream that lost the race
// fails with storage.ErrChanged and stores nothing.
//
// Reads are one GET each, ranged unless the whole blob is read; the portable
// storage.Reader seeks, serves small ReadAt calls, resumes broken streams
// and, with [Config.DownloadConcurrency], downloads large blobs in parallel
// ranges with bounded memory. Every request after the first
// carries If-Match with the blob's ETag, so a reader reads one version and
// fails with storage.ErrChanged once it was replaced. A whole read (Read to
// the end, WriteTo, ReadRange of the whole blob) is verified against the
// CRC32C this driver stores in the metadata of staged uploads, or else the
// Content-MD5 Azure keeps for a blob uploaded in one request, and fails with
// storage.ErrChecksum on a mismatch; blobs with neither (staged by other
// tools, or with DisableChecksums) are not verified. Copy is server-side,
// under every conflict policy (Fail and Rename copy with If-None-Match: * on
// the destination: [Driver.Copy]). Signed URLs are SAS URLs, signed with the
// account key or, with a token credential, a user-delegation key cached until
// shortly before it expires.
//
// Azure has no per-blob ACL: Capabilities.PublicObjects is false and
// SaveOptions.Public is refused with storage.ErrUnsupported. Public URLs use
// the storage's base URL (storage.WithBaseURL, base_url: a CDN or Front Door
// domain); without one, the container's URL on the service endpoint when the
// container is declared public ([Config.PublicBucket]: its access level
// allows anonymous blob reads), and otherwise URL fails with an error
// matching storage.ErrUnsupported rather than hand out a dead link.
//
// A missing container is storage.ErrBucketNotExist from every operation
// (Azure names it, ContainerNotFound, even in the x-ms-error-code header of
// a HEAD response), never storage.ErrNotExist; a refused credential
// (AuthenticationFailed for a wrong account key, an authorization failure) is
// storage.ErrPermission.
//
// Metadata keys must be C# identifiers in Azure: letters, digits and '_',
// not starting with a digit. Portable keys that are not (such as
// "x-trace_id": the portable layer allows '-') are stored under a reversible
// encoding and decoded when read, or, with [Config.StrictMetadataKeys],
// refused with an error matching storage.ErrInvalidArgument that names the
// key. Values that are not plain printable ASCII are stored RFC 2047 encoded
// and decoded transparently.
package azure

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/asptr"
)

// Defaults for the zero values of [Config].
const (
	// DefaultBlockSize is the size of a staged block and of a download chunk.
	DefaultBlockSize = 4 << 20
	// DefaultConcurrency is the number of blocks one upload stages at once.
	DefaultConcurrency = 4
	// MaxBlocks is the most blocks a block blob can have.
	MaxBlocks = 50000
)

// EnvConnectionString is the environment variable read when a Config names
// no credential at all.
const EnvConnectionString = "AZURE_STORAGE_CONNECTION_STRING"

// Config configures a Driver. Exactly one way to authenticate is used, in
// this order: Credential, AccountKey, SASToken, ConnectionString, then the
// AZURE_STORAGE_CONNECTION_STRING environment variable.
type Config struct {
	// Container is the name of the container that holds the objects. It
	// must exist. Required. In a URL, the host: azblob://container/prefix.
	Container string `url:",host=container"`

	// ConnectionString is an Azure Storage connection string
	// ("DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...",
	// or one with BlobEndpoint= and SharedAccessSignature=). Empty: the
	// other fields, else AZURE_STORAGE_CONNECTION_STRING.
	ConnectionString string `url:"connection_string,secret"`

	// AccountName is the storage account. It is needed with AccountKey and
	// to derive the default ServiceURL; it is taken from the connection
	// string otherwise.
	AccountName string `url:"storage_account|account_name"`
	// AccountKey is the account's shared key (base64); with it the driver
	// signs SAS URLs itself.
	AccountKey string `url:"account_key,secret"`
	// SASToken authenticates every request with a SAS (query string, with or
	// without the leading "?"). Such a driver cannot sign URLs.
	SASToken string `url:"sas_token,secret"`
	// Credential is a token credential (for example from azidentity). URLs
	// are then signed with a user-delegation key.
	Credential azcore.TokenCredential

	// ServiceURL is the blob service endpoint, such as
	// "https://account.blob.core.windows.net/" or an emulator's
	// "http://127.0.0.1:10000/devstoreaccount1". Empty: from the connection
	// string, else https://<AccountName>.blob.core.windows.net/.
	ServiceURL string `url:"service_url"`

	// PublicBucket declares the container public (its access level,
	// "blob" or "container", allows anonymous blob reads): without a base
	// URL (storage.WithBaseURL, the one way to set a CDN or Front Door
	// domain), public URLs are then the container's URL on the service
	// endpoint. False: URL fails with an error matching
	// storage.ErrUnsupported unless a base URL is set.
	PublicBucket bool `url:"public_bucket"`

	// BlockSize is the size of staged blocks and of parallel download
	// chunks. Zero: DefaultBlockSize. A body that fits in one block is
	// uploaded with a single request.
	BlockSize int64 `url:"block_size"`
	// Concurrency is the number of blocks one upload stages in parallel.
	// Zero: DefaultConcurrency. An upload holds at most Concurrency+1
	// buffers of BlockSize bytes.
	Concurrency int `url:"concurrency"`
	// DownloadConcurrency is the number of ranges of BlockSize bytes that
	// the portable reader fetches in parallel to download a large blob
	// (storage.Capabilities.ReadParts), holding one buffer per range,
	// within storage.ReadBudget. Zero or 1: the
	// body's single response streams, which measured fastest against
	// Azurite (see BENCHMARKS.md); more pays off where one connection's
	// throughput is capped, as on Azure across regions.
	DownloadConcurrency int `url:"download_concurrency"`
	// Budget bounds the bytes of upload buffers in use at once, across
	// every upload that shares it; a block of a stream is never larger than
	// the budget. Nil: storage.DefaultBudget(), shared by every driver of
	// the process (s3, gcs, azure) created without one.
	Budget *storage.Budget `url:"budget"`

	// AccessTier is the tier of new blobs ("Hot", "Cool", "Cold",
	// "Archive"); empty: the account's default. SaveOptions can override it
	// per call with a *SaveOptions in SaveOptions.DriverOptions.
	AccessTier blob.AccessTier `url:"access_tier,enum=Hot|Cool|Cold|Archive"`

	// DisableChecksums skips the checksum of bodies larger than one block
	// (files and streams uploaded in blocks), whose blobs then have none;
	// Capabilities.Checksums is false. False: their CRC32C (hardware
	// accelerated, unlike MD5, so uploads keep their speed) is computed
	// while uploading and kept in the blob's metadata under "gost_crc32c",
	// which Stat and Read report as Checksums.CRC32C and leave out of
	// Metadata. Bodies of one block always carry their MD5 (Content-MD5).
	DisableChecksums bool `url:"disable_checksums"`

	// StrictMetadataKeys refuses, with an error matching
	// storage.ErrInvalidArgument that names the key, metadata keys Azure
	// does not accept as they are (keys with '-', keys starting with a digit
	// or with "__"). False: such keys are stored encoded as "__" and the key
	// with '_' written "_5f" and '-' written "_2d" ("x-trace_id" becomes
	// "__x_2dtrace_5fid"), and decoded when read, so every portable key
	// round-trips; other Azure clients see the encoded name.
	StrictMetadataKeys bool `url:"strict_metadata_keys"`

	// ClientOptions tune the SDK's HTTP pipeline (transport, retries,
	// logging). Nil: the SDK's defaults.
	ClientOptions *azblob.ClientOptions

	// MaxAttempts bounds the attempts of one request, the first included:
	// Config.MaxAttempts, else ClientOptions.Retry.MaxRetries+1 when set,
	// else DefaultMaxAttempts (4, as on the S3 and GCS drivers; URL
	// parameter max_attempts on all three). The SDK retries 408, 429, 500,
	// 502, 503, 504 and broken connections with exponential backoff and
	// jitter, no sooner than a Retry-After (or x-ms-retry-after-ms) says.
	MaxAttempts int `url:"max_attempts"`
}

// SaveOptions are the Azure-specific options of one Save, passed as
// storage.SaveOptions.DriverOptions.
type SaveOptions struct {
	// AccessTier overrides Config.AccessTier for this blob.
	AccessTier blob.AccessTier
	// Tags are blob index tags set with the blob.
	Tags map[string]string
}

// Driver implements storage.Driver for Azure Blob Storage.
type Driver struct {
	cfg       Config
	svc       *service.Client
	cont      *container.Client
	sharedKey *azblob.SharedKeyCredential // nil: cannot sign with the account key
	token     azcore.TokenCredential      // nil: no user-delegation signing
	budget    *storage.Budget
	fromInput atomic.Int64 // uploads read at offsets from the input (tests)
	contURL   string       // the container's URL on the service endpoint, with "/"
	httpOnly  bool         // the endpoint is plain http (emulators)
	udk       udkCache
}

// New returns a Storage over the container cfg names. Public URLs use the
// base URL given with storage.WithBaseURL among opts; without one, the
// container's URL when cfg.PublicBucket declares it public, else URL fails
// (see storage.Storage.URL).
func New(ctx context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	d, err := NewDriver(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return storage.NewWithBucketURL(d, cfg.PublicBucket, d.contURL, opts...)
}

// newDefaultCredential is New with azidentity's DefaultAzureCredential, as
// a URL's credential=default asks: azidentity reads the environment when
// the storage opens, not while the URL is parsed.
func newDefaultCredential(ctx context.Context, c Config, opts ...storage.Option) (*storage.Storage, error) {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("azure: credential=default: %w", err)
	}
	c.Credential = cred
	return New(ctx, c, opts...)
}

// NewDriver returns the bare driver. It does no I/O: a missing container or
// a wrong credential shows up on the first call.
func NewDriver(ctx context.Context, cfg Config) (*Driver, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Container == "" {
		return nil, invalidf("azure: Config.Container is required")
	}
	if cfg.BlockSize == 0 {
		cfg.BlockSize = DefaultBlockSize
	}
	if cfg.BlockSize < 64<<10 || cfg.BlockSize > 4000<<20 {
		return nil, invalidf("azure: Config.BlockSize must be between 64 KiB and 4000 MiB")
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Concurrency < 1 {
		return nil, invalidf("azure: Config.Concurrency must be positive")
	}
	if cfg.DownloadConcurrency < 0 {
		return nil, invalidf("azure: Config.DownloadConcurrency must not be negative")
	}
	if cfg.AccessTier != "" {
		if err := checkTier(cfg.AccessTier); err != nil {
			return nil, err
		}
	}
	d := &Driver{cfg: cfg, budget: cfg.Budget}
	if d.budget == nil {
		d.budget = storage.DefaultBudget()
	}
	if err := d.connect(); err != nil {
		return nil, err
	}
	d.cont = d.svc.NewContainerClient(cfg.Container)
	d.contURL = strings.TrimSuffix(d.cont.URL(), "/") + "/"
	if u, err := url.Parse(d.cont.URL()); err == nil && u.Scheme == "http" {
		d.httpOnly = true
	}
	return d, nil
}

// kindError is an error of the driver that matches one of the storage
// sentinels without repeating its text.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func kindf(kind error, format string, args ...any) error {
	return &kindError{kind, fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) error {
	return kindf(storage.ErrInvalidArgument, format, args...)
}

func (d *Driver) connect() error {
	cfg := d.cfg
	// A copy of the caller's options with the driver's own policies: the
	// attempt counter the commit checks use (commit.go).
	copts := &service.ClientOptions{}
	if cfg.ClientOptions != nil {
		*copts = service.ClientOptions(*cfg.ClientOptions)
	}
	copts.PerCallPolicies = append(slices.Clip(copts.PerCallPolicies), identityEncoding{})
	copts.PerRetryPolicies = append(slices.Clip(copts.PerRetryPolicies), countAttempts{})
	copts.Retry.MaxRetries = maxRetries(cfg.MaxAttempts, copts.Retry.MaxRetries)
	serviceURL := cfg.ServiceURL
	if serviceURL == "" && cfg.AccountName != "" {
		serviceURL = "https://" + cfg.AccountName + ".blob.core.windows.net/"
	}
	var err error
	switch {
	case cfg.Credential != nil:
		if serviceURL == "" {
			return invalidf("azure: a token credential needs ServiceURL or AccountName")
		}
		d.token = cfg.Credential
		d.svc, err = service.NewClient(serviceURL, cfg.Credential, copts)
	case cfg.AccountKey != "":
		if cfg.AccountName == "" || serviceURL == "" {
			return invalidf("azure: AccountKey needs AccountName")
		}
		d.sharedKey, err = azblob.NewSharedKeyCredential(cfg.AccountName, cfg.AccountKey)
		if err != nil {
			return invalidf("azure: account key: %v", err)
		}
		d.svc, err = service.NewClientWithSharedKeyCredential(serviceURL, d.sharedKey, copts)
	case cfg.SASToken != "":
		if serviceURL == "" {
			return invalidf("azure: a SAS token needs ServiceURL or AccountName")
		}
		d.svc, err = service.NewClientWithNoCredential(strings.TrimSuffix(serviceURL, "/")+"/?"+strings.TrimPrefix(cfg.SASToken, "?"), copts)
	default:
		cs := cfg.ConnectionString
		if cs == "" {
			cs = os.Getenv(EnvConnectionString)
		}
		if cs == "" {
			return invalidf("azure: no credential: set Config.ConnectionString, AccountKey, SASToken or Credential, or %s", EnvConnectionString)
		}
		name, key := connStringKey(cs)
		if name != "" && key != "" {
			if d.sharedKey, err = azblob.NewSharedKeyCredential(name, key); err != nil {
				return invalidf("azure: account key in connection string: %v", err)
			}
		}
		if cfg.ServiceURL != "" && d.sharedKey != nil {
			d.svc, err = service.NewClientWithSharedKeyCredential(cfg.ServiceURL, d.sharedKey, copts)
		} else {
			d.svc, err = service.NewClientFromConnectionString(cs, copts)
		}
	}
	if err != nil {
		return invalidf("azure: %v", err)
	}
	return nil
}

// identityEncoding sends "Accept-Encoding: identity" on every request that
// does not name an encoding. The SDK sends none, so Go's HTTP transport
// would ask for gzip itself and transparently decode a blob stored with
// Content-Encoding: gzip, dropping Content-Length: the body of such a blob
// read as its decoded bytes, or as nothing where the size came from
// Content-Length. With the header set, the transport leaves the body as it
// is and the stored bytes come back exactly (Azure never transcodes).
type identityEncoding struct{}

func (identityEncoding) Do(req *policy.Request) (*http.Response, error) {
	if h := req.Raw().Header; h.Get("Accept-Encoding") == "" {
		h.Set("Accept-Encoding", "identity")
	}
	return req.Next()
}

// connStringKey returns the account name and key of a connection string, if
// it has them (the development-storage shortcut included).
func connStringKey(cs string) (name, key string) {
	for _, part := range strings.Split(cs, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "accountname":
			name = v
		case "accountkey":
			key = v
		case "usedevelopmentstorage":
			if strings.EqualFold(v, "true") {
				name, key = azuriteAccount, azuriteKey
			}
		}
	}
	return name, key
}

// The well-known development storage account of Azurite and the old emulator.
const (
	azuriteAccount = "devstoreaccount1"
	azuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities {
	canSign := d.sharedKey != nil || d.token != nil
	return storage.Capabilities{
		ConditionalCreate: true,
		ServerSideCopy:    true,
		Metadata:          true,
		SignedURL:         canSign,
		SignedPutURL:      canSign,
		SignTime:          canSign,
		PublicObjects:     false,
		Checksums:         !d.cfg.DisableChecksums,
		ReadParts:         d.cfg.DownloadConcurrency,
		ReadPartSize:      d.cfg.BlockSize,
	}
}

// ContainerClient returns the SDK client of the driver's container, for
// what the portable API does not cover.
func (d *Driver) ContainerClient() *container.Client { return d.cont }

// As implements storage.Storage.As: a **container.Client gets the
// container's SDK client.
func (d *Driver) As(target any) bool { return asptr.Set(target, d.cont) }

// Close implements storage.Driver. The SDK holds no resources that need
// releasing; Close is a no-op.
func (d *Driver) Close() error { return nil }

func checkTier(t blob.AccessTier) error {
	for _, v := range blob.PossibleAccessTierValues() {
		if strings.EqualFold(string(v), string(t)) {
			return nil
		}
	}
	return invalidf("azure: unknown access tier %q", t)
}

// saveOptions returns the per-call options carried in DriverOptions.
func (d *Driver) saveOptions(o any) (*SaveOptions, error) {
	so := &SaveOptions{AccessTier: d.cfg.AccessTier}
	v, err := storage.OptionsFor[*SaveOptions]("azure", o)
	if err != nil || v == nil {
		return so, err
	}
	if v.AccessTier != "" {
		if err := checkTier(v.AccessTier); err != nil {
			return nil, err
		}
		so.AccessTier = v.AccessTier
	}
	so.Tags = v.Tags
	return so, nil
}

// DriverName implements storage.DriverOptions: "azure". Other drivers
// ignore these options.
func (*SaveOptions) DriverName() string { return "azure" }

var errPublic = kindf(storage.ErrUnsupported, "azure: Azure Blob Storage has no per-blob ACL; make the container's access level public, serve through a CDN, or use signed URLs")
