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
// and headers are copied with the bytes. An asynchronous copy that the
// context cancels (it is aborted) or that the service fails removes the blob
// the service created at dst for it, so no empty or partial object is left.
//
// An exclusive copy carries "If-None-Match: *" on the destination, which the
// service checks atomically with the copy (Azurite too, since 3.18): a taken
// destination fails with 409 BlobAlreadyExists (or 412 ConditionNotMet),
// which ErrorKind maps to storage.ErrExist, and nothing is copied.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	sa, err := d.Stat(ctx, src)
	if err != nil {
		return err
	}
	var access *blob.AccessConditions
	if exclusive {
		access = &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfNoneMatch: to.Ptr(azcore.ETagAny)}}
	}
	srcURL := d.cont.NewBlobClient(src).URL()
	dbc := d.cont.NewBlobClient(dst)
	if d.sharedKey != nil && sa.Size <= maxSyncCopy {
		su, err := d.signKey(src, sas.BlobPermissions{Read: true}, time.Now().Add(15*time.Minute))
		if err != nil {
			return err
		}
		_, err = dbc.CopyFromURL(ctx, su, &blob.CopyFromURLOptions{BlobAccessConditions: access})
		if err == nil || exclusive && isConflict(err) {
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
			discard(ctx, dbc, resp.CopyID)
			return ctx.Err()
		case <-time.After(copyPoll):
		}
		p, err := dbc.GetProperties(ctx, nil)
		if err != nil {
			return err
		}
		status = p.CopyStatus
		if status != nil && *status != blob.CopyStatusTypePending && *status != blob.CopyStatusTypeSuccess {
			discard(ctx, dbc, resp.CopyID)
			return fmt.Errorf("azure: copy of %q to %q ended %s: %s", src, dst, *status, deref(p.CopyStatusDescription))
		}
	}
	if status != nil && *status != blob.CopyStatusTypeSuccess {
		discard(ctx, dbc, resp.CopyID)
		return fmt.Errorf("azure: copy of %q to %q ended %s", src, dst, *status)
	}
	return nil
}

// discard removes what an unfinished asynchronous copy left at its
// destination: the service creates the destination blob when the copy
// starts, and a copy that is aborted (the context ended) or fails leaves it
// there, empty or partial. The blob is deleted only while it still carries
// this copy's ID and not a successful status, with If-Match on the ETag just
// read, so an object another writer stored since survives. It runs on its own
// bounded context: the caller's may be the one that ended.
func discard(ctx context.Context, dbc *blob.Client, copyID *string) {
	if copyID == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = dbc.AbortCopyFromURL(ctx, *copyID, nil) // fails when the copy already ended
	p, err := dbc.GetProperties(ctx, nil)
	if err != nil || p.CopyID == nil || *p.CopyID != *copyID ||
		p.CopyStatus != nil && *p.CopyStatus == blob.CopyStatusTypeSuccess {
		return
	}
	_, _ = dbc.Delete(ctx, &blob.DeleteOptions{AccessConditions: &blob.AccessConditions{
		ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: p.ETag}}})
}
