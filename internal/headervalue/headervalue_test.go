package headervalue

import (
	"testing"
	"unicode/utf8"
)

func TestRoundTrip(t *testing.T) {
	for _, v := range []string{"", "plain", "a b", "tab\tinside", "héllo", "日本語", " lead", "trail ", "\tx", "x\n",
		"=?UTF-8?B?aGk=?=", "a =? b", "\x00\x7f", "café=?x?="} {
		enc := Encode(v)
		for i := 0; i < len(enc); i++ {
			if c := enc[i]; c < 0x20 || c >= 0x7f {
				t.Fatalf("Encode(%q) = %q is not printable ASCII", v, enc)
			}
		}
		if got := Decode(enc); got != v {
			t.Errorf("Decode(Encode(%q)) = %q (via %q)", v, got, enc)
		}
	}
	if Encode("plain value") != "plain value" {
		t.Error("a plain value is encoded")
	}
}

func TestDecodeOthers(t *testing.T) {
	// The forms AWS and other clients write.
	for enc, want := range map[string]string{"=?utf-8?b?w6k=?=": "é", "=?UTF-8?Q?caf=C3=A9?=": "café", "=?broken": "=?broken"} {
		if got := Decode(enc); got != want {
			t.Errorf("Decode(%q) = %q, want %q", enc, got, want)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("héllo =?x?= ")
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return
		}
		if got := Decode(Encode(v)); got != v {
			t.Fatalf("Decode(Encode(%q)) = %q", v, got)
		}
	})
}
