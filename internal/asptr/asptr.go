// Package asptr implements the drivers' As methods (see storage.Storage.As):
// hand out a value through a pointer to its type.
package asptr

// Set stores v in *target and reports true when target is a *T; else it
// reports false. A driver's As is then one line per type it hands out:
//
//	return asptr.Set(target, d.client) || asptr.Set(target, d.bucket)
func Set[T any](target any, v T) bool {
	p, ok := target.(*T)
	if ok {
		*p = v
	}
	return ok
}
