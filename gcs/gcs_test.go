package gcs_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	gcssdk "cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/emulator"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// testEnv is the emulator, the run's own bucket and the RSA key that signs
// URLs in the tests (standing in for a service-account key).
type testEnv struct {
	host     string // host:port of fake-gcs-server (or STORAGE_EMULATOR_HOST)
	bucket   string
	key      *rsa.PrivateKey
	keyPEM   []byte
	email    string
	keyJSON  []byte // a service-account key file holding key and email
	endpoint string
}

var (
	envOnce sync.Once
	envVal  testEnv
	envErr  error
)

// env returns the shared test environment, creating the run's uniquely named
// bucket on first use.
func env(t testing.TB) testEnv {
	t.Helper()
	e := emulator.GCS(t)
	envOnce.Do(func() {
		envVal, envErr = setup(e.Host)
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	return envVal
}

func setup(host string) (testEnv, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return testEnv{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return testEnv{}, err
	}
	e := testEnv{
		host:     host,
		bucket:   emulator.UniqueName("gost"),
		key:      key,
		keyPEM:   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		email:    "signer@gost-test.iam.gserviceaccount.com",
		endpoint: "http://" + host + "/storage/v1/",
	}
	e.keyJSON, _ = json.Marshal(map[string]string{
		"type": "service_account", "client_email": e.email, "private_key": string(e.keyPEM),
		"project_id": "gost-test", "private_key_id": "test",
	})
	ctx := context.Background()
	c, err := sdkClient(ctx, e)
	if err != nil {
		return testEnv{}, err
	}
	defer c.Close()
	if err := c.Bucket(e.bucket).Create(ctx, "gost-test", nil); err != nil {
		return testEnv{}, err
	}
	return e, nil
}

func sdkClient(ctx context.Context, e testEnv, opts ...option.ClientOption) (*gcssdk.Client, error) {
	return gcssdk.NewClient(ctx, append([]option.ClientOption{option.WithEndpoint(e.endpoint), option.WithoutAuthentication()}, opts...)...)
}

// config is the driver configuration for the test bucket, with the test key
// for signing.
func (e testEnv) config() gcs.Config {
	// fake-gcs-server serves every object anonymously: the bucket is
	// declared public so URL(name) is the emulator's object URL.
	return gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, Emulator: true, ServiceAccountJSON: e.keyJSON, PublicBucket: true}
}

// newStorage returns a storage over a fresh location prefix of the test
// bucket; the prefix is emptied when the test ends.
func newStorage(t testing.TB, cfg gcs.Config, opts ...storage.Option) *storage.Storage {
	t.Helper()
	prefix := newPrefix()
	st, err := gcs.New(t.Context(), cfg, append([]storage.Option{storage.WithLocation(prefix)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	prefixes.Store(st, prefix+"/")
	t.Cleanup(func() {
		drv := driverof.Get(st).(*gcs.Driver)
		emptyPrefix(t, drv.Bucket(), prefix+"/")
		st.Close()
	})
	return st
}

// prefixes maps each storage of newStorage to its location prefix.
var prefixes sync.Map

// fullName is the stored name (location prefix included) of name in st.
func fullName(st *storage.Storage, name string) string {
	p, _ := prefixes.Load(st)
	return p.(string) + name
}

func newPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "t-" + hex.EncodeToString(b[:])
}

const prefixLen = len("t-") + 12 + 1

func emptyPrefix(t testing.TB, b *gcssdk.BucketHandle, prefix string) {
	ctx := context.Background()
	it := b.Objects(ctx, &gcssdk.Query{Prefix: prefix})
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return
		}
		if err != nil {
			t.Errorf("cleanup: listing %s: %v", prefix, err)
			return
		}
		if err := b.Object(a.Name).Delete(ctx); err != nil && !errors.Is(err, gcssdk.ErrObjectNotExist) {
			t.Errorf("cleanup: deleting %s: %v", a.Name, err)
		}
	}
}

// TestConformance runs the shared suite against fake-gcs-server (or the
// emulator of STORAGE_EMULATOR_HOST): the run's own bucket, a fresh location
// prefix per case. Public URLs are the emulator's own object URLs; signed
// URLs are signed with the test key, and the emulator serves them without
// checking signatures, so the harness sets SignaturesNotEnforced and the
// suite skips the expired and tampered cases (TestSignedURLVerified checks
// the signatures instead).
const rewriteIgnoresPrecondition = "fake-gcs-server ignores ifGenerationMatch=0 on a rewrite's destination (Copy with Fail or Rename); GCS honours it"

func TestConformance(t *testing.T) {
	e := env(t)
	// fake-gcs-server decompresses a gzip object for every request without
	// "Accept-Encoding: gzip", Cache-Control: no-transform or not; GCS serves
	// it as stored to every request when no-transform is set, which the
	// driver sets on gzip objects (TestGzipNoTransform).
	transcodes := "fake-gcs-server decompresses gzip objects for requests without Accept-Encoding: gzip even with Cache-Control: no-transform; " +
		"GCS serves an object whose Cache-Control has no-transform as stored (compressed) to every request, whatever its Accept-Encoding " +
		"(https://cloud.google.com/storage/docs/transcoding), and the driver sets no-transform on gzip objects (TestGzipNoTransform)"
	conformance.Run(t, conformance.Harness{
		New:       func(t *testing.T) *storage.Storage { return newStorage(t, e.config()) },
		NameLimit: storage.MaxNameLength - prefixLen,
		SignaturesNotEnforced: "fake-gcs-server serves signed URLs without checking their signatures " +
			"(TestSignedURLVerified recomputes every V4 signature instead)",
		Known: map[string]string{
			"encoding/public-url-without-accept-encoding": transcodes,
			"encoding/signed-url-without-accept-encoding": transcodes,
			// GCS applies ifGenerationMatch=0 to the destination of a
			// rewrite (objects.rewrite, "ifGenerationMatch: makes the
			// operation conditional on whether the destination object's
			// current generation matches the given value; 0 matches only
			// if there is no live object"); fake-gcs-server's rewrite
			// ignores the precondition and replaces the destination.
			"copy/rename-taken-destination":       rewriteIgnoresPrecondition,
			"copy/rename-taken-destination-large": rewriteIgnoresPrecondition,
			"copy/fail-taken-destination":         rewriteIgnoresPrecondition,
			"copy/server-side-rename-taken":       rewriteIgnoresPrecondition,
		},
		MissingBucket: func(t *testing.T) *storage.Storage {
			cfg := e.config()
			cfg.Bucket = emulator.UniqueName("gost-missing")
			return bareStorage(t, cfg)
		},
		WrongCredential: func(t *testing.T) *storage.Storage {
			// The SDK goes unauthenticated whenever STORAGE_EMULATOR_HOST
			// is set (tests against an existing emulator): clear it while
			// the client is made.
			t.Setenv("STORAGE_EMULATOR_HOST", "")
			return bareStorage(t, refusedKeyConfig(t, e))
		},
	})
}

// bareStorage is a storage over cfg (a location prefix, no cleanup of
// objects) for the cases where nothing can be stored.
func bareStorage(t *testing.T, cfg gcs.Config) *storage.Storage {
	st, err := gcs.New(t.Context(), cfg, storage.WithLocation(newPrefix()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// refusedKeyConfig is the test bucket's configuration authenticated (not in
// emulator mode) with a service-account key that the token endpoint refuses.
// fake-gcs-server checks no credential at all, so the refusal comes from
// where Google's comes from for a deleted or wrong key, the OAuth token
// endpoint (the key file's token_uri): a local one that answers as
// oauth2.googleapis.com documents, 400 {"error": "invalid_grant"}. The SDK's
// real authentication flow runs; the request never reaches the emulator. A
// token that GCS itself refuses (401) is mapped by ErrorKind and tested on
// the service's error in internal_test.go.
func refusedKeyConfig(t *testing.T, e testEnv) gcs.Config {
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
	}))
	t.Cleanup(tokens.Close)
	var key map[string]string
	if err := json.Unmarshal(e.keyJSON, &key); err != nil {
		t.Fatal(err)
	}
	key["token_uri"] = tokens.URL + "/token"
	keyJSON, _ := json.Marshal(key)
	return gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, ServiceAccountJSON: keyJSON}
}

