package storage_test

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// decodeConfig has a field of every kind URLQuery.Decode reads.
type decodeConfig struct {
	Host     string
	Region   string        `url:"region|awsRegion"`
	Key      string        `url:"key,secret"`
	Class    string        `url:"class,enum=STANDARD|COLD"`
	Secure   bool          `url:"secure"`
	Parts    int           `url:"parts"`
	Size     int64         `url:"size"`
	Small    int8          `url:"small"`
	Timeout  time.Duration `url:"timeout"`
	Perm     fs.FileMode   `url:"perm"`
	Budget   *storage.Budget
	Budget2  *storage.Budget `url:"budget"`
	PEM      []byte          `url:"pem_path,file"`
	Untagged string
}

var decoded struct {
	parsed, opened decodeConfig
}

func init() {
	storage.Register("decodetest", storage.URLOpenerFunc(func(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
		cfg := decodeConfig{Host: u.Host, Region: "default", Untagged: "kept"}
		keys := q.Decode(&cfg)
		if (cfg.Key == "") != !keys.Has("pem_path") {
			q.Fail("key", "key and pem_path go together")
		}
		decoded.parsed = cfg
		return storage.OpenConfig(cfg, keys, func(_ context.Context, c decodeConfig, opts ...storage.Option) (*storage.Storage, error) {
			decoded.opened = c
			return storage.New(memory.NewDriver(), opts...)
		}), nil
	}))
}

func TestDecode(t *testing.T) {
	pem := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(pem, []byte("PEM BYTES"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := storage.ParseURL("decodetest://b?awsRegion=eu&key=s3cr3t&class=COLD&secure=1&parts=4&size=1099511627776&small=7&timeout=90&perm=0750&budget=67108864&pem_path=" + pem)
	if err != nil {
		t.Fatal(err)
	}
	got := decoded.parsed
	if got.Host != "b" || got.Region != "eu" || got.Key != "s3cr3t" || got.Class != "COLD" || !got.Secure ||
		got.Parts != 4 || got.Size != 1<<40 || got.Small != 7 || got.Timeout != 90*time.Second || got.Perm != 0o750 ||
		got.Budget != nil || got.Budget2 == nil || got.Budget2.Size() != 64<<20 || got.Untagged != "kept" {
		t.Fatalf("decoded %+v", got)
	}
	if got.PEM != nil {
		t.Fatal("the key file was read while parsing")
	}
	if strings.Contains(p.String(), "s3cr3t") {
		t.Fatalf("String() shows the secret: %s", p)
	}
	st, err := p.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if string(decoded.opened.PEM) != "PEM BYTES" || decoded.opened.Region != "eu" {
		t.Fatalf("opened with %+v", decoded.opened)
	}
	if decoded.parsed.PEM != nil {
		t.Fatal("the key was read into the parsed config, not a copy")
	}

	// Absent parameters keep the field's value.
	if _, err := storage.ParseURL("decodetest://b"); err != nil {
		t.Fatal(err)
	}
	if decoded.parsed.Region != "default" || decoded.parsed.Secure || decoded.parsed.Budget2 != nil {
		t.Fatalf("absent parameters changed fields: %+v", decoded.parsed)
	}
}

func TestDecodeErrors(t *testing.T) {
	const secret = "s3cr3tVALUE"
	_, err := storage.ParseURL("decodetest://b?region=a&awsRegion=b&key=" + secret + "&key=" + secret +
		"&class=HOT&secure=maybe&parts=-1&size=x&small=300&timeout=soon&perm=rwx&budget=-5&typo=1")
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
	for _, param := range []string{"awsRegion", "key", "class", "secure", "parts", "size", "small", "timeout", "perm", "budget", "typo"} {
		if !strings.Contains(err.Error(), `"`+param+`"`) {
			t.Errorf("error does not name %q: %v", param, err)
		}
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the secret: %v", err)
	}

	// A missing key file is found when the storage opens, not while parsing.
	p, err := storage.ParseURL("decodetest://b?key=k&pem_path=/nonexistent/key.pem")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Open(context.Background())
	if !errors.Is(err, storage.ErrInvalidArgument) || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), `"pem_path"`) {
		t.Fatalf("open with a missing key file: %v", err)
	}
}

// panicConfig is what the decodepanic scheme decodes into.
var panicConfig any

func init() {
	storage.Register("decodepanic", storage.URLOpenerFunc(func(_ *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
		q.Decode(panicConfig)
		return nil, nil
	}))
}

// A tag Decode cannot honour is a bug in the driver, found on any URL (the
// parameter absent).
func TestDecodeBadTagsPanic(t *testing.T) {
	for name, cfg := range map[string]any{
		"not a pointer": struct{}{},
		"unknown option": &struct {
			A string `url:"a,secert"`
		}{},
		"unsupported type": &struct {
			A float64 `url:"a"`
		}{},
		"file on a string": &struct {
			A string `url:"a,file"`
		}{},
		"enum on a bool": &struct {
			A bool `url:"a,enum=x|y"`
		}{},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			panicConfig = cfg
			_, _ = storage.ParseURL("decodepanic://b")
		}()
	}
}
