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
		"host with a parameter name": &struct {
			A string `url:"a,host=bucket"`
		}{},
		"host on an int": &struct {
			A int `url:",host=bucket"`
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

// bucketConfig is a Config as a cloud driver declares it to RegisterConfig.
type bucketConfig struct {
	Bucket   string `url:",host=bucket"`
	Endpoint string `url:"endpoint"`
	Token    string `url:"token,secret"`
	PEM      []byte `url:"pem_path,file"`
}

var registered struct {
	opened bucketConfig
	signed bool // opened through the Open the check put in place
}

func init() {
	open := func(_ context.Context, c bucketConfig, opts ...storage.Option) (*storage.Storage, error) {
		registered.opened = c
		return storage.New(memory.NewDriver(), opts...)
	}
	storage.RegisterConfig("regconfig", open, func(p *storage.URLConfig[bucketConfig]) {
		p.CheckHTTPURL("endpoint", p.Config.Endpoint, "https://example.com")
		if p.Keys.Has("pem_path") && p.Config.Token == "" {
			p.Fail("pem_path", "needs token")
		}
		if p.Bool("signed") {
			p.Open = func(ctx context.Context, c bucketConfig, opts ...storage.Option) (*storage.Storage, error) {
				registered.signed = true
				return open(ctx, c, opts...)
			}
		}
	})
}

func TestRegisterConfig(t *testing.T) {
	pem := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(pem, []byte("PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, "regconfig://media/up/loads?endpoint=https://e.example.com&token=t&signed=true&pem_path="+pem+"&base_url=https://cdn.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c := registered.opened; c.Bucket != "media" || c.Endpoint != "https://e.example.com" || c.Token != "t" || string(c.PEM) != "PEM" || !registered.signed {
		t.Fatalf("opened with %+v (signed %v)", c, registered.signed)
	}
	// The path is the location prefix.
	if u, err := st.URL("a.txt"); u != "https://cdn.example.com/up/loads/a.txt" {
		t.Fatalf("URL = %q, %v", u, err)
	}

	for raw, want := range map[string]string{
		"regconfig:///prefix":                  "want regconfig://bucket[/prefix]",
		"regconfig:opaque":                     "want regconfig://bucket[/prefix]",
		"regconfig://b/p?location=q":           `"location"`,
		"regconfig://b?endpoint=nohost":        `"endpoint"`,
		"regconfig://b?pem_path=/not/read/yet": `"pem_path"`,
		"regconfig://b?bucket=x":               `"bucket": unknown`,
	} {
		if _, err := storage.ParseURL(raw); !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error mentioning %s", raw, err, want)
		}
	}
}