// countingTransport counts requests by method and records the paths.
type countingTransport struct {
	rt     http.RoundTripper
	n      atomic.Int64
	ranged atomic.Int64
	mu     sync.Mutex
	reqs   []string
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	if r.Header.Get("Range") != "" {
		c.ranged.Add(1)
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, r.Method+" "+r.URL.Path+" "+r.Header.Get("Range"))
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

func (c *countingTransport) reset() {
	c.n.Store(0)
	c.ranged.Store(0)
	c.mu.Lock()
	c.reqs = nil
	c.mu.Unlock()
}

func (c *countingTransport) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.reqs, "\n")
}

// countedConfig is e.config() with an HTTP client that counts requests.
func countedConfig(e testEnv) (gcs.Config, *countingTransport) {
	ct := &countingTransport{rt: http.DefaultTransport}
	cfg := e.config()
	cfg.ClientOptions = []option.ClientOption{option.WithHTTPClient(&http.Client{Transport: ct})}
	return cfg, ct
}

// The SDK reports a missing bucket as ErrObjectNotExist: the driver asks for
// the bucket once to tell them apart and trusts the answer, so a burst of
// Exists calls on missing objects costs one extra request.
func TestMissingObjectBucketCheckCost(t *testing.T) {
	e := env(t)
	cfg, ct := countedConfig(e)
	st := newStorage(t, cfg)
	ct.reset()
	for i := range 10 {
		ok, err := st.Exists(t.Context(), "missing-"+strings.Repeat("x", i))
		if ok || err != nil {
			t.Fatalf("Exists(missing) = %v, %v", ok, err)
		}
	}
	if n := ct.n.Load(); n != 11 {
		t.Fatalf("10 Exists of missing objects sent %d requests, want 11:\n%s", n, ct.log())
	}
	cfg.Bucket = emulator.UniqueName("gost-missing")
	_, err := bareStorage(t, cfg).Stat(t.Context(), "x")
	var ge *googleapi.Error
	if !errors.Is(err, storage.ErrBucketNotExist) || errors.Is(err, storage.ErrNotExist) || !errors.As(err, &ge) {
		t.Fatalf("Stat on a missing bucket = %v", err)
	}
}
