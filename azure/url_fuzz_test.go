package azure_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

// FuzzOpenURLSecrets opens azblob URLs whose secret parameters (connection
// string, account key, SAS token) are fuzzed: parsing and opening never
// panic and no error shows a secret. Opening does no I/O.
func FuzzOpenURLSecrets(f *testing.F) {
	const marker = "Zs3cr3tQ"
	f.Add("c", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=", "a2V5", "sv=2020&sig=x", "acct", "")
	f.Add("c", "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;SharedAccessSignature=sig", "", "", "", "block_size=-1")
	f.Add("", "garbage;;=", "not base64!", "?", "", "service_url=ftp://x")
	f.Add("ctr", "", "bm90IGEga2V5", "", "acct", "domain=example.com&protocol=http")
	f.Fuzz(func(t *testing.T, container, conn, key, sas, account, extra string) {
		if strings.Contains(strings.ToLower(container+account+extra), strings.ToLower(marker)) {
			return
		}
		v := url.Values{}
		if conn != "" {
			v.Set("connection_string", marker+conn)
		}
		if key != "" {
			v.Set("account_key", marker+key)
		}
		if sas != "" {
			v.Set("sas_token", marker+sas)
		}
		if account != "" {
			v.Set("storage_account", account)
		}
		raw := (&url.URL{Scheme: "azblob", Host: container, RawQuery: v.Encode()}).String()
		if extra != "" {
			raw += "&" + extra
		}
		st, err := storage.Open(context.Background(), raw)
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(marker)) {
				t.Fatalf("Open(%q): error shows a secret: %v", raw, err)
			}
			return
		}
		st.Close()
	})
}
