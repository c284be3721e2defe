package azure

import (
	"context"
	"fmt"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/go-storages/storage"
)

// Scheme is the URL scheme this package registers with storage.Register:
// importing the package makes storage.Open understand
//
//	azblob://container/prefix?storage_account=acct&base_url=https://cdn.example.com/
//	azblob://container?connection_string=...
//
// The host is Config.Container and the path, if any, the location prefix.
// Without credentials in the URL the driver falls back to
// AZURE_STORAGE_CONNECTION_STRING. Besides the common parameters (see
// storage.Open), every Config field with a url tag is a parameter of the
// tag's name (after "|", gocloud.dev azureblob's name for it, also
// accepted): connection_string, storage_account|account_name,
// account_key, sas_token, service_url, public_bucket, block_size,
// concurrency, download_concurrency, budget, access_tier,
// disable_checksums, strict_metadata_keys and max_attempts. The Config
// field documents each. connection_string, account_key and sas_token are
// secrets, never shown in errors or in ParsedURL.String; budget is a byte
// count, a budget of this storage's own. The other parameters:
//
//   - domain (default blob.core.windows.net), protocol (https or http),
//     localemu (bool: protocol://domain/account, as for Azurite) and cdn
//     (bool: protocol://domain, without the account) build
//     Config.ServiceURL as gocloud.dev does, instead of service_url.
//   - credential=default: authenticate with azidentity's
//     DefaultAzureCredential (environment, workload or managed identity,
//     Azure CLI), as gocloud.dev's azureblob does without a key.
const Scheme = "azblob"

func init() { storage.Register(Scheme, storage.URLOpenerFunc(parseURL)) }

func parseURL(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
	cfg := Config{Container: q.Bucket(u, "container")}
	keys := q.Decode(&cfg)
	domain := q.String("domain")
	protocol := q.Enum([]string{"https", "http"}, "protocol")
	localemu := q.Bool("localemu")
	cdn := q.Bool("cdn")
	if cfg.ServiceURL != "" {
		q.CheckHTTPURL("service_url", cfg.ServiceURL, "https://acct.blob.core.windows.net/")
		if domain != "" || protocol != "" || localemu || cdn {
			q.Fail("service_url", "give service_url or domain/protocol/localemu/cdn, not both")
		}
	} else if domain != "" || protocol != "" || localemu || cdn {
		if protocol == "" {
			protocol = "https"
		}
		if domain == "" {
			domain = "blob.core.windows.net"
		}
		switch {
		case localemu && cdn:
			q.Fail("cdn", "cdn and localemu exclude each other")
		case localemu:
			if cfg.AccountName == "" {
				q.Fail("localemu", "needs storage_account")
			}
			cfg.ServiceURL = protocol + "://" + domain + "/" + cfg.AccountName
		case cdn:
			cfg.ServiceURL = protocol + "://" + domain
		default:
			if cfg.AccountName == "" {
				q.Fail("domain", "needs storage_account")
			}
			cfg.ServiceURL = protocol + "://" + cfg.AccountName + "." + domain
		}
	}
	if q.Enum([]string{"default"}, "credential") == "" {
		return storage.OpenConfig(cfg, keys, New), nil
	}
	// credential=default: azidentity reads the environment when the
	// storage opens, not while the URL is parsed.
	return storage.OpenConfig(cfg, keys, func(ctx context.Context, c Config, opts ...storage.Option) (*storage.Storage, error) {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure: credential=default: %w", err)
		}
		c.Credential = cred
		return New(ctx, c, opts...)
	}), nil
}
