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
// Each Config parameter is declared once, in the url tag of the field it
// sets (read by storage.URLQuery.Decode).
// Without credentials in the URL the driver falls back to
// AZURE_STORAGE_CONNECTION_STRING. Parameters, besides the common ones
// (base_url, location, conflict, max_name_length; see storage.Open), with
// gocloud.dev's azureblob names accepted where it has one:
//
//   - connection_string: Config.ConnectionString (secret).
//   - storage_account, or account_name: Config.AccountName.
//   - account_key: Config.AccountKey (secret); sas_token: Config.SASToken
//     (secret).
//   - service_url: Config.ServiceURL. Or, as gocloud.dev builds it:
//     domain (default blob.core.windows.net), protocol (https or http),
//     localemu (bool: protocol://domain/account, as for Azurite) and cdn
//     (bool: protocol://domain, without the account).
//   - credential=default: authenticate with azidentity's
//     DefaultAzureCredential (environment, workload or managed identity,
//     Azure CLI), as gocloud.dev's azureblob does without a key.
//   - block_size, concurrency, download_concurrency, budget (bytes, a
//     budget of this storage's own, as on every driver): the tuning of
//     Config.
//   - access_tier: Config.AccessTier (Hot, Cool, Cold, Archive).
//   - disable_checksums (bool): Config.DisableChecksums.
//   - strict_metadata_keys (bool): Config.StrictMetadataKeys.
//   - max_attempts: Config.MaxAttempts (attempts of one request, default 4).
//   - public_bucket (bool): Config.PublicBucket (public URLs on the
//     container's URL when base_url is not given).
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
