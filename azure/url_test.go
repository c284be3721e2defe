package azure_test

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/urltest"
)

func TestOpenAzblobURL(t *testing.T) {
	e := emulator.Azure(t)
	container := emulator.NewAzureContainer(t, e, "gost-azurl")
	ep, _ := url.Parse(e.BlobEndpoint)
	// gocloud.dev's way to reach Azurite: domain, protocol, localemu; the
	// whole container through the connection string.
	urltest.Open(t, "azblob://"+container, url.Values{
		"storage_account": {e.AccountName},
		"account_key":     {e.AccountKey},
		"domain":          {ep.Host},
		"protocol":        {"http"},
		"localemu":        {"true"},
		"block_size":      {"1048576"},
		"concurrency":     {"2"},
		"budget":          {"16777216"},
	}, "azblob://"+container+"?"+url.Values{"connection_string": {e.ConnectionString}}.Encode(), e.AccountKey)
}

func TestAzblobURLErrors(t *testing.T) {
	const secret = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"
	urltest.Errors(t, map[string]string{
		"azblob:///prefix":                                        "want azblob://container",
		"azblob://c?protocol=ftp":                                 `"protocol"`,
		"azblob://c?localemu=true":                                `"localemu"`,
		"azblob://c?localemu=true&cdn=true":                       `"cdn"`,
		"azblob://c?service_url=x&domain=d":                       `"service_url"`,
		"azblob://c?access_tier=Warm":                             `"access_tier"`,
		"azblob://c?block_size=-1":                                `"block_size"`,
		"azblob://c?max_attempts=-1":                              `"max_attempts"`,
		"azblob://c?credential=env":                               `"credential"`,
		"azblob://c?upload_budget=16777216":                       `"upload_budget"`, // now "budget", as on every driver
		"azblob://c?account_key=" + secret + "&x=1":               `"x": unknown`,
		"azblob://c?sas_token=" + secret + "&sas_token=" + secret: `"sas_token"`,
	}, secret)
	// max_attempts is the same parameter on every cloud driver (Config.MaxAttempts).
	urltest.Accepts(t, "azblob://c?max_attempts=2", "azblob://c?storage_account=a&credential=default")
	urltest.Documented(t, azure.Config{})
}
