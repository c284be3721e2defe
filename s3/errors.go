package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/go-storages/storage"
)

// apiCode returns the S3 error code of err ("NoSuchKey", ...) and the HTTP
// status, when err comes from the service.
func apiCode(err error) (string, int) {
	code, status := "", 0
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func isPreconditionFailed(err error) bool {
	code, status := apiCode(err)
	return code == "PreconditionFailed" || status == http.StatusPreconditionFailed
}

// isConditionalConflict: AWS answers 409 ConditionalRequestConflict when a
// conditional write races another one still in progress; it is retried.
func isConditionalConflict(err error) bool {
	code, status := apiCode(err)
	return code == "ConditionalRequestConflict" || (status == http.StatusConflict && code == "OperationAborted")
}

// headNotFound resolves the 404 of a HEAD request, which has no body and so
// no error code: the key or the bucket may be missing (see bucketcheck).
func (d *Driver) headNotFound(ctx context.Context, err error) error {
	if code, status := apiCode(err); status == http.StatusNotFound && (code == "" || code == "NotFound") {
		return d.bucket.Resolve(ctx, err)
	}
	return err
}

func isNotFound(err error) bool {
	code, status := apiCode(err)
	return code == "NoSuchKey" || code == "NotFound" || (status == http.StatusNotFound && code != "NoSuchBucket")
}

// aclRefusedError explains an ACL the bucket refuses.
type aclRefusedError struct {
	bucket string
	err    error
}

func (e *aclRefusedError) Error() string {
	return fmt.Sprintf("s3: bucket %q refuses ACLs (Object Ownership is \"bucket owner enforced\"), so objects cannot be made public one by one; "+
		"grant public read with a bucket policy instead, or enable ACLs on the bucket: %v", e.bucket, e.err)
}
func (e *aclRefusedError) Unwrap() error { return e.err }
func (e *aclRefusedError) Is(target error) bool {
	return target == storage.ErrUnsupported
}

func (d *Driver) mapACLError(err error) error {
	code, _ := apiCode(err)
	if code == "AccessControlListNotSupported" {
		return &aclRefusedError{bucket: d.cfg.Bucket, err: err}
	}
	return err
}

// ErrorKind implements storage.Driver.
func (d *Driver) ErrorKind(err error) error {
	code, status := apiCode(err)
	switch code {
	case "NoSuchKey", "NotFound", "NoSuchUpload":
		return storage.ErrNotExist
	case "NoSuchBucket":
		return storage.ErrBucketNotExist // a configuration error, not a missing object
	case "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch",
		"ExpiredToken", "InvalidToken", "AccountProblem", "InvalidObjectState":
		return storage.ErrPermission
	case "PreconditionFailed", "ConditionalRequestConflict":
		return storage.ErrExist
	case "AccessControlListNotSupported", "NotImplemented":
		return storage.ErrUnsupported
	case "XMinioInvalidObjectName":
		// MinIO (and other stores backed by a filesystem) refuse names that
		// their disks cannot hold, such as a segment over 255 bytes.
		return storage.ErrInvalidName
	case "BadDigest", "XAmzContentSHA256Mismatch":
		// The body did not match the checksum sent with it.
		return storage.ErrChecksum
	case "InvalidArgument", "InvalidRequest", "InvalidStorageClass", "KeyTooLongError",
		"EntityTooLarge", "InvalidEncryptionAlgorithmError", "KMS.NotFoundException":
		return storage.ErrInvalidArgument
	}
	return storage.KindForStatus(status)
}
