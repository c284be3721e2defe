package gocloud_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	gcs "cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"gocloud.dev/blob/azureblob"
	"gocloud.dev/blob/gcsblob"
	"google.golang.org/api/option"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/emulator"
)

// gcsblobStorage is the bridge over gcsblob on bucket of the test GCS
// emulator, through the SDK client made with opts.
func gcsblobStorage(t *testing.T, bucket string, opts ...option.ClientOption) *storage.Storage {
	c, err := gcs.NewClient(t.Context(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	// Signing credentials, so that SignedURL works (locally, without I/O).
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	b, err := gcsblob.OpenBucket(t.Context(), nil, bucket, &gcsblob.Options{Client: c,
		GoogleAccessID: "signer@gost-test.iam.gserviceaccount.com", PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})})
	if err != nil {
		t.Fatal(err)
	}
	st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "gs"}, storage.WithLocation("case"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); c.Close() })
	return st
}

// refusedGoogleKey is a service-account key whose token endpoint (a local
// one) refuses it as oauth2.googleapis.com refuses a deleted or wrong key:
// 400 {"error": "invalid_grant"}. fake-gcs-server checks no credential, so
// this is where the refusal comes from for real (as in the gcs driver's
// conformance test).
func refusedGoogleKey(t *testing.T) []byte {
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
	}))
	t.Cleanup(tokens.Close)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyJSON, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_email": "refused@gost-test.iam.gserviceaccount.com",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"project_id":  "gost-test", "private_key_id": "refused", "token_uri": tokens.URL + "/token",
	})
	return keyJSON
}

// TestBucketErrorsGCSblob runs the suite's bucket group over gcsblob
// against fake-gcs-server: a missing bucket is ErrBucketNotExist, and a
// credential the token endpoint refuses is ErrPermission (gocloud.dev
// reports it Unknown).
func TestBucketErrorsGCSblob(t *testing.T) {
	e := emulator.GCS(t)
	bucket := emulator.NewGCSBucket(t, e, "gost-gcsblob")
	endpoint := option.WithEndpoint("http://" + e.Host + "/storage/v1/")
	conformance.Run(t, conformance.Harness{
		Groups: []string{"bucket"},
		New: func(t *testing.T) *storage.Storage {
			return gcsblobStorage(t, bucket, endpoint, option.WithoutAuthentication())
		},
		MissingBucket: func(t *testing.T) *storage.Storage {
			return gcsblobStorage(t, emulator.UniqueName("gost-missing"), endpoint, option.WithoutAuthentication())
		},
		WrongCredential: func(t *testing.T) *storage.Storage {
			// The SDK goes unauthenticated whenever STORAGE_EMULATOR_HOST
			// is set: clear it while the client is made.
			t.Setenv("STORAGE_EMULATOR_HOST", "")
			return gcsblobStorage(t, bucket, endpoint, option.WithAuthCredentialsJSON(option.ServiceAccount, refusedGoogleKey(t)))
		},
	})
}

// azureblobStorage is the bridge over azureblob on the container of the
// test Azure service, authenticated with key.
func azureblobStorage(t *testing.T, e emulator.AzureEnv, name, key string) *storage.Storage {
	cred, err := container.NewSharedKeyCredential(e.AccountName, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := container.NewClientWithSharedKeyCredential(e.BlobEndpoint+"/"+name, cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := azureblob.OpenBucket(t.Context(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "azblob"}, storage.WithLocation("case"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBucketErrorsAzureblob runs the suite's bucket group over azureblob
// against Azurite: a missing container is ErrBucketNotExist, a wrong
// account key ErrPermission.
func TestBucketErrorsAzureblob(t *testing.T) {
	e := emulator.Azure(t)
	name := emulator.NewAzureContainer(t, e, "gost-azureblob")
	wrong := make([]byte, 64)
	_, _ = rand.Read(wrong)
	conformance.Run(t, conformance.Harness{
		Groups: []string{"bucket"},
		New:    func(t *testing.T) *storage.Storage { return azureblobStorage(t, e, name, e.AccountKey) },
		MissingBucket: func(t *testing.T) *storage.Storage {
			return azureblobStorage(t, e, emulator.UniqueName("gost-missing"), e.AccountKey)
		},
		WrongCredential: func(t *testing.T) *storage.Storage {
			return azureblobStorage(t, e, name, base64.StdEncoding.EncodeToString(wrong))
		},
	})
}
