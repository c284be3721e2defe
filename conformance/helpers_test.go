package conformance

import (
	"io"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

func TestLongName(t *testing.T) {
	for _, unit := range []string{"abcdefghij", "é文😀", "a b+%#?&é"} {
		for limit := 1; limit <= storage.MaxNameLength; limit++ {
			name := longName(limit, unit)
			if len(name) != limit {
				t.Fatalf("longName(%d, %q) has %d bytes", limit, unit, len(name))
			}
			if err := storage.ValidateName(name); err != nil {
				t.Fatalf("longName(%d, %q): %v", limit, unit, err)
			}
			for _, seg := range strings.Split(name, "/") {
				if len(seg) > 200 {
					t.Fatalf("longName(%d, %q) has a %d-byte segment", limit, unit, len(seg))
				}
			}
		}
	}
}

func TestHostileNamesValid(t *testing.T) {
	for _, h := range hostileNames() {
		if h.unit == "" {
			if err := storage.ValidateName(h.name); err != nil {
				t.Errorf("%s: %v", h.label, err)
			}
		}
	}
	for _, in := range invalidNames {
		if storage.ValidateName(in.name) == nil {
			t.Errorf("%s: %q is valid", in.label, in.name)
		}
	}
}

func TestTamperSignature(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://h/b/k?X-Amz-Credential=abc&X-Amz-Signature=0f9e", "https://h/b/k?X-Amz-Credential=abc&X-Amz-Signature=af9e"},
		{"https://h/k?sv=2024&sig=a%2Bb%3D", "https://h/k?sv=2024&sig=b%2Bb%3D"},
		{"https://h/k?expires=1&signature=Zm9v", "https://h/k?expires=1&signature=am9v"},
		{"https://h/k?a=1&token=%2Fxyz", "https://h/k?a=1&token=%2Fxyz"[:len("https://h/k?a=1&token=%2F")] + "ayz"},
	} {
		if got := tamperSignature(t, c.in); got != c.want {
			t.Errorf("tamperSignature(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b := newGenerator(100_003), newGenerator(100_003)
	ba, _ := io.ReadAll(a)
	buf := make([]byte, 7)
	var bb []byte
	for {
		n, err := b.Read(buf)
		bb = append(bb, buf[:n]...)
		if err == io.EOF {
			break
		}
	}
	if len(ba) != 100_003 || string(ba) != string(bb) {
		t.Fatal("the generator depends on read sizes")
	}
}
