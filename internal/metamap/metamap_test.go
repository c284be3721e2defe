package metamap_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/go-storages/storage/internal/metamap"
)

func TestMap(t *testing.T) {
	if got := metamap.Map(map[string]string{}, strings.ToLower, nil); got != nil {
		t.Fatalf("empty map: %v, want nil", got)
	}
	got := metamap.Map(map[string]string{"Key": "v", "b": "W"}, strings.ToLower, strings.ToUpper)
	if want := map[string]string{"key": "V", "b": "W"}; !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	in := map[string]string{"A": "b"}
	if got := metamap.Map(in, nil, nil); !maps.Equal(got, in) {
		t.Fatalf("identity: %v", got)
	}
}
