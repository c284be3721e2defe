package azure_test

import (
	"testing"

	"github.com/go-storages/storage/internal/urlsecrets"
)

// FuzzOpenURLSecrets opens azblob URLs whose secret parameters (connection
// string, account key, SAS token) are fuzzed: parsing and opening never
// panic and no error shows a secret. Opening does no I/O.
func FuzzOpenURLSecrets(f *testing.F) {
	f.Add("c", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=", "a2V5", "sv=2020&sig=x", "acct", "")
	f.Add("c", "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;SharedAccessSignature=sig", "", "", "", "block_size=-1")
	f.Add("", "garbage;;=", "not base64!", "?", "", "service_url=ftp://x")
	f.Add("ctr", "", "bm90IGEga2V5", "", "acct", "domain=example.com&protocol=http")
	f.Fuzz(func(t *testing.T, container, conn, key, sas, account, extra string) {
		urlsecrets.Check(t, "azblob", container,
			map[string]string{"connection_string": conn, "account_key": key, "sas_token": sas},
			map[string]string{"storage_account": account}, extra)
	})
}
