package azure

// UserDelegationKeyFetches reports how many user-delegation keys d fetched.
func UserDelegationKeyFetches(d *Driver) int {
	d.udk.mu.Lock()
	defer d.udk.mu.Unlock()
	return d.udk.fetches
}
