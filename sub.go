package storage

import "strings"

// Sub returns a copy of s, with every option kept, whose objects live under
// prefix inside s's location: on a storage with location "media",
// Sub("tenants/42") keeps "a.txt" as "media/tenants/42/a.txt". It is the
// same mechanism as [WithLocation] (Django's location), applied to an
// existing storage, for one namespace per tenant over a shared bucket:
// names given to and returned by the sub-storage never show the prefix,
// public URLs include it, and the maximum name length shrinks by its
// length. Slashes around prefix are ignored; "" returns s itself. An
// invalid prefix (see [ValidateName]) or one that leaves no room for a name
// is an error matching ErrInvalidName.
//
//	tenant, err := st.Sub("tenants/42")
func (s *Storage) Sub(prefix string) (*Storage, error) {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return s, nil
	}
	if reason := invalidName(prefix); reason != "" {
		return nil, errorf("sub", prefix, ErrInvalidName, reason)
	}
	loc := s.location + prefix + "/"
	if len(loc) >= MaxNameLength {
		return nil, errorf("sub", prefix, ErrInvalidName, "location prefix leaves no room for a name within 1024 bytes")
	}
	c := *s
	c.location = loc
	c.escLocation = EscapePath(loc)
	c.maxName = min(s.maxName, MaxNameLength-len(loc))
	return &c, nil
}
