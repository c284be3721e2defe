package gcs

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cloud.google.com/go/auth"
	gcs "cloud.google.com/go/storage"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/go-storages/storage"
)

// uniformAccessError is the error the service returns for an object ACL
// (predefinedAcl=publicRead) on a bucket with uniform bucket-level access.
// fake-gcs-server has no uniform bucket-level access, so the mapping is
// tested on the service's documented error.
func uniformAccessError() error {
	return &googleapi.Error{
		Code:    http.StatusBadRequest,
		Message: "Cannot insert legacy ACL for an object when uniform bucket-level access is enabled. Read more at https://cloud.google.com/storage/docs/uniform-bucket-level-access",
		Errors: []googleapi.ErrorItem{{Reason: "invalid",
			Message: "Cannot insert legacy ACL for an object when uniform bucket-level access is enabled. Read more at https://cloud.google.com/storage/docs/uniform-bucket-level-access"}},
	}
}

func TestErrorKind(t *testing.T) {
	d := &Driver{s: &settings{bucket: "b"}}
	for _, c := range []struct {
		err  error
		want error
	}{
		{gcs.ErrObjectNotExist, storage.ErrNotExist},
		{fmt.Errorf("wrapped: %w", gcs.ErrBucketNotExist), storage.ErrBucketNotExist},
		{&googleapi.Error{Code: 404}, storage.ErrNotExist},
		{&googleapi.Error{Code: 412}, storage.ErrExist},
		{&googleapi.Error{Code: 403}, storage.ErrPermission},
		{&googleapi.Error{Code: 401}, storage.ErrPermission},
		{&googleapi.Error{Code: 400, Message: "Provided CRC32C \"AAAAAA==\" doesn't match calculated CRC32C"}, storage.ErrChecksum},
		{&googleapi.Error{Code: 400, Message: "Invalid argument."}, storage.ErrInvalidArgument},
		{uniformAccessError(), storage.ErrUnsupported},
		{&googleapi.Error{Code: 503}, nil},
		// A credential the token endpoint refuses, as the SDK reports it
		// (wrapped by the HTTP client in a *url.Error).
		{&url.Error{Op: "Get", URL: "https://storage.googleapis.com/b/o", Err: &auth.Error{
			Response: &http.Response{StatusCode: 400},
			Body:     []byte(`{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)}}, storage.ErrPermission},
		{&url.Error{Op: "Get", URL: "https://storage.googleapis.com/b/o", Err: &oauth2.RetrieveError{
			Response: &http.Response{StatusCode: 401}, ErrorCode: "invalid_client"}}, storage.ErrPermission},
		{&auth.Error{Response: &http.Response{StatusCode: 503}}, nil},
		{&auth.Error{Err: errors.New("no response")}, nil},
		{errors.New("other"), nil},
	} {
		if got := d.ErrorKind(c.err); got != c.want {
			t.Errorf("ErrorKind(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestUniformAccessErrorExplained(t *testing.T) {
	d := &Driver{s: &settings{bucket: "media"}}
	err := d.uploadError(t.Context(), uniformAccessError(), &storage.WriteOptions{Public: true}, nil)
	var ge *googleapi.Error
	if !errors.Is(err, storage.ErrUnsupported) || !errors.As(err, &ge) || !strings.Contains(err.Error(), `bucket "media" has uniform bucket-level access`) {
		t.Fatalf("public save on a uniform-access bucket: %v", err)
	}
	// Not public: the error passes through.
	if err := d.uploadError(t.Context(), uniformAccessError(), &storage.WriteOptions{}, nil); errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("private save: %v", err)
	}
}

func TestParseEndpoint(t *testing.T) {
	for in, want := range map[string][3]string{
		"127.0.0.1:4443":                       {"http://127.0.0.1:4443/storage/v1/", "http", "127.0.0.1:4443"},
		"http://127.0.0.1:4443":                {"http://127.0.0.1:4443/storage/v1/", "http", "127.0.0.1:4443"},
		"https://gcs.internal/storage/v1":      {"https://gcs.internal/storage/v1/", "https", "gcs.internal"},
		"https://private.googleapis.com/x/v1/": {"https://private.googleapis.com/x/v1/", "https", "private.googleapis.com"},
	} {
		ep, scheme, host, err := parseEndpoint(in)
		if err != nil || [3]string{ep, scheme, host} != want {
			t.Errorf("parseEndpoint(%q) = %q %q %q %v, want %q", in, ep, scheme, host, err, want)
		}
	}
	if _, _, _, err := parseEndpoint("ftp://x"); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("ftp endpoint: %v", err)
	}
}

func TestChunkSizeBounds(t *testing.T) {
	for in, want := range map[int]int{0: DefaultChunkSize, -1: DefaultChunkSize, 1: MinChunkSize, MinChunkSize + 1: 2 * MinChunkSize,
		8 << 20: 8 << 20, 1 << 30: MaxChunkSize} {
		if got := chunkSize(in); got != want {
			t.Errorf("chunkSize(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestDefaultURLs(t *testing.T) {
	s, err := resolve(Config{Bucket: "my-media"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.emulator && s.bucketURL != "https://storage.googleapis.com/my-media/" {
		t.Fatalf("production bucket URL %q", s.bucketURL)
	}
	s, err = resolve(Config{Bucket: "b", Endpoint: "http://127.0.0.1:9", Emulator: true})
	if err != nil || s.bucketURL != "http://127.0.0.1:9/b/" || s.canSign {
		t.Fatalf("emulator: %+v %v", s, err)
	}
}
