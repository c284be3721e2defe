// Package metamap translates object metadata between the portable form
// (lower-case keys, any UTF-8 value) and a backend's, key by key: the one
// loop every driver's metadata translation needs.
package metamap

// Map returns m with every key passed through key and every value through
// value (a nil function keeps them as they are), or nil when m is empty, as
// the portable layer reports no metadata.
func Map(m map[string]string, key, value func(string) string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if key != nil {
			k = key(k)
		}
		if value != nil {
			v = value(v)
		}
		out[k] = v
	}
	return out
}
