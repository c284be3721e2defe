// Package gcs is the Google Cloud Storage driver of go-storages, built on the
// official SDK (cloud.google.com/go/storage) over the JSON API.
//
//	st, err := gcs.New(ctx, gcs.Config{Bucket: "my-media"})
//	name, err := st.Save(ctx, "avatars/me.png", r, storage.SaveOptions{})
//	u, _ := st.URL(name) // https://storage.googleapis.com/my-media/avatars/me.png
//
// Credentials are application default credentials unless a service-account
// key is given (Config.ServiceAccountJSON or ServiceAccountFile). The
// standard STORAGE_EMULATOR_HOST variable points the driver at an emulator
// such as fake-gcs-server, as it does the SDK.
//
// Writes stream with bounded memory: an object that fits in one request is
// held in memory and sent at once; a larger one goes through a resumable upload that buffers one
// chunk (Config.ChunkSize, 16 MiB by default), and all concurrent uploads
// share a byte budget (Config.Budget). The SDK computes the CRC32C of the
// bytes while streaming and sends it with the final request, so the service
// rejects a corrupted upload. Nothing is visible before that final request,
// and a failed or cancelled upload, or a BeforeCommit error, abandons the
// session: no object appears. The Fail and Rename conflict policies use the
// does-not-exist precondition (ifGenerationMatch=0): a name taken at commit
// is an error matching storage.ErrExist, and storage.Storage sends the body
// again under the next name (see storage.WithSpoolLimit).
//
// Storage.Open sends the metadata request (the SDK's download response does
// not expose every attribute the contract returns) and the download request
// concurrently, and pins the generation, so a reader never mixes versions:
// once that generation is replaced or deleted, its reads fail with
// storage.ErrChanged. A whole read (Read to the end, WriteTo with its
// parallel ranged requests, ReadRange of the whole object) is verified
// against the object's CRC32C (which every GCS object has) and fails with
// storage.ErrChecksum on a mismatch.
// The driver only translates reads to ranged requests (pinned to the
// generation the portable reader asks for); seeks, ReadAt calls (small ones served from one
// window), resumes of broken streams and the parallel download of a large
// object (io.Copy, Reader.WriteTo, or Read after two parts in a row: by
// default 2 ranged requests of Config.DownloadPartSize in flight, one
// buffered, within storage.ReadBudget) are the portable storage.Reader's. A
// ranged read (ReadRange) takes its attributes from the response, with no
// metadata request.
// Copy is the server-side rewrite, repeated until done. Objects are private
// unless saved with SaveOptions.Public (or Config.Public), which applies the
// predefined ACL publicRead; a bucket with uniform bucket-level access refuses
// object ACLs, and the driver says so with an error matching
// storage.ErrUnsupported.
//
// Stored bytes come back as stored whatever their Content-Encoding: reads
// ask for the stored bytes (ReadCompressed), and an object saved with
// Content-Encoding gzip gets the no-transform directive added to its
// Cache-Control (Stat reports it), without which GCS would decompress it
// for every request lacking "Accept-Encoding: gzip" (decompressive
// transcoding, which also ignores ranges) and public and signed URLs would
// serve other bytes than those stored.
//
// Public URLs use the storage's base URL (storage.WithBaseURL, base_url: a
// Cloud CDN domain or bucket-bound hostname); without one,
// https://storage.googleapis.com/BUCKET/NAME when the bucket is declared
// public (Config.PublicBucket, Config.Public), and otherwise URL fails with
// an error matching storage.ErrUnsupported rather than hand out a link that
// does not serve private objects.
// Signed URLs are V4 GET and PUT URLs signed with the service-account key or
// through Config.SignBytes (for example IAM signBlob), also for a bucket-bound
// hostname (Config.SignHostname).
//
// A missing bucket is storage.ErrBucketNotExist, never storage.ErrNotExist:
// the SDK reports a missing bucket as ErrObjectNotExist on object calls (the
// service answers 404 for both), so such an answer is followed by a request
// for the bucket's metadata that tells them apart. A bucket found to exist is
// trusted for a minute (a burst of Exists calls on missing objects costs one
// extra request per minute); without storage.buckets.get the answer stays
// ErrNotExist. A refused credential is storage.ErrPermission: a token GCS
// refuses (401, 403) and a service-account key the token endpoint refuses
// (400 invalid_grant for a deleted or wrong key, reported by the SDK as
// *auth.Error, or *oauth2.RetrieveError from an oauth2 token source).
//
// Testing: the package's tests run against fake-gcs-server. The emulator
// serves signed URLs but does not check their signatures, so the tests also
// verify each signed URL independently by recomputing its V4 signature with
// the test's RSA key (and test that expired and tampered URLs fail that
// check); the conformance harness says so (Harness.SignaturesNotEnforced),
// and the suite skips its expired/tampered cases. fake-gcs-server
// checks a CRC32C sent with a single-request upload but not the one sent with
// the final request of a resumable upload, and it has no uniform
// bucket-level access, so those two refusals are only covered against the
// real service. It checks no credential: the wrong-credential conformance
// cases authenticate with a key that a local token endpoint refuses as
// Google's does.
package gcs
