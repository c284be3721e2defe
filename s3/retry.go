package s3

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/go-storages/storage/internal/backoff"
)

// DefaultMaxAttempts is the number of attempts of one request (the first
// and the retries) when Config.MaxAttempts is zero: the same in every cloud
// driver of this module.
const DefaultMaxAttempts = 4

// maxBackoff caps the delay between two attempts, Retry-After included.
const maxBackoff = 20 * time.Second

// newRetryer is the SDK's standard retryer (exponential backoff with full
// jitter, the client-wide retry quota that stops retry storms, retries on
// 5xx, throttling and broken connections) with three changes:
//
//   - attempts bounds every request, the same as the GCS and Azure drivers;
//   - a Retry-After header on a 429 or 503 is honoured (up to maxBackoff):
//     the service said when to come back;
//   - a response whose body was cut short (io.ErrUnexpectedEOF while
//     decoding a 200) is retried: every request the driver repeats this way
//     is idempotent, and a commit that did take effect is recognised (see
//     commit.go).
func newRetryer(attempts int) aws.Retryer {
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = attempts
		o.MaxBackoff = maxBackoff
		o.Backoff = retryAfter{retry.NewExponentialJitterBackoff(maxBackoff)}
		o.Retryables = append(o.Retryables, retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return aws.TrueTernary
			}
			return aws.UnknownTernary
		}))
	})
}

// retryAfter waits what a Retry-After header asks, when longer than the
// jittered backoff.
type retryAfter struct{ base retry.BackoffDelayer }

func (r retryAfter) BackoffDelay(attempt int, err error) (time.Duration, error) {
	d, berr := r.base.BackoffDelay(attempt, err)
	if berr != nil {
		return d, berr
	}
	if ra := retryAfterOf(err); ra > d {
		d = min(ra, maxBackoff)
	}
	return d, nil
}

// retryAfterOf returns the delay a 429 or 503 response's Retry-After header
// asks for (seconds or an HTTP date), or 0.
func retryAfterOf(err error) time.Duration {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0
	}
	if s := re.Response.StatusCode; s != http.StatusTooManyRequests && s != http.StatusServiceUnavailable {
		return 0
	}
	d, _ := backoff.RetryAfter(re.Response.Header.Get("Retry-After"), time.Now())
	return d
}
