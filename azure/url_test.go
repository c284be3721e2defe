package azure_test

import (
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
)

func schemeTestContainer(t *testing.T) (emulator.AzureEnv, string) {
	t.Helper()
	e := emulator.Azure(t)
	svc, err := service.NewClientFromConnectionString(e.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := emulator.UniqueName("gost-azurl")
	if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatal(err)
	}
	return e, name
}

func TestOpenAzblobURL(t *testing.T) {
	ctx := context.Background()
	e, container := schemeTestContainer(t)
	ep, _ := url.Parse(e.BlobEndpoint)
	// gocloud.dev's way to reach Azurite: domain, protocol, localemu.
	q := url.Values{
		"storage_account": {e.AccountName},
		"account_key":     {e.AccountKey},
		"domain":          {ep.Host},
		"protocol":        {"http"},
		"localemu":        {"true"},
		"block_size":      {"1048576"},
		"concurrency":     {"2"},
		"budget":          {"16777216"},
		"conflict":        {"fail"},
		"base_url":        {"https://cdn.example.com/"},
	}
	p, err := storage.ParseURL("azblob://" + container + "/media?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.String(), e.AccountKey) || strings.Contains(p.String(), url.QueryEscape(e.AccountKey)) {
		t.Fatalf("String() shows the key: %s", p)
	}
	st, err := p.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("again"), storage.SaveOptions{}); err == nil {
		t.Fatal("conflict=fail not applied")
	}
	if u, _ := st.URL("a.txt"); u != "https://cdn.example.com/media/a.txt" {
		t.Fatalf("URL %q", u)
	}
	// The connection string way, on the whole container.
	whole, err := storage.Open(ctx, "azblob://"+container+"?"+url.Values{"connection_string": {e.ConnectionString}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	f, err := whole.Open(ctx, "media/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
}

func TestAzblobURLErrors(t *testing.T) {
	const secret = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"
	cases := map[string]string{
		"azblob:///prefix":                                        "want azblob://container",
		"azblob://c?protocol=ftp":                                 `"protocol"`,
		"azblob://c?localemu=true":                                `"localemu"`,
		"azblob://c?localemu=true&cdn=true":                       `"cdn"`,
		"azblob://c?service_url=x&domain=d":                       `"service_url"`,
		"azblob://c?access_tier=Warm":                             `"access_tier"`,
		"azblob://c?block_size=-1":                                `"block_size"`,
		"azblob://c?max_attempts=-1":                              `"max_attempts"`,
		"azblob://c?upload_budget=16777216":                       `"upload_budget"`, // now "budget", as on every driver
		"azblob://c?account_key=" + secret + "&x=1":               `"x": unknown`,
		"azblob://c?sas_token=" + secret + "&sas_token=" + secret: `"sas_token"`,
	}
	for raw, want := range cases {
		_, err := storage.ParseURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %s", raw, err, want)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error shows the secret: %v", raw, err)
		}
	}
}

// max_attempts is the same parameter on every cloud driver (Config.MaxAttempts).
func TestMaxAttemptsParam(t *testing.T) {
	if _, err := storage.ParseURL("azblob://c?max_attempts=2"); err != nil {
		t.Fatal(err)
	}
}
