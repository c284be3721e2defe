package s3_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

// FuzzOpenURLSecrets opens s3 URLs whose secret parameters (access key,
// secret key, session token) are fuzzed: parsing and opening never panic
// and no error shows a secret. Opening does no I/O.
func FuzzOpenURLSecrets(f *testing.F) {
	const marker = "Zs3cr3tQ"
	f.Add("bucket", "AKIA", "secret", "", "region=eu-west-1")
	f.Add("b", "", "s", "tok", "endpoint=%zz")
	f.Add("", "k", "", "", "part_size=-5&endpoint=ftp://x")
	f.Add("b", "k", "s", "t", "endpoint=127.0.0.1:9000&disable_https=true&cloudfront_key_id=K")
	f.Fuzz(func(t *testing.T, bucket, access, secret, token, extra string) {
		if strings.Contains(strings.ToLower(bucket+extra), strings.ToLower(marker)) {
			return
		}
		v := url.Values{}
		for k, s := range map[string]string{"access_key_id": access, "secret_access_key": secret, "session_token": token} {
			if s != "" {
				v.Set(k, marker+s)
			}
		}
		raw := (&url.URL{Scheme: "s3", Host: bucket, RawQuery: v.Encode()}).String()
		if extra != "" {
			raw += "&" + extra
		}
		st, err := storage.Open(context.Background(), raw)
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(marker)) {
				t.Fatalf("Open(%q): error shows a secret: %v", raw, err)
			}
			return
		}
		st.Close()
	})
}
