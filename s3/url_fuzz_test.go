package s3_test

import (
	"testing"

	"github.com/go-storages/storage/internal/urlsecrets"
)

// FuzzOpenURLSecrets opens s3 URLs whose secret parameters (access key,
// secret key, session token) are fuzzed: parsing and opening never panic
// and no error shows a secret. Opening does no I/O.
func FuzzOpenURLSecrets(f *testing.F) {
	f.Add("bucket", "AKIA", "secret", "", "region=eu-west-1")
	f.Add("b", "", "s", "tok", "endpoint=%zz")
	f.Add("", "k", "", "", "part_size=-5&endpoint=ftp://x")
	f.Add("b", "k", "s", "t", "endpoint=127.0.0.1:9000&disable_https=true&cloudfront_key_id=K")
	f.Fuzz(func(t *testing.T, bucket, access, secret, token, extra string) {
		urlsecrets.Check(t, "s3", bucket,
			map[string]string{"access_key_id": access, "secret_access_key": secret, "session_token": token}, nil, extra)
	})
}
