// Package azuretext shortens the text of the Azure SDK's errors, for the
// azure driver and the gocloud bridge over azureblob, which both implement
// storage.ErrorTexter with it.
package azuretext

import (
	"errors"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// Text returns err's message with the *azcore.ResponseError in it (whose
// text is a multi-line dump of the exchange that says the service's message
// twice: the status line and the XML body) written as one line, "azure: PUT
// /account/container/name: 403 Server failed to authenticate the request.
// ... (AuthorizationFailure)". The request's query (which may hold a SAS
// token) is never shown. It returns "" when err holds no such error, or
// when the message does not quote it as it is.
func Text(err error) string {
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.RawResponse == nil || re.RawResponse.Request == nil {
		return ""
	}
	req := re.RawResponse.Request
	status := strings.TrimSpace(strings.SplitN(re.RawResponse.Status, "\n", 2)[0])
	if status == "" {
		status = strconv.Itoa(re.StatusCode)
	}
	short := "azure: " + req.Method + " " + req.URL.EscapedPath() + ": " + status
	if re.ErrorCode != "" {
		short += " (" + re.ErrorCode + ")"
	}
	msg, long := err.Error(), re.Error()
	if !strings.Contains(msg, long) {
		return ""
	}
	return strings.Replace(msg, long, short, 1)
}
