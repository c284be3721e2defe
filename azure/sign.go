package azure

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/go-storages/storage"
)

// MaxUserDelegationExpiry is the longest validity of a user-delegation SAS
// (the lifetime of the key that signs it).
const MaxUserDelegationExpiry = 7 * 24 * time.Hour

// udkRenewMargin: a cached user-delegation key is renewed this long before it
// expires, and only signs URLs that expire at least this long before it.
const udkRenewMargin = 5 * time.Minute

// udkMinLifetime is the shortest lifetime requested for a new key, so that
// the key serves many URLs.
const udkMinLifetime = time.Hour

// SignedURL implements storage.Driver with a service SAS for the blob: signed
// with the account key when the driver has one, else with a user-delegation
// key (token credential). GET grants read; PUT grants create and write.
//
// A PUT through the URL is a Put Blob request: the client must send the
// header "x-ms-blob-type: BlockBlob" (Azure's rule). A SAS cannot require a
// request header: its signed fields cover permissions, times, addresses and
// the response headers of a read (rsct, rscd, ...), not the Content-Type of
// an upload. So a PUT with SignOptions.ContentType is refused with
// storage.ErrUnsupported (Capabilities.SignedPutContentType is false) rather
// than signed into a URL that would store any type; sign the PUT without a
// content type and check the type after the upload, or upload through the
// service. For GET the option is not used (the stored type is served).
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	perms := sas.BlobPermissions{Read: true}
	if opts.Method == http.MethodPut {
		if opts.ContentType != "" {
			return "", errPutContentType
		}
		perms = sas.BlobPermissions{Create: true, Write: true}
	}
	at, _ := storage.SignTime(ctx)
	expiry := at.Add(opts.Expiry)
	switch {
	case d.sharedKey != nil:
		return d.signKey(name, perms, expiry)
	case d.token != nil:
		if opts.Expiry > MaxUserDelegationExpiry {
			return "", invalidf("azure: a user-delegation SAS is valid for at most 7 days")
		}
		cred, err := d.udk.get(ctx, d.svc, expiry)
		if err != nil {
			return "", err
		}
		qp, err := d.sasValues(name, perms, expiry).SignWithUserDelegation(cred)
		if err != nil {
			return "", err
		}
		return d.cont.NewBlobClient(name).URL() + "?" + qp.Encode(), nil
	}
	return "", storage.ErrUnsupported
}

func (d *Driver) sasValues(name string, perms sas.BlobPermissions, expiry time.Time) sas.BlobSignatureValues {
	proto := sas.ProtocolHTTPS
	if d.httpOnly {
		proto = sas.ProtocolHTTPSandHTTP
	}
	return sas.BlobSignatureValues{
		Protocol:      proto,
		ExpiryTime:    expiry.UTC(),
		Permissions:   perms.String(),
		ContainerName: d.cfg.Container,
		BlobName:      name,
	}
}

// signKey returns a SAS URL for name signed with the account key.
func (d *Driver) signKey(name string, perms sas.BlobPermissions, expiry time.Time) (string, error) {
	qp, err := d.sasValues(name, perms, expiry).SignWithSharedKey(d.sharedKey)
	if err != nil {
		return "", err
	}
	return d.cont.NewBlobClient(name).URL() + "?" + qp.Encode(), nil
}

var errPutContentType = kindf(storage.ErrUnsupported, "azure: a SAS cannot require the Content-Type of an upload; sign the PUT without SignOptions.ContentType")

// udkCache holds the user-delegation key until shortly before it expires.
type udkCache struct {
	mu      sync.Mutex
	cred    *service.UserDelegationCredential
	expiry  time.Time
	fetches int // keys fetched, for tests
}

// get returns a key valid until at least until (plus the margin), fetching a
// new one when the cached key does not cover it.
func (c *udkCache) get(ctx context.Context, svc *service.Client, until time.Time) (*service.UserDelegationCredential, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.cred != nil && now.Before(c.expiry.Add(-udkRenewMargin)) && !until.After(c.expiry.Add(-udkRenewMargin)) {
		return c.cred, nil
	}
	life := max(until.Sub(now)+2*udkRenewMargin, udkMinLifetime)
	life = min(life, MaxUserDelegationExpiry)
	start, expiry := now.Add(-udkRenewMargin).UTC(), now.Add(life).UTC()
	cred, err := svc.GetUserDelegationCredential(ctx, service.KeyInfo{
		Start:  to.Ptr(start.Format(sas.TimeFormat)),
		Expiry: to.Ptr(expiry.Format(sas.TimeFormat)),
	}, nil)
	if err != nil {
		return nil, err
	}
	c.cred, c.expiry = cred, expiry
	c.fetches++
	return cred, nil
}
