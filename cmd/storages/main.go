// Command storages looks into and moves files on any storage the
// go-storages library reaches: S3 and S3-compatible stores, Google Cloud
// Storage, Azure Blob, a local directory, and any gocloud.dev bucket.
//
//	storages cp -r ./public s3://my-bucket/site/
//	storages ls -l media:avatars/
//	storages sync --delete ./static gs://my-static/
//	storages sign --expires 1h media:reports/2026.pdf
//
// A storage is named by its URL (see storage.Open: s3://bucket/prefix?region=...)
// or by a name from the configuration file and environment that package
// config reads (media:avatars/ is the object prefix avatars/ of the storage
// "media"), so the command line and a service share one configuration. A
// local path is a filesystem storage. Run "storages help" for the commands.
//
// Install it with
//
//	go install github.com/go-storages/storage/cmd/storages@latest
//
// Exit status: 0 on success, 1 on failure, 2 on a usage error.
package main

import (
	"context"
	"os"

	// Every driver registers its URL scheme on import.
	_ "github.com/go-storages/storage/azure"
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/gcs"
	_ "github.com/go-storages/storage/gocloud"
	_ "github.com/go-storages/storage/memory"
	_ "github.com/go-storages/storage/s3"

	// gocloud.dev's own drivers, for gocloud+<scheme>:// URLs.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Environ()))
}
