package azure_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/objtest"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// The run's containers, created on first use: a private one for almost
// every test (Azurite lets anonymous reads of a public container through even
// with a bad signature, which would hide signature checks), and a public one
// (anonymous blob reads) for the public-URL test.
var (
	containersOnce sync.Once
	privateName    string
	publicName     string
	containerErr   error
)

// env returns the service and the run's private container.
func env(t testing.TB) (emulator.AzureEnv, string) {
	t.Helper()
	e := emulator.Azure(t)
	containersOnce.Do(func() {
		svc, err := service.NewClientFromConnectionString(e.ConnectionString, nil)
		if err != nil {
			containerErr = err
			return
		}
		ctx := context.Background()
		privateName = emulator.UniqueName("gost-azure")
		if _, containerErr = svc.CreateContainer(ctx, privateName, nil); containerErr != nil {
			return
		}
		publicName = emulator.UniqueName("gost-azure-pub")
		_, containerErr = svc.CreateContainer(ctx, publicName, &container.CreateOptions{Access: to.Ptr(container.PublicAccessTypeBlob)})
	})
	if containerErr != nil {
		t.Fatalf("create containers: %v", containerErr)
	}
	return e, privateName
}

// publicContainer returns the run's container with anonymous blob reads.
func publicContainer(t testing.TB) string {
	env(t)
	return publicName
}

// locations maps each storage newStorage made to its location prefix.
var locations sync.Map

// newStorage returns a storage over a fresh location prefix of the run's
// container; its objects are deleted when the test ends.
func newStorage(t testing.TB, cfg azure.Config, opts ...storage.Option) *storage.Storage {
	t.Helper()
	e, name := env(t)
	if cfg.Container == "" {
		cfg.Container = name
	}
	if cfg.ConnectionString == "" && cfg.AccountKey == "" && cfg.Credential == nil && cfg.SASToken == "" {
		cfg.ConnectionString = e.ConnectionString
	}
	prefix := "t-" + randHex(6)
	st, err := azure.New(context.Background(), cfg, append([]storage.Option{storage.WithLocation(prefix)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	locations.Store(st, prefix)
	t.Cleanup(func() {
		drv := driverof.Get(st)
		ctx := context.Background()
		for e, err := range drv.List(ctx, prefix+"/", storage.ListOptions{}) {
			if err != nil {
				t.Logf("cleanup list: %v", err)
				return
			}
			_ = drv.Delete(ctx, e.Name)
		}
	})
	return st
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// As hands out the container's SDK client, and nothing else.
func TestAs(t *testing.T) {
	objtest.As[*container.Client](t, newStorage(t, azure.Config{}))
}
