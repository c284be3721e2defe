//go:build s3blobconformance

// The conformance suite over gocloud.dev's s3blob against MinIO took
// between 282 s and 488 s in three runs without the race detector on a
// shared, loaded 2-core machine: with -race it risks
// the default ten-minute package timeout of the project's test command, so
// it is built only with the s3blobconformance tag:
//
//	go test -tags s3blobconformance -run S3blob -timeout 30m ./gocloud

package gocloud_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	_ "gocloud.dev/blob/s3blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/emulator"
)

// gocloud.dev's s3blob against MinIO, through the bridge: conditional
// create (If-None-Match) and presigned URLs are the bucket's own.
func TestConformanceS3blob(t *testing.T) {
	e, bucket := s3blobBucket(t)
	// s3blob takes its credentials from the SDK's default chain.
	t.Setenv("AWS_ACCESS_KEY_ID", e.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", e.SecretKey)
	q := url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "use_path_style": {"true"}}
	bucketURL := "s3://" + bucket + "?" + q.Encode()
	prefixLen := len(emulator.UniqueName("gost-case")) + 1
	conformance.Run(t, conformance.Harness{
		NameLimit: storage.MaxNameLength - prefixLen,
		// s3blob uploads through the SDK's transfer manager, which holds up
		// to Concurrency (5) parts of PartSizeBytes (8 MiB) in flight plus
		// the one being filled: about 48 MiB of buffers, and their garbage,
		// beyond the default allowance of 64 MiB. Measured: 67.4 MiB for a
		// 256 MiB upload. The bridge itself streams (1 MiB of spool in
		// memory, the rest in a temporary file).
		MaxExtraHeap: 96 << 20,
		MissingBucket: func(t *testing.T) *storage.Storage {
			return s3blobStorage(t, e, emulator.UniqueName("gost-missing"), e.SecretKey)
		},
		WrongCredential: func(t *testing.T) *storage.Storage { return s3blobStorage(t, e, bucket, "wrong-"+e.SecretKey) },
		New: func(t *testing.T) *storage.Storage {
			loc := emulator.UniqueName("gost-case")
			if len(loc)+1 != prefixLen {
				t.Fatalf("unexpected unique name length: %q", loc)
			}
			mux := http.NewServeMux()
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			st, err := gocloud.New(t.Context(), gocloud.Config{URL: bucketURL},
				storage.WithBaseURL(srv.URL+"/public/"), storage.WithLocation(loc))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			mux.Handle("/public/", http.StripPrefix("/public/"+loc, http.FileServer(http.FS(st.FS(ctx)))))
			return st
		},
	})
}
