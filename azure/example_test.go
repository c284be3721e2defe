package azure_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
)

// devKey is Azurite's well-known development account key.
const devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// New does no I/O: public URLs are built from the account endpoint and the
// container.
func ExampleNew() {
	ctx := context.Background()
	st, err := azure.New(ctx, azure.Config{
		ConnectionString: "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" + devKey + ";EndpointSuffix=core.windows.net",
		Container:        "media",
		PublicBucket:     true, // anonymous blob reads allowed: URLs on the endpoint
	}, storage.WithLocation("uploads"))
	if err != nil {
		log.Fatal(err)
	}
	u, _ := st.URL("avatars/me & you.png")
	fmt.Println(u)
	fmt.Println(st.Capabilities().ConditionalCreate, st.Capabilities().PublicObjects)
	// Output:
	// https://myaccount.blob.core.windows.net/media/uploads/avatars/me%20%26%20you.png
	// true false
}

// A CDN or Front Door domain in front of the container serves public URLs.
func ExampleConfig_customDomain() {
	st, err := azure.New(context.Background(), azure.Config{
		AccountName: "myaccount",
		AccountKey:  devKey,
		Container:   "media",
	}, storage.WithBaseURL("https://cdn.example.com/"))
	if err != nil {
		log.Fatal(err)
	}
	u, _ := st.URL("logo.svg")
	fmt.Println(u)
	// Output: https://cdn.example.com/logo.svg
}

// Signed URLs are SAS URLs signed locally with the account key (or with a
// user-delegation key when the driver has a token credential).
func ExampleDriver_SignedURL() {
	st, err := azure.New(context.Background(), azure.Config{AccountName: "myaccount", AccountKey: devKey, Container: "media"})
	if err != nil {
		log.Fatal(err)
	}
	u, err := st.SignedURL(context.Background(), "reports/q3.pdf", storage.SignOptions{Expiry: time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	parsed, _ := url.Parse(u)
	q := parsed.Query()
	fmt.Println(parsed.Host + parsed.Path)
	fmt.Println("permissions:", q.Get("sp"), "resource:", q.Get("sr"), "signed:", q.Get("sig") != "")
	// An upload URL: the client must send "x-ms-blob-type: BlockBlob".
	pu, _ := st.SignedURL(context.Background(), "inbox/new.csv", storage.SignOptions{Method: http.MethodPut})
	fmt.Println(strings.Contains(pu, "sp=cw"))
	// Output:
	// myaccount.blob.core.windows.net/media/reports/q3.pdf
	// permissions: r resource: b signed: true
	// true
}

// Driver options: the access tier of one blob. (Needs a service: the
// connection string of AZURE_STORAGE_CONNECTION_STRING.)
func ExampleSaveOptions() {
	ctx := context.Background()
	st, err := azure.New(ctx, azure.Config{Container: "archive"}) // AZURE_STORAGE_CONNECTION_STRING
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open("backup.tar")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// A file is uploaded in parallel blocks read straight from it.
	name, err := st.Save(ctx, "2026/backup.tar", f, storage.SaveOptions{
		DriverOptions: &azure.SaveOptions{AccessTier: blob.AccessTierCool},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved as", name)
}
