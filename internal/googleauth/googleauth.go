// Package googleauth tells a Google credential that the token endpoint
// refused, for the gcs driver and the gocloud bridge over gcsblob, which
// both report it as storage.ErrPermission.
package googleauth

import (
	"errors"

	"cloud.google.com/go/auth"
	"golang.org/x/oauth2"
)

// Refused reports whether err is the token endpoint refusing the client's
// credential (a revoked or wrong service-account key answers 400
// invalid_grant, an unknown client 401 invalid_client): the request never
// reached the bucket. cloud.google.com/go/auth reports it as *auth.Error,
// golang.org/x/oauth2 token sources (option.WithTokenSource) as
// *oauth2.RetrieveError. A 5xx from the token endpoint is not a refusal.
func Refused(err error) bool {
	status := 0
	var ae *auth.Error
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &ae) && ae.Response != nil:
		status = ae.Response.StatusCode
	case errors.As(err, &re) && re.Response != nil:
		status = re.Response.StatusCode
	}
	return status >= 400 && status < 500
}
