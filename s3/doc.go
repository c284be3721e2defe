// Package s3 is the storage driver for Amazon S3 and S3-compatible stores
// (MinIO, Cloudflare R2, DigitalOcean Spaces, Ceph), built on
// github.com/aws/aws-sdk-go-v2.
//
//	st, err := s3.New(ctx, s3.Config{Bucket: "media", Region: "eu-west-1"})
//	name, err := st.Save(ctx, "avatars/me.png", f, storage.SaveOptions{})
//
// # Connection
//
// [Config] takes the bucket, the region, an endpoint for S3-compatible
// stores (the standard AWS_ENDPOINT_URL_S3 variable is honoured), path-style
// addressing, and static keys; without keys the SDK's default credential
// chain is used (environment, shared config, SSO, web identity, IMDS).
// AWS_CA_BUNDLE works, also together with a custom [Config.HTTPClient].
//
// # Uploads
//
// Every upload streams with bounded memory. A seekable input that can be
// read at offsets (an *os.File, a bytes.Reader) goes up in parallel parts
// read straight from it (io.NewSectionReader, no copy into buffers). Any
// other input streams through part buffers; the bytes those buffers hold are
// counted against a [storage.Budget] shared by every upload in the process
// (storage.DefaultBudget, 128 MiB, see [Config.Budget]). Objects up to one part are sent
// with a single PutObject. A failed or cancelled multipart upload is aborted
// (with a fresh context, so the abort runs even when ctx is cancelled): no
// orphaned parts, no visible object. (A process that dies mid-upload cannot
// abort: a bucket lifecycle rule AbortIncompleteMultipartUpload is the
// safety net for that.)
//
// Expected checksums (SaveOptions.Checksums) of a file sent in parallel
// parts are hashed by storage.Storage's verifier as the parts are read, but
// only in order: MD5 and SHA-256 are sequential, so the bytes of a part read
// before every part ahead of it was hashed (in practice every part after
// the first, with Concurrency parts in flight) are read once more just
// before CompleteMultipartUpload, from the page cache usually. Hashing them
// as they are read would mean holding them until their turn, up to
// (Concurrency-1) x PartSize of buffers (32 MiB by default) against the
// file path's ~1 MB, and a part read ahead cannot wait for the ones before
// it without serialising the SDK's own per-part hashing; so the driver
// reads them twice instead. BenchmarkSaveFile's read/size (bytes read from
// the file over bytes saved) is 2.000 without expected checksums (the SDK
// reads each part twice over plain HTTP: the SigV4 payload hash, then the
// send; once over HTTPS) and 2.875 with them, for 64 MiB in 8 parts.
//
// Exclusive writes (the Fail and Rename conflict policies) send
// If-None-Match: * on PutObject or CompleteMultipartUpload, so they cannot
// lose a race: a name taken at commit time is an error matching
// storage.ErrExist, and storage.Storage sends the body again under the next
// name (see storage.WithSpoolLimit). Streams of unknown size can be up to 10,000 parts long (80 GB with the
// default 8 MiB part size); give SaveOptions.Size for larger ones.
//
// # Reads
//
// Open sends one GetObject and takes the attributes from its response,
// without a HEAD first; ranged reads (ReadRange included, whose attributes
// come from the same response) send a Range header. The driver only
// translates reads to GetObject: seeking, small ReadAt calls served from one
// window, the parallel ranged download of objects larger than two download
// parts ([Config.DownloadConcurrency] GETs of [Config.DownloadPartSize]
// bytes, within storage.ReadBudget, written in order: at once when the
// reader is copied to a writer, after two parts read in a row through a
// plain Read) and the resumption of a broken stream are the portable
// storage.Reader's.
//
// A reader reads one version: every request after the first (a seek, ReadAt,
// the parallel parts, the resumption of a stream that broke) carries
// If-Match with the ETag of the first response (storage.ReadRequest.Version),
// and a replaced object fails with storage.ErrChanged.
//
// Downloads are verified end to end where S3 reports a checksum of the whole
// object: the ETag of an object uploaded in one request without SSE-KMS or
// SSE-C is its MD5, and a whole read (Read to the end, WriteTo with its
// parallel ranged GETs, ReadRange of the whole object) that does not match
// it fails with storage.ErrChecksum. Multipart objects (larger than
// PartSize, or of unknown size past one part) carry only composite
// checksums of their parts and are not verified.
//
// # Visibility and URLs
//
// No ACL is sent by default: objects are private unless the bucket policy
// says otherwise. SaveOptions.Public (or [Config.Public]) sends the canned ACL
// public-read; a bucket that refuses ACLs (Object Ownership "bucket owner
// enforced", the AWS default since 2023) fails with an error matching
// storage.ErrUnsupported that says so. MinIO accepts the header and ignores
// it: public access there comes from a bucket policy.
//
// Public URLs use the storage's base URL (storage.WithBaseURL, base_url: a
// CDN or custom domain); without one, the bucket's endpoint when the bucket
// is declared public ([Config.PublicBucket], [Config.Public]), and otherwise
// URL fails with an error matching storage.ErrUnsupported rather than hand
// out a link that does not serve private objects. Signed URLs
// are SigV4 presigned GET and PUT URLs, on the S3 endpoint or, with
// [Config.PresignBaseURL], on a custom domain or proxy that forwards requests
// to S3 unchanged (Host header included), which is how R2, Spaces or MinIO
// behind a proxy are served. With a CloudFront key pair
// ([Config.CloudFrontKeyID], [Config.CloudFrontPrivateKey]) signed GET URLs are
// CloudFront signed URLs (canned policy, RSA-SHA1) of the object's public URL
// on the storage's base URL (the CloudFront domain), which is required. No
// CloudFront is available to the tests: they verify those signatures
// independently (the exact canned policy JSON, RSA-SHA1 over it, CloudFront's
// URL-safe base64) instead of fetching through CloudFront.
//
// # Errors
//
// A missing bucket is storage.ErrBucketNotExist, never storage.ErrNotExist:
// S3 names it (NoSuchBucket) in the body of every response but a HEAD's,
// which has none, so the 404 of the HeadObject behind Stat, Exists and Copy
// is followed by a HeadBucket that tells the two apart. A bucket found to
// exist is trusted for a minute, so a burst of Exists calls on missing keys
// costs one HeadBucket per minute, not one per call; HeadBucket needs
// s3:ListBucket (which a 404 for a missing key implies on AWS: without it
// S3 answers 403), and when it is refused the answer stays ErrNotExist. A
// refused credential (InvalidAccessKeyId, SignatureDoesNotMatch, a 403) is
// storage.ErrPermission. MinIO's XMinioInvalidObjectName (a name its disks
// cannot hold, such as a segment over 255 bytes) is storage.ErrInvalidName.
//
// # Per-call options
//
// SaveOptions.DriverOptions accepts a *[SaveOptions] (storage class,
// server-side encryption, canned ACL); any other type is rejected with an
// error matching storage.ErrUnsupported.
//
// # Errors
//
// A missing key maps to storage.ErrNotExist, 403 to storage.ErrPermission and
// a failed precondition to storage.ErrExist; the SDK's error stays reachable
// with errors.As (smithy.APIError, *awshttp.ResponseError). Credentials never
// appear in errors; the SDK's request logging is off.
package s3
