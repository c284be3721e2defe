//go:build linux

package filesystem

// WithoutOpenat2 makes d's writes open their directories through os.Root,
// as on a kernel without openat2 or under a seccomp filter refusing it.
func (d *Driver) WithoutOpenat2() { d.fast.off.Store(true) }

// UsesOpenat2 reports whether d's writes still take the openat2 path.
func (d *Driver) UsesOpenat2() bool { return d.fast.f != nil && !d.fast.off.Load() }
