package s3

import (
	"testing"

	"github.com/aws/smithy-go"

	"github.com/go-storages/storage"
)

func TestPartSizeFor(t *testing.T) {
	d := &Driver{partSize: DefaultPartSize}
	for _, c := range []struct{ size, want int64 }{
		{-1, DefaultPartSize},
		{0, DefaultPartSize},
		{DefaultPartSize * maxParts, DefaultPartSize},
		{DefaultPartSize*maxParts + 1, 9 << 20},
		{5 << 40, 525 << 20}, // 5 TiB, S3's largest object
	} {
		got := d.partSizeFor(c.size)
		if got != c.want {
			t.Errorf("partSizeFor(%d) = %d, want %d", c.size, got, c.want)
		}
		if c.size > 0 && (c.size+got-1)/got > maxParts {
			t.Errorf("partSizeFor(%d) = %d needs more than %d parts", c.size, got, maxParts)
		}
	}
}

func TestMetadataValueEncoding(t *testing.T) {
	for _, v := range []string{"", "plain", "Zürich", "=?UTF-8?B?eA==?=", " lead", "trail ", "tab\there", "東京 🎉"} {
		enc := encodeMetadata(map[string]string{"k": v})["k"]
		for i := 0; i < len(enc); i++ {
			if enc[i] >= 0x80 {
				t.Fatalf("encodeMetadata(%q) = %q is not ASCII", v, enc)
			}
		}
		if got := decodeMetadata(map[string]string{"K": enc})["k"]; got != v {
			t.Errorf("round trip of %q: %q (encoded %q)", v, got, enc)
		}
	}
}

func TestHTTPRange(t *testing.T) {
	if got := httpRange(5, -1); got != "bytes=5-" {
		t.Fatal(got)
	}
	if got := httpRange(5, 10); got != "bytes=5-14" {
		t.Fatal(got)
	}
}

func TestErrorKindMinioInvalidName(t *testing.T) {
	d := &Driver{}
	err := &smithy.GenericAPIError{Code: "XMinioInvalidObjectName", Message: "Object name contains unsupported characters."}
	if k := d.ErrorKind(err); k != storage.ErrInvalidName {
		t.Fatalf("ErrorKind(XMinioInvalidObjectName) = %v, want ErrInvalidName", k)
	}
}
