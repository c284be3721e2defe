package azure_test

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/urltest"
)

func TestOpenAzblobURL(t *testing.T) {
	e, container := env(t)
	ep, _ := url.Parse(e.BlobEndpoint)
	// gocloud.dev's way to reach Azurite: domain, protocol, localemu; the
	// whole container through the connection string.
	urltest.Open(t, "azblob://"+container, url.Values{
		"storage_account": {e.AccountName},
		"account_key":     {e.AccountKey},
		"domain":          {ep.Host},
		"protocol":        {"http"},
		"localemu":        {"true"},
	}, "azblob://"+container+"?"+url.Values{"connection_string": {e.ConnectionString}}.Encode(), e.AccountKey)
}

func TestAzblobURLErrors(t *testing.T) {
	urltest.Params(t, "azblob://c", azure.Config{})
	urltest.Unknown(t, "azblob://c", "upload_budget") // now "budget", as on every driver
	// gocloud.dev's way to name the service, and credential=default.
	urltest.Errors(t, map[string]string{
		"azblob://c?protocol=ftp":           `"protocol"`,
		"azblob://c?localemu=true":          `"localemu"`,
		"azblob://c?localemu=true&cdn=true": `"cdn"`,
		"azblob://c?service_url=x&domain=d": `"service_url"`,
		"azblob://c?credential=env":         `"credential"`,
	})
	urltest.Accepts(t, "azblob://c?storage_account=a&credential=default")
}
