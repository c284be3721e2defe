// Package headervalue carries metadata values through HTTP headers, which
// hold printable ASCII only: the one RFC 2047 encoding of the S3 and Azure
// drivers (GCS carries metadata in JSON and needs none).
//
// A value that a header would not carry intact (non-ASCII bytes, control
// characters, tab included, leading or trailing space) is sent as
// one RFC 2047 encoded-word, =?UTF-8?B?base64?= (AWS returns non-ASCII
// metadata in that form too); so is an ASCII value containing "=?", so
// that Decode gives it back unchanged. Every other value is sent as it is.
package headervalue

import (
	"encoding/base64"
	"mime"
	"strings"
)

// Encode returns v as a header carries it.
func Encode(v string) string {
	if !needsEncoding(v) {
		return v
	}
	// One encoded-word, also for ASCII (mime.BEncoding leaves that as is).
	return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
}

func needsEncoding(v string) bool {
	if v == "" {
		return false
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' || strings.Contains(v, "=?") {
		return true
	}
	// A tab is a control character too: HTTP allows it in a header value,
	// but SigV4 canonicalises it differently in the AWS SDK and in MinIO
	// (SignatureDoesNotMatch; found by gocloud.dev's drivertest).
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

var decoder = new(mime.WordDecoder)

// Decode reverses Encode, and decodes the encoded-words other clients
// (or the service) put in a value; a value that does not decode is
// returned as it is.
func Decode(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	if dec, err := decoder.DecodeHeader(v); err == nil {
		return dec
	}
	return v
}
