package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/go-storages/storage/internal/emulator"
)

// The CLI does not create buckets (that is an account's business, not a
// file operation): the tests create one per run on each emulator.

func s3Bucket(t *testing.T, e emulator.S3Env) string {
	t.Helper()
	c := sdk.New(sdk.Options{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
	})
	bucket := emulator.UniqueName("gost-cli")
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(ctx, &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		// A MinIO that just started can refuse for a few seconds.
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return bucket
}

func gcsBucket(t *testing.T, e emulator.GCSEnv) string {
	t.Helper()
	bucket := emulator.UniqueName("gost-cli")
	body, _ := json.Marshal(map[string]string{"name": bucket})
	resp, err := http.Post("http://"+e.Host+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %s", resp.Status)
	}
	return bucket
}

func azureContainer(t *testing.T, e emulator.AzureEnv) string {
	t.Helper()
	svc, err := service.NewClientFromConnectionString(e.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := emulator.UniqueName("gost-cli")
	if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatal(err)
	}
	return name
}

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
