// Package urlsecrets checks that storage.Open never shows a secret of a
// storage URL in an error, for the drivers' FuzzOpenURLSecrets targets.
package urlsecrets

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

// Marker starts every secret value Check puts in a URL.
const Marker = "Zs3cr3tQ"

// Check opens scheme://host?... with each non-empty value of secrets
// (prefixed with Marker) and of plain as query parameters, and extra (raw
// query text) appended, and fails t when Open's error shows a secret.
// Opening must do no I/O. Inputs whose non-secret parts contain the marker
// are passed over (they would show it legitimately).
func Check(t *testing.T, scheme, host string, secrets, plain map[string]string, extra string) {
	t.Helper()
	visible := host + extra
	for _, v := range plain {
		visible += v
	}
	if strings.Contains(strings.ToLower(visible), strings.ToLower(Marker)) {
		return
	}
	v := url.Values{}
	for k, s := range secrets {
		if s != "" {
			v.Set(k, Marker+s)
		}
	}
	for k, s := range plain {
		if s != "" {
			v.Set(k, s)
		}
	}
	raw := (&url.URL{Scheme: scheme, Host: host, RawQuery: v.Encode()}).String()
	if extra != "" {
		raw += "&" + extra
	}
	st, err := storage.Open(context.Background(), raw)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(Marker)) {
			t.Fatalf("Open(%q): error shows a secret: %v", raw, err)
		}
		return
	}
	st.Close()
}
