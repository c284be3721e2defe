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
// root: not with "..", and not through symlinks. On Linux 5.6 and later a
// write opens its object's directory with openat2 and RESOLVE_BENEATH
// instead, the same confinement checked by the kernel in one syscall (os.Root
// walks the path one segment at a time in user space); where openat2 is
// missing or refused by a seccomp filter, writes go through os.Root as
// elsewhere. Symlinks inside the root
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
//   - ".storage-meta/" at the root holds the sidecars, where metadata
//     cannot go to an extended attribute (below).
//
// # Writes
//
// Save opens the target directory once (creating it when missing) and does
// the rest of the write through that handle, with single-segment names: it
// writes the body to a temporary file there, checking the context between
// writes, and sets the metadata attribute. When the body is complete (and
// the expected checksums match) the file is committed: renamed over the name
// for the Overwrite policy, or hard-linked to the name for Rename and Fail,
// which fails atomically when the name is taken (the driver then asks the
// policy for another name and links again, without re-reading the body). A
// failed or cancelled Save removes its temporary file before returning and
// leaves the previous object untouched. With [Config.Fsync] (or a per-call
// [SaveOptions].Fsync) the file (with its attribute) and then its directory
// are flushed to stable storage. Copy is server-side: copy_file_range into a
// temporary file, then rename.
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
// Content-Encoding, Content-Language) and user metadata are stored only when
// there is something to store: when the content type is the one the name's
// extension gives ([mime.TypeByExtension], else application/octet-stream)
// and there are no other headers or metadata, nothing beyond the file is
// written, and those defaults are what Stat and Open report.
//
// On Linux they are kept in one extended attribute of the data file,
// user.go-storages.meta, holding a JSON object with the keys content_type,
// cache_control, content_disposition, content_encoding, content_language
// and metadata (an object of strings), each present only when set:
//
//	$ getfattr -n user.go-storages.meta --only-values css/app.4f1e3a2b9c8d.css.br
//	{"content_type":"text/css; charset=utf-8","cache_control":"public, max-age=31536000, immutable","content_encoding":"br"}
//
// The attribute is set on the temporary file before it is committed, so the
// data and its metadata appear together in the one rename or link that
// commits the object, and a reader never sees one without the other. It
// belongs to the file: a file rewritten in place keeps it (like its
// permissions), a new file renamed over the name (what editors and most
// tools do) has none, and so the default attributes. Copies that keep
// extended attributes (cp -a, rsync -X, tar --xattrs) keep the metadata;
// others drop it. ext4, XFS, btrfs, tmpfs (Linux 6.6 and later), ZFS and
// NFS 4.2 keep user extended attributes.
//
// Where the filesystem refuses the attribute (ENOTSUP: vfat, tmpfs before
// Linux 6.6, some network filesystems; the driver then stops trying for the
// rest of its life), where this one value is refused (larger than the
// filesystem takes: about 4 KiB on ext4, 64 KiB anywhere; or not permitted
// on the file), on other
// systems than Linux, and with [Config.Sidecars], the metadata goes to a JSON
// sidecar instead: .storage-meta/<name>/.storage-meta.json under the root,
// the same object plus the object's name and the data file's size and
// modification time (name, size, mtime_ns), written atomically (temporary
// file and rename) after the data file is committed. A sidecar that does not
// match its data file (a crash between the two steps, a concurrent overwrite
// from another process, a file replaced by hand) is ignored. Between the
// commit of the data file and the sidecar's rename, a concurrent reader
// sees the object with the default attributes. If the sidecar cannot be
// written (disk full, permissions), Save returns the error; a new object
// (Rename, Fail) is then removed again, but an Overwrite has already
// replaced the previous object, which is left with the default attributes.
//
// Reads take the attribute when the file has one, else a matching sidecar,
// so trees written by earlier versions of the driver (sidecars only) keep
// their metadata. A Save or Delete removes the name's sidecar, if any, so
// that none is left behind when the metadata moves to the attribute;
// [Driver.CleanTemp] removes sidecars that no object uses (left by a crash,
// by another process, or superseded by an attribute). Stat opens the file
// (read-only, non-blocking) to read its attribute, so it needs read
// permission on the file, as Open does.
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
