package storage_test

import (
	"fmt"
	"testing"

	"github.com/go-storages/storage"
)

func TestValidETag(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		`"abc"`:                              `"abc"`,
		`W/"abc"`:                            `W/"abc"`,
		`""`:                                 `""`,
		"CLjF0aGjycICEAE=":                   `"CLjF0aGjycICEAE="`,  // GCS, bare
		"0x8DC2A3B4C5D6E7F":                  `"0x8DC2A3B4C5D6E7F"`, // Azure listing, bare
		`"half`:                              `"%22half"`,
		`a"b c`:                              `"a%22b%20c"`,
		"100%":                               `"100%25"`,
		"W/abc":                              `"W/abc"`,
		"\x7f\x01":                           `"%7F%01"`,
		`"d41d8cd98f00b204e9800998ecf8427e"`: `"d41d8cd98f00b204e9800998ecf8427e"`,
	} {
		if got := storage.ValidETag(in); got != want {
			t.Errorf("ValidETag(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleValidETag() {
	fmt.Println(storage.ValidETag("CLjF0aGjycICEAE="))
	fmt.Println(storage.ValidETag(`W/"v2"`))
	// Output:
	// "CLjF0aGjycICEAE="
	// W/"v2"
}
