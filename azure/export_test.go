package azure

// UserDelegationKeyFetches reports how many user-delegation keys d fetched.
func UserDelegationKeyFetches(d *Driver) int {
	d.udk.mu.Lock()
	defer d.udk.mu.Unlock()
	return d.udk.fetches
}

// UploadsFromInput reports how many uploads d read straight from an input
// read at offsets (a file: sections staged from it, no buffers).
func UploadsFromInput(d *Driver) int64 { return d.fromInput.Load() }

// CopyAsync makes d copy with the asynchronous Copy Blob, as it does without
// an account key (d can no longer sign with the key either).
func CopyAsync(d *Driver) { d.sharedKey = nil }
