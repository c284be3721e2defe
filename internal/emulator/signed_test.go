package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests prove the credentials the harness hands out are accepted, by
// signing requests by hand (SigV4 for MinIO, Shared Key for Azurite): no SDK.

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// sigV4 returns the headers that sign an S3 request without a query string.
func sigV4(env S3Env, method, rawURL string, body []byte) map[string]string {
	u, _ := url.Parse(rawURL)
	now := time.Now().UTC()
	amzDate, day := now.Format("20060102T150405Z"), now.Format("20060102")
	payload := sha256Hex(body)
	const signed = "host;x-amz-content-sha256;x-amz-date"
	canonical := strings.Join([]string{
		method, u.EscapedPath(), "",
		"host:" + u.Host + "\nx-amz-content-sha256:" + payload + "\nx-amz-date:" + amzDate + "\n",
		signed, payload,
	}, "\n")
	scope := day + "/" + env.Region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
	key := hmacSHA256([]byte("AWS4"+env.SecretKey), day)
	for _, part := range []string{env.Region, "s3", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	return map[string]string{
		"x-amz-date":           amzDate,
		"x-amz-content-sha256": payload,
		"Authorization": fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
			env.AccessKey, scope, signed, hex.EncodeToString(hmacSHA256(key, toSign))),
	}
}

func TestS3SignedRoundTrip(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	env := S3(t)
	bucket := env.Endpoint + "/" + UniqueName("signed")
	do := func(method, u string, body []byte, want int) []byte {
		t.Helper()
		resp, data := httpDo(t, method, u, body, sigV4(env, method, u, body))
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %s %s", method, u, resp.Status, data)
		}
		return data
	}
	do(http.MethodPut, bucket, nil, http.StatusOK)
	do(http.MethodPut, bucket+"/dir/hello.txt", []byte("hello"), http.StatusOK)
	if got := do(http.MethodGet, bucket+"/dir/hello.txt", nil, http.StatusOK); string(got) != "hello" {
		t.Fatalf("GET = %q", got)
	}
	do(http.MethodDelete, bucket+"/dir/hello.txt", nil, http.StatusNoContent)
	do(http.MethodDelete, bucket, nil, http.StatusNoContent)
}

// sharedKey returns the headers that sign an Azure Blob request.
func sharedKey(t *testing.T, env AzureEnv, method, rawURL string, body []byte, extra map[string]string) map[string]string {
	u, _ := url.Parse(rawURL)
	h := map[string]string{"x-ms-date": time.Now().UTC().Format(http.TimeFormat), "x-ms-version": "2024-11-04"}
	for k, v := range extra {
		h[k] = v
	}
	var names []string
	for k := range h {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + h[k] + "\n")
	}
	resource := "/" + env.AccountName + u.EscapedPath()
	q := u.Query()
	var keys []string
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		resource += "\n" + strings.ToLower(k) + ":" + strings.Join(q[k], ",")
	}
	length := ""
	if len(body) > 0 {
		length = strconv.Itoa(len(body))
	}
	toSign := method + "\n\n\n" + length + "\n\n\n\n\n\n\n\n\n" + canonHeaders.String() + resource
	key, err := base64.StdEncoding.DecodeString(env.AccountKey)
	if err != nil {
		t.Fatal(err)
	}
	h["Authorization"] = "SharedKey " + env.AccountName + ":" + base64.StdEncoding.EncodeToString(hmacSHA256(key, toSign))
	return h
}

func TestAzureSignedRoundTrip(t *testing.T) {
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	env := Azure(t)
	container := env.BlobEndpoint + "/" + UniqueName("signed")
	do := func(method, u string, body []byte, extra map[string]string, want int) []byte {
		t.Helper()
		resp, data := httpDo(t, method, u, body, sharedKey(t, env, method, u, body, extra))
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %s %s", method, u, resp.Status, data)
		}
		return data
	}
	do(http.MethodPut, container+"?restype=container", nil, nil, http.StatusCreated)
	do(http.MethodPut, container+"/dir/hello.txt", []byte("hello"), map[string]string{"x-ms-blob-type": "BlockBlob"}, http.StatusCreated)
	if got := do(http.MethodGet, container+"/dir/hello.txt", nil, nil, http.StatusOK); string(got) != "hello" {
		t.Fatalf("GET = %q", got)
	}
	do(http.MethodDelete, container+"?restype=container", nil, nil, http.StatusAccepted)
}
