// Package filesystem is the storage driver for a local directory.
//
//	st, err := filesystem.New("/var/media", storage.WithBaseURL("https://cdn.example.com/media/"))
//	name, err := st.Save(ctx, "avatars/me.png", r, storage.SaveOptions{})
//
// # Layout
//
// Object "a/b.png" is the file a/b.png under the root. Directories are
// created as objects are saved and removed when their last object is
// deleted, so the tree behaves like an object store: a directory exists only
// through the objects under it. A name cannot be both an object and a
// directory: saving "a/b" while the object "a" exists fails with an error
// matching storage.ErrExist, and the Rename and Fail policies treat an
// existing directory "a" as a taken name when saving "a".
//
// Every access goes through an [os.Root], so no name can reach outside the
// root: not with "..", and not through symlinks. Symlinks inside the root
// that point inside the root are followed; a symlink that leads out of the
// root is refused for reading, writing, stat and delete (an error matching
// storage.ErrPermission) and skipped by List. List does not descend into
// symlinked directories (no cycles), although names through them can be
// opened.
//
// # Reserved names
//
// Path segments starting with ".storage-" belong to the driver; names with
// such a segment are rejected with storage.ErrInvalidName, and List never
// shows them:
//
//   - ".storage-tmp-<random>" are temporary files, one per write in
//     progress, next to the object they will become;
//   - ".storage-meta/" at the root holds the sidecars (below).
//
// # Writes
//
// Save writes the body to a temporary file in the target directory,
// checking the context between writes. When the body is complete (and the
// expected checksums match) the file is committed: renamed over the name for
// the Overwrite policy, or hard-linked to the name for Rename and Fail, which
// fails atomically when the name is taken (the driver then asks the policy
// for another name and links again, without re-reading the body). A failed
// or cancelled Save removes its temporary file before returning and leaves
// the previous object untouched. With [Config.Fsync] (or a per-call
// [SaveOptions].Fsync) the file and then its directory are flushed to stable
// storage. Copy is server-side: copy_file_range into a temporary file, then
// rename.
//
// Durability across a power loss needs [Config.Fsync]; see there. A crash
// (power loss, kill -9) may leave temporary files behind. They are
// never listed, never returned, and never taken for objects; they are not
// removed automatically (the driver cannot know whether another process is
// still writing them). Remove them with [Driver.CleanTemp], for example at
// start-up or from a periodic job, with an age well above your longest
// upload.
//
// # Attributes and metadata
//
// Size and modification time (UTC) come from the file; the ETag is built from
// inode, size and modification time, so every write gets a new one. Content
// type, the other HTTP headers (Cache-Control, Content-Disposition,
// Content-Encoding, Content-Language) and user metadata live in a JSON
// sidecar, .storage-meta/<name>/.storage-meta.json, written (atomically, by
// rename) after the data file is committed and removed with it. The sidecar records the data
// file's size and modification time; a sidecar that does not match its data
// file (a crash between the two steps, a concurrent overwrite from another
// process, a file replaced by hand) is ignored. Without a valid sidecar the
// content type is the one of the name's extension ([mime.TypeByExtension]),
// or application/octet-stream, and there are no other headers or metadata.
// The fast path writes no sidecar at all: when the content type is the one
// the extension gives and there are no other headers or metadata, nothing
// beyond the file is stored. Between the commit of the data file and the
// sidecar's rename, a concurrent reader sees the object with those default
// attributes. If the sidecar cannot be written (disk full, permissions), Save
// returns the error; a new object (Rename, Fail) is then removed again, but
// an Overwrite has already replaced the previous object, which is left with
// the default attributes.
//
// Checksums are not stored (the Checksums capability is not declared); the
// expected checksums given to Save are still verified before the commit.
// Reads are therefore not verified against a checksum (a whole read of the
// open file is served as is, by sendfile where it can).
//
// # URLs
//
// Public URLs are the base URL given with storage.WithBaseURL followed by the
// escaped name; serve the directory (or the storage's FS view) there. The
// driver has no native signed URLs: use an hmacurl signer with
// storage.WithSigner and mount its handler, which verifies the signature and
// serves GET, HEAD and PUT from the storage:
//
//	sg, err := hmacurl.New("https://files.example.com/signed/", key)
//	st, err := filesystem.New("/var/media", storage.WithSigner(sg))
//	http.Handle("/signed/", sg.Handler(st))
//	u, err := st.SignedURL(ctx, "report.pdf", storage.SignOptions{})
//
// # Errors
//
// ENOENT and ENOTDIR map to storage.ErrNotExist, EEXIST (and EISDIR,
// ENOTEMPTY) to storage.ErrExist, EACCES, EPERM and EROFS to
// storage.ErrPermission, ENAMETOOLONG to storage.ErrInvalidName (a path
// segment is limited to 255 bytes, which the driver checks before reading
// the body). The *fs.PathError stays reachable with errors.As.
package filesystem
