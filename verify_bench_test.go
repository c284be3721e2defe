package storage_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"hash/crc32"
	"io"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// BenchmarkReadVerify reads a 64 MiB object from memory (the fastest
// source, so the hashing shows fully) with Read and with WriteTo, without a
// checksum to verify and with an MD5 or a CRC32C.
func BenchmarkReadVerify(b *testing.B) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<20/16)
	st, err := memory.New()
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "o.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	m := md5.Sum(data)
	c := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	for _, v := range []struct {
		name string
		sums storage.Checksums
	}{
		{"none", storage.Checksums{}},
		{"md5", storage.Checksums{MD5: m[:]}},
		{"crc32c", storage.Checksums{CRC32C: []byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)}}},
	} {
		vs := st.Wrap(func(d storage.Driver) storage.Driver { return sumsAs{d, v.sums} })
		for _, how := range []string{"read", "writeto"} {
			b.Run("verify="+v.name+"/via="+how, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				buf := make([]byte, 256<<10)
				for b.Loop() {
					r, err := vs.Open(ctx, "o.bin")
					if err != nil {
						b.Fatal(err)
					}
					var n int64
					if how == "read" {
						n, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
					} else {
						n, err = r.WriteTo(io.Discard)
					}
					r.Close()
					if err != nil || n != int64(len(data)) {
						b.Fatal(n, err)
					}
				}
			})
		}
	}
}
