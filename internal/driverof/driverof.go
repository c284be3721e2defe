// Package driverof gives this module's tests the driver under a storage,
// which the storage itself no longer hands out (its methods skip the
// storage's validation): tests use it to check what reached the backend or
// to reach a driver's own test hooks.
package driverof

import "github.com/go-storages/storage"

// Get returns the driver under st (the outermost wrapper, if any), obtained
// through Wrap.
func Get(st *storage.Storage) storage.Driver {
	var d storage.Driver
	st.Wrap(func(inner storage.Driver) storage.Driver { d = inner; return inner })
	return d
}
