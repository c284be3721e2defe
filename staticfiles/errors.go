package staticfiles

import (
	"fmt"
	"strings"

	"github.com/go-storages/storage"
)

// MissingReference is a reference whose target is not among the collected
// files.
type MissingReference struct {
	File      string // the referencing file (destination name)
	Line, Col int    // 1-based; the column counts characters
	Ref       string // the reference as written
	Target    string // the name it resolves to
}

func (m MissingReference) String() string {
	return fmt.Sprintf("%s:%d:%d: %q: the file %q could not be found", m.File, m.Line, m.Col, m.Ref, m.Target)
}

// ReferenceError lists every reference to a missing file found in a run
// (all of them, not just the first). It matches storage.ErrNotExist.
type ReferenceError struct {
	Missing []MissingReference
}

func (e *ReferenceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "staticfiles: %d reference(s) to missing files:", len(e.Missing))
	for _, m := range e.Missing {
		b.WriteString("\n\t")
		b.WriteString(m.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, storage.ErrNotExist) true.
func (e *ReferenceError) Unwrap() error { return storage.ErrNotExist }

// NameError is a source file whose destination name the storage would
// refuse.
type NameError struct {
	Name string // the destination name (or the derived hashed/variant name)
	Err  error
}

// NamesError lists every invalid name of a run, found before anything is
// written. It matches storage.ErrInvalidName.
type NamesError struct {
	Names []NameError
}

func (e *NamesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "staticfiles: %d invalid name(s), nothing written:", len(e.Names))
	for _, n := range e.Names {
		fmt.Fprintf(&b, "\n\t%q: %v", n.Name, n.Err)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, storage.ErrInvalidName) true.
func (e *NamesError) Unwrap() error { return storage.ErrInvalidName }
