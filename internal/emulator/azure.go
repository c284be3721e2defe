package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// AzureEnv locates an Azure Blob service and its shared key.
type AzureEnv struct {
	ConnectionString string
	AccountName      string
	AccountKey       string
	BlobEndpoint     string // like http://127.0.0.1:PORT/devstoreaccount1
}

// Azurite's well-known development account.
const (
	azuriteAccount = "devstoreaccount1"
	azuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Azure returns the Azure Blob service for tests: the one named by
// AZURE_STORAGE_CONNECTION_STRING when set, else an Azurite blob service
// started once per process. Failure is fatal to the test.
func Azure(t testing.TB) AzureEnv {
	t.Helper()
	env, err := azureEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func azureEnv() (AzureEnv, error) {
	if cs := os.Getenv("AZURE_STORAGE_CONNECTION_STRING"); cs != "" {
		return parseConnectionString(cs)
	}
	return azuriteService.get()
}

// parseConnectionString reads AccountName, AccountKey and the blob endpoint
// (BlobEndpoint, or derived from DefaultEndpointsProtocol and
// EndpointSuffix) from an Azure Storage connection string.
func parseConnectionString(cs string) (AzureEnv, error) {
	kv := map[string]string{}
	for part := range strings.SplitSeq(cs, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return AzureEnv{}, errors.New("emulator: AZURE_STORAGE_CONNECTION_STRING: malformed (want key=value pairs separated by ';')")
		}
		kv[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	env := AzureEnv{ConnectionString: cs, AccountName: kv["accountname"], AccountKey: kv["accountkey"], BlobEndpoint: kv["blobendpoint"]}
	if strings.EqualFold(kv["usedevelopmentstorage"], "true") {
		env.AccountName, env.AccountKey = azuriteAccount, azuriteKey
		if env.BlobEndpoint == "" {
			env.BlobEndpoint = "http://127.0.0.1:10000/" + azuriteAccount
		}
	}
	if env.BlobEndpoint == "" && env.AccountName != "" {
		proto := kv["defaultendpointsprotocol"]
		if proto == "" {
			proto = "https"
		}
		suffix := kv["endpointsuffix"]
		if suffix == "" {
			suffix = "core.windows.net"
		}
		env.BlobEndpoint = fmt.Sprintf("%s://%s.blob.%s", proto, env.AccountName, suffix)
	}
	env.BlobEndpoint = strings.TrimSuffix(env.BlobEndpoint, "/")
	if env.BlobEndpoint == "" {
		return AzureEnv{}, errors.New("emulator: AZURE_STORAGE_CONNECTION_STRING has neither BlobEndpoint nor AccountName")
	}
	return env, nil
}

func startAzurite() (AzureEnv, *proc, error) {
	cache, err := ensure(context.Background(), nil, azuriteTool)
	if err != nil {
		return AzureEnv{}, nil, err
	}
	node, err := nodeBinary()
	if err != nil {
		return AzureEnv{}, nil, err
	}
	p, ports, err := start(spec{
		name:  "azurite",
		ports: 1,
		command: func(ports []int, dir string) ([]string, []string) {
			return []string{
				node, filepath.Join(azuriteTool.dir(cache), "node_modules", ".bin", "azurite-blob"),
				"--blobHost", "127.0.0.1",
				"--blobPort", strconv.Itoa(ports[0]),
				"--location", dir,
				"--skipApiVersionCheck",
				"--loose",
				"--disableTelemetry",
			}, []string{"AZURITE_ACCOUNTS="} // the well-known account only
		},
		ready: func(ctx context.Context, c *http.Client, ports []int) error {
			// Any HTTP answer will do, as long as it is Azurite's.
			resp, err := get(ctx, c, "http://127.0.0.1:"+strconv.Itoa(ports[0])+"/"+azuriteAccount+"?comp=list", 0)
			if err != nil {
				return err
			}
			if resp.Header.Get("x-ms-request-id") == "" {
				return fmt.Errorf("answer without x-ms-request-id (%s): not Azurite", resp.Status)
			}
			return nil
		},
	})
	if err != nil {
		return AzureEnv{}, nil, err
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d/%s", ports[0], azuriteAccount)
	return AzureEnv{
		ConnectionString: "DefaultEndpointsProtocol=http;AccountName=" + azuriteAccount +
			";AccountKey=" + azuriteKey + ";BlobEndpoint=" + endpoint + ";",
		AccountName:  azuriteAccount,
		AccountKey:   azuriteKey,
		BlobEndpoint: endpoint,
	}, p, nil
}

// AzuriteBlobCommand returns the command line that runs Azurite's blob
// service (node and the azurite-blob script), installing Azurite into the
// cache first when needed, whatever AZURE_STORAGE_CONNECTION_STRING says.
// It is for tests that need an Azurite started with their own options (such
// as OAuth over HTTPS), which the configured service may not offer; they
// append the flags, start it and stop it themselves. Failure is fatal to the
// test.
func AzuriteBlobCommand(t testing.TB) []string {
	t.Helper()
	cache, err := ensure(context.Background(), nil, azuriteTool)
	if err != nil {
		t.Fatal(err)
	}
	node, err := nodeBinary()
	if err != nil {
		t.Fatal(err)
	}
	return []string{node, filepath.Join(azuriteTool.dir(cache), "node_modules", ".bin", "azurite-blob")}
}

func nodeBinary() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("emulator: node is not on PATH (needed to run Azurite)")
	}
	return p, nil
}
