package s3

// SetCopyLimits lowers the CopyObject limit and the multipart copy part
// size so tests can exercise the multipart copy with small objects.
func SetCopyLimits(threshold, partSize int64) (restore func()) {
	t, p := copyPartThreshold, copyPartSize
	copyPartThreshold, copyPartSize = threshold, partSize
	return func() { copyPartThreshold, copyPartSize = t, p }
}

// ACLError is the error Write returns for err from an ACL-carrying request.
func ACLError(d *Driver, err error) error { return d.mapACLError(err) }

// UploadsFromInput reports how many uploads d read straight from a
// seekable input (parts at offsets, no part buffers).
func UploadsFromInput(d *Driver) int64 { return d.fromInput.Load() }
