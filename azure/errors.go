package azure

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/azuretext"
	"github.com/go-storages/storage/internal/headervalue"
)

// ErrorKind implements storage.Driver. The *azcore.ResponseError stays
// reachable with errors.As on the error the Storage returns.
func (d *Driver) ErrorKind(err error) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return nil
	}
	switch bloberror.Code(re.ErrorCode) {
	case bloberror.BlobNotFound:
		return storage.ErrNotExist
	case bloberror.ContainerNotFound:
		// A configuration error, not a missing object. Azure names it in
		// the x-ms-error-code header of HEAD responses too, so every
		// operation can tell.
		return storage.ErrBucketNotExist
	case bloberror.BlobAlreadyExists, bloberror.ConditionNotMet, bloberror.TargetConditionNotMet:
		return storage.ErrExist
	case bloberror.AuthorizationFailure, bloberror.AuthenticationFailed, bloberror.InsufficientAccountPermissions,
		bloberror.AuthorizationPermissionMismatch, bloberror.AuthorizationResourceTypeMismatch,
		bloberror.AuthorizationSourceIPMismatch, bloberror.AuthorizationProtocolMismatch, bloberror.AuthorizationServiceMismatch:
		return storage.ErrPermission
	case bloberror.InvalidMetadata, bloberror.InvalidHeaderValue, bloberror.InvalidBlobTier, bloberror.InvalidInput:
		return storage.ErrInvalidArgument
	case bloberror.MD5Mismatch, bloberror.CRC64Mismatch:
		return storage.ErrChecksum
	}
	if re.StatusCode == http.StatusConflict || re.StatusCode == http.StatusPreconditionFailed {
		// Azure answers 409 and 412 for leases and other conditions too:
		// only a taken name is ErrExist.
		if isConflict(err) {
			return storage.ErrExist
		}
		return nil
	}
	return storage.KindForStatus(re.StatusCode)
}

// isConflict reports whether err says that a conditional create found the
// blob taken.
func isConflict(err error) bool {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	switch bloberror.Code(re.ErrorCode) {
	case bloberror.BlobAlreadyExists, bloberror.ConditionNotMet:
		return true
	}
	return re.ErrorCode == "" && (re.StatusCode == http.StatusConflict || re.StatusCode == http.StatusPreconditionFailed)
}

func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound && re.ErrorCode != string(bloberror.ContainerNotFound)
}

func hasStatus(err error, status int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == status
}

// isIdentifier reports whether k is a valid Azure metadata name: a C#
// identifier (ASCII letters, digits and '_', not starting with a digit).
func isIdentifier(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// keyPrefix marks a metadata name that encodes a key Azure would refuse.
const keyPrefix = "__"

// crcKey is the metadata name under which the CRC32C of a blob uploaded in
// blocks is kept (8 hex digits); Stat and Read report it as
// Checksums.CRC32C and leave it out of Metadata.
const crcKey = "gost_crc32c"

// encodeKey returns the Azure name of a portable metadata key (lower-case
// ASCII letters, digits, '-' and '_'). A C# identifier that does not start
// with "__" is kept; any other key is stored as "__" followed by the key with
// '_' written "_5f" and '-' written "_2d" (and any other byte as '_' and two
// hex digits), which decodeKey reverses: "x-trace_id" is stored as
// "__x_2dtrace_5fid". With strict set, such a key is an error instead.
func encodeKey(k string, strict bool) (string, error) {
	if isIdentifier(k) && !strings.HasPrefix(k, keyPrefix) && !strings.EqualFold(k, crcKey) {
		return k, nil
	}
	if strict {
		return "", invalidf("azure: metadata key %q: Azure accepts only C# identifiers (ASCII letters, digits and '_', not starting with a digit, so no '-')", k)
	}
	if k == "" {
		return "", invalidf("azure: empty metadata key")
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteString(keyPrefix)
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('_')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String(), nil
}

// decodeKey reverses encodeKey on a lower-cased Azure name.
func decodeKey(k string) string {
	rest, ok := strings.CutPrefix(k, keyPrefix)
	if !ok {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c != '_' {
			b.WriteByte(c)
			continue
		}
		if i+3 > len(rest) {
			return k // malformed: not ours
		}
		v, err := strconv.ParseUint(rest[i+1:i+3], 16, 8)
		if err != nil {
			return k
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String()
}

// encodeMetadata returns the SDK's map: keys through encodeKey, and values
// that HTTP would not carry intact (non-ASCII, control characters,
// surrounding space, or text that looks RFC 2047 encoded) RFC 2047 encoded
// (headervalue).
func encodeMetadata(m map[string]string, strict bool) (map[string]*string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		ek, err := encodeKey(k, strict)
		if err != nil {
			return nil, err
		}
		v = headervalue.Encode(v)
		out[ek] = &v
	}
	return out, nil
}

// decodeMetadata turns the SDK's map into the portable one: lower-case
// keys, RFC 2047 values decoded; the CRC32C entry goes to crc.
func decodeMetadata(m map[string]*string, crc *[]byte) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s := ""
		if v != nil {
			s = *v
		}
		s = headervalue.Decode(s)
		lk := strings.ToLower(k)
		if lk == crcKey {
			if b, err := hex.DecodeString(s); err == nil && len(b) == 4 {
				*crc = b
			}
			continue
		}
		out[decodeKey(lk)] = s
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// ErrorText implements storage.ErrorTexter: an *azcore.ResponseError,
// whose text is a multi-line dump of the exchange that says the service's
// message twice (the status line and the XML body), reads as one line,
// "azure: PUT /account/container/name: 403 Server failed to authenticate
// the request. ... (AuthorizationFailure)" (see internal/azuretext). The
// request's query (which may hold a SAS token) is never shown.
func (d *Driver) ErrorText(err error) string { return azuretext.Text(err) }
