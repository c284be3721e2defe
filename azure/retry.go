package azure

// DefaultMaxAttempts is the number of attempts of one request (the first
// and the retries) when Config.MaxAttempts is zero and ClientOptions sets no
// retry count: the same in every cloud driver of this module (azcore's own
// default, three retries, is the same number).
const DefaultMaxAttempts = 4

// maxRetries is azcore's policy.RetryOptions.MaxRetries for Config's
// attempts: attempts wins when set, then the caller's own MaxRetries
// (non-zero), then DefaultMaxAttempts. azcore counts retries after the
// first attempt, and reads zero as its default and a negative count as
// none.
func maxRetries(attempts int, callers int32) int32 {
	switch {
	case attempts == 1:
		return -1
	case attempts > 1:
		return int32(attempts - 1)
	case callers != 0:
		return callers
	}
	return DefaultMaxAttempts - 1
}
