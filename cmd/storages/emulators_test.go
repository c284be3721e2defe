package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"testing"
)

// The CLI does not create buckets (that is an account's business, not a
// file operation): the tests create one per run on each emulator with
// emulator.NewS3Bucket, NewGCSBucket and NewAzureContainer.

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// rsaKeyPEM returns a new RSA private key in PKCS#8 PEM.
func rsaKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
