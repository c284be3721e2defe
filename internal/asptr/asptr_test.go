package asptr_test

import (
	"testing"

	"github.com/go-storages/storage/internal/asptr"
)

func TestSet(t *testing.T) {
	v := 7
	var p *int
	if !asptr.Set(&p, &v) || p != &v {
		t.Fatalf("Set(**int): %v", p)
	}
	var s *string
	if asptr.Set(&s, &v) || s != nil {
		t.Fatal("Set into another type reported true")
	}
	if asptr.Set(nil, &v) {
		t.Fatal("Set(nil) reported true")
	}
}
