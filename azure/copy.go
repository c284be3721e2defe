package azure

import (
	"context"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
)

// maxSyncCopy is the largest source Copy Blob From URL accepts.
const maxSyncCopy = 256 << 20

// copyPoll is the interval between two checks of a pending copy.
var copyPoll = 100 * time.Millisecond

// Copy implements storage.Driver inside the service: a synchronous Copy Blob
// From URL when the source is at most 256 MiB and can be authorised (account
// key), else an asynchronous Copy Blob polled until it completes. Metadata
// and headers are copied with the bytes.
func (d *Driver) Copy(ctx context.Context, dst, src string) error {
	return d.copy(ctx, dst, src, nil)
}

// CopyExclusive implements storage.ExclusiveCopier: the same copy as Copy,
// carrying "If-None-Match: *" on the destination, which the service checks
// atomically with the copy (Azurite too, since 3.18). A taken destination
// fails with 409 BlobAlreadyExists (or 412 ConditionNotMet), which ErrorKind
// maps to storage.ErrExist, and nothing is copied.
func (d *Driver) CopyExclusive(ctx context.Context, dst, src string) error {
	return d.copy(ctx, dst, src, &blob.ModifiedAccessConditions{IfNoneMatch: to.Ptr(azcore.ETagAny)})
}

func (d *Driver) copy(ctx context.Context, dst, src string, cond *blob.ModifiedAccessConditions) error {
	sa, err := d.Stat(ctx, src)
	if err != nil {
		return err
	}
	var access *blob.AccessConditions
	if cond != nil {
		access = &blob.AccessConditions{ModifiedAccessConditions: cond}
	}
	srcURL := d.cont.NewBlobClient(src).URL()
	dbc := d.cont.NewBlobClient(dst)
	if d.sharedKey != nil && sa.Size <= maxSyncCopy {
		su, err := d.signKey(src, sas.BlobPermissions{Read: true}, time.Now().Add(15*time.Minute))
		if err != nil {
			return err
		}
		_, err = dbc.CopyFromURL(ctx, su, &blob.CopyFromURLOptions{BlobAccessConditions: access})
		if err == nil || cond != nil && isConflict(err) {
			return err
		}
		if !hasStatus(err, 400) && !hasStatus(err, 501) && !hasStatus(err, 409) {
			return err
		}
		// Not supported here (an emulator, an old service): the async copy.
	}
	resp, err := dbc.StartCopyFromURL(ctx, srcURL, &blob.StartCopyFromURLOptions{AccessConditions: access})
	if err != nil {
		return err
	}
	status := resp.CopyStatus
	for status != nil && *status == blob.CopyStatusTypePending {
		select {
		case <-ctx.Done():
			if resp.CopyID != nil {
				_, _ = dbc.AbortCopyFromURL(context.WithoutCancel(ctx), *resp.CopyID, nil)
			}
			return ctx.Err()
		case <-time.After(copyPoll):
		}
		p, err := dbc.GetProperties(ctx, nil)
		if err != nil {
			return err
		}
		status = p.CopyStatus
		if status != nil && *status != blob.CopyStatusTypePending && *status != blob.CopyStatusTypeSuccess {
			return fmt.Errorf("azure: copy of %q to %q ended %s: %s", src, dst, *status, deref(p.CopyStatusDescription))
		}
	}
	if status != nil && *status != blob.CopyStatusTypeSuccess {
		return fmt.Errorf("azure: copy of %q to %q ended %s", src, dst, *status)
	}
	return nil
}
