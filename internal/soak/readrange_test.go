package soak_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gost "github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/faultproxy"
)

// rangedGET reports whether r reads part of an object: a GET with a Range
// header (x-ms-range on Azure).
func rangedGET(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.Header.Get("Range") != "" || r.Header.Get("X-Ms-Range") != "")
}

// pinned reports whether a ranged GET is conditional on the version: an
// If-Match (S3, Azure) or a generation (GCS).
func pinned(r *http.Request) bool {
	return r.Header.Get("If-Match") != "" || r.URL.Query().Get("generation") != ""
}

// testReadRangeResumes: the connection of a ReadRange breaks mid-body
// (reset, cut short, stalled); the body resumes with a ranged read pinned to
// the version and yields exactly the range, through Read and WriteTo. When
// the object was replaced before the resumption, the body fails with
// ErrChanged after only bytes of the version opened.
func testReadRangeResumes(t *testing.T, b *backend) {
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	direct := b.build(t, b.target, nil)
	defer direct.Close()
	ctx := t.Context()
	for _, kind := range []faultproxy.Kind{faultproxy.ResetResponse, faultproxy.Truncate, faultproxy.Stall} {
		for _, writeTo := range []bool{false, true} {
			for _, replace := range []bool{false, true} {
				name := fmt.Sprintf("range-%v-%v-%v.bin", kind, writeTo, replace)
				t.Run(name, func(t *testing.T) {
					if _, err := direct.Save(ctx, name, bytes.NewReader(data), gost.SaveOptions{Conflict: gost.Overwrite}); err != nil {
						t.Fatal(err)
					}
					var (
						mu     sync.Mutex
						ranged []*http.Request
					)
					p := newProxy(t, b, faultproxy.Config{Seed: 7, Rate: 1, Kinds: []faultproxy.Kind{kind}, StallFor: 300 * time.Millisecond,
						Skip: func(r *http.Request) bool {
							if !rangedGET(r) {
								return true
							}
							mu.Lock()
							defer mu.Unlock()
							ranged = append(ranged, r.Clone(ctx))
							if len(ranged) == 2 && replace {
								// Replaced between the break and the resumption.
								if _, err := direct.Save(ctx, name, strings.NewReader(strings.Repeat("B", len(data))), gost.SaveOptions{Conflict: gost.Overwrite}); err != nil {
									t.Error(err)
								}
							}
							return len(ranged) > 1 // fault only the first
						}})
					defer p.Close()
					st := b.build(t, p.URL, nil)
					defer st.Close()
					const off, n = 12_345, 250_000
					rr, err := st.ReadRange(ctx, name, off, n)
					if err != nil {
						t.Fatal(err)
					}
					if a := rr.Attributes(); a.Size != int64(len(data)) {
						t.Fatalf("attributes: size %d, want %d", a.Size, len(data))
					}
					var got []byte
					if writeTo {
						var buf bytes.Buffer
						_, err = rr.WriteTo(&buf)
						got = buf.Bytes()
					} else {
						got, err = io.ReadAll(rr)
					}
					rr.Close()
					want := data[off : off+n]
					if p.Counts()[kind] != 1 {
						t.Fatalf("faults %v, want one %v", p.Counts(), kind)
					}
					mu.Lock()
					defer mu.Unlock()
					if replace {
						if !errors.Is(err, gost.ErrChanged) {
							t.Fatalf("read of a range replaced mid-body: %d bytes, %v; want ErrChanged", len(got), err)
						}
						if !bytes.Equal(got, want[:len(got)]) {
							t.Fatal("bytes of another version were returned")
						}
						return
					}
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("read %d bytes, %v; want the %d of the range, resumed", len(got), err, len(want))
					}
					if len(ranged) < 2 || !pinned(ranged[len(ranged)-1]) {
						t.Fatalf("%d ranged GETs; want the resumption pinned to the version", len(ranged))
					}
				})
			}
		}
	}
}

func TestReadRangeResumesS3(t *testing.T)    { testReadRangeResumes(t, s3Backend(t)) }
func TestReadRangeResumesGCS(t *testing.T)   { testReadRangeResumes(t, gcsBackend(t)) }
func TestReadRangeResumesAzure(t *testing.T) { testReadRangeResumes(t, azureBackend(t)) }
