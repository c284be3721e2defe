package azure

import "github.com/go-storages/storage"

// Scheme is the URL scheme this package registers with storage.RegisterConfig:
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

func init() { storage.RegisterConfig(Scheme, New, checkURL) }

// checkURL completes a Config decoded from a URL with what its url tags
// cannot say.
func checkURL(p *storage.URLConfig[Config]) {
	domain := p.String("domain")
	protocol := p.Enum([]string{"https", "http"}, "protocol")
	localemu := p.Bool("localemu")
	cdn := p.Bool("cdn")
	if p.Config.ServiceURL != "" {
		p.CheckHTTPURL("service_url", p.Config.ServiceURL, "https://acct.blob.core.windows.net/")
		if domain != "" || protocol != "" || localemu || cdn {
			p.Fail("service_url", "give service_url or domain/protocol/localemu/cdn, not both")
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
			p.Fail("cdn", "cdn and localemu exclude each other")
		case localemu:
			if p.Config.AccountName == "" {
				p.Fail("localemu", "needs storage_account")
			}
			p.Config.ServiceURL = protocol + "://" + domain + "/" + p.Config.AccountName
		case cdn:
			p.Config.ServiceURL = protocol + "://" + domain
		default:
			if p.Config.AccountName == "" {
				p.Fail("domain", "needs storage_account")
			}
			p.Config.ServiceURL = protocol + "://" + p.Config.AccountName + "." + domain
		}
	}
	if p.Enum([]string{"default"}, "credential") != "" {
		p.Open = newDefaultCredential
	}
}
