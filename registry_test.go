package storage_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/memory"
)

// probe is what the test scheme's parser read, for the assertions.
type probe struct {
	region   string
	key      string
	secure   bool
	parts    int64
	timeout  time.Duration
	class    string
	user     *url.Userinfo
	host     string
	gotOpts  int
	endpoint []string
}

var lastProbe probe

func init() {
	storage.Register("regtest", storage.URLOpenerFunc(func(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
		p := probe{host: u.Host}
		p.region = q.String("region", "awsRegion")
		p.key = q.Secret("secret_key")
		p.secure = q.Bool("secure")
		p.parts = q.Int("parts")
		p.timeout = q.Duration("timeout")
		p.class = q.Enum([]string{"STANDARD", "COLD"}, "class")
		p.endpoint = q.Strings("endpoint")
		p.user = q.User()
		q.SetLocation(u.Path)
		lastProbe = p
		return func(_ context.Context, opts ...storage.Option) (*storage.Storage, error) {
			lastProbe.gotOpts = len(opts)
			return storage.New(memory.NewDriver(), opts...)
		}, nil
	}))
}

func TestOpenMem(t *testing.T) {
	ctx := context.Background()
	st, err := storage.Open(ctx, "mem:///media?base_url=https://cdn.example.com/&conflict=fail&max_name_length=100")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("y"), storage.SaveOptions{}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("conflict=fail: second save: %v, want ErrExist", err)
	}
	u, err := st.URL("a.txt")
	if err != nil || u != "https://cdn.example.com/media/a.txt" {
		t.Fatalf("URL = %q, %v", u, err)
	}
	// The location really is a prefix in the driver.
	if _, err := driverof.Get(st).Stat(ctx, "media/a.txt"); err != nil {
		t.Fatalf("object not under the location: %v", err)
	}
}

func TestOpenLocationParamAndAlias(t *testing.T) {
	ctx := context.Background()
	for _, raw := range []string{"mem://?location=m/x&base_url=https://h/", "mem://?prefix=m/x/&base_url=https://h/"} {
		st, err := storage.Open(ctx, raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if u, _ := st.URL("f"); u != "https://h/m/x/f" {
			t.Errorf("%s: URL = %q", raw, u)
		}
	}
}

func TestOpenCallerOptionsWin(t *testing.T) {
	st, err := storage.Open(context.Background(), "mem://?base_url=https://url.example/", storage.WithBaseURL("https://code.example/"))
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := st.URL("f"); u != "https://code.example/f" {
		t.Fatalf("URL = %q", u)
	}
}

func TestOpenShardedBaseURLs(t *testing.T) {
	st, err := storage.Open(context.Background(), "mem://?base_url=https://a.example/&base_url=https://b.example/")
	if err != nil {
		t.Fatal(err)
	}
	hosts := map[string]bool{}
	for i := range 50 {
		u, _ := st.URL(fmt.Sprintf("f%d", i))
		pu, _ := url.Parse(u)
		hosts[pu.Host] = true
	}
	if len(hosts) != 2 {
		t.Fatalf("hosts used: %v", hosts)
	}
}

func TestOpenDriverParams(t *testing.T) {
	_, err := storage.Open(context.Background(), "regtest://bucket/pre/fix?awsRegion=eu&secret_key=s3cr3t&secure=true&parts=4&timeout=90&class=COLD&endpoint=a&endpoint=b")
	if err != nil {
		t.Fatal(err)
	}
	p := lastProbe
	if p.region != "eu" || p.key != "s3cr3t" || !p.secure || p.parts != 4 || p.timeout != 90*time.Second || p.class != "COLD" || p.host != "bucket" || !slices.Equal(p.endpoint, []string{"a", "b"}) {
		t.Fatalf("parsed %+v", p)
	}
	if p.gotOpts != 1 { // the location from the path
		t.Fatalf("opener got %d options, want 1", p.gotOpts)
	}
}

func TestOpenErrorsNameEveryParameter(t *testing.T) {
	_, err := storage.Open(context.Background(), "regtest://b?region=x&awsRegion=y&secure=maybe&parts=many&timeout=soon&class=HOT&conflict=sometimes&max_name_length=0&typo=1&base_url=relative")
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
	msg := err.Error()
	for _, param := range []string{"awsRegion", "secure", "parts", "timeout", "class", "conflict", "max_name_length", "typo", "base_url"} {
		if !strings.Contains(msg, fmt.Sprintf("parameter %q", param)) {
			t.Errorf("error does not name %q:\n%s", param, msg)
		}
	}
	var pe *storage.URLParamError
	if !errors.As(err, &pe) || pe.Scheme != "regtest" {
		t.Errorf("errors.As URLParamError: %+v", pe)
	}
}

func TestOpenLocationTwice(t *testing.T) {
	_, err := storage.Open(context.Background(), "mem:///a?location=b")
	if err == nil || !strings.Contains(err.Error(), `parameter "location"`) {
		t.Fatalf("err = %v", err)
	}
	_, err = storage.Open(context.Background(), "mem://?location=a/../b")
	if err == nil || !strings.Contains(err.Error(), `parameter "location"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenSecretsNeverEchoed(t *testing.T) {
	const secret = "TOPSECRETvalue"
	cases := []string{
		"regtest://b?secret_key=" + secret + "&typo=1",                     // error elsewhere
		"mem://?aws_secret=" + secret,                                      // unknown parameter holding a secret
		"mem://user:" + secret + "@/",                                      // userinfo where not accepted
		"regtest://b?secret_key=" + secret + "&secret_key=" + secret + "x", // given twice
		"regtest://b?secret_key=" + secret + "%zz",                         // malformed escape
		"regtest://user:" + secret + "@b:port" + secret,                    // malformed URL
		"nosuchscheme://user:" + secret + "@b?key=" + secret,               // unknown scheme
	}
	for _, raw := range cases {
		_, err := storage.Open(context.Background(), raw)
		if err == nil {
			t.Errorf("%s: no error", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
			t.Errorf("error shows the secret: %v", err)
		}
	}
	p, err := storage.ParseURL("regtest://alice:" + secret + "@b/p?secret_key=" + secret + "&region=eu")
	if err != nil {
		t.Fatal(err)
	}
	if s := p.String(); strings.Contains(s, secret) || strings.Contains(s, "alice") || !strings.Contains(s, "region=eu") {
		t.Fatalf("String() = %q", s)
	}
	if lastProbe.user.Username() != "alice" {
		t.Fatalf("opener did not get the userinfo")
	}
}

func TestOpenUnknownScheme(t *testing.T) {
	_, err := storage.Open(context.Background(), "s3x://bucket")
	if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "no driver registered") {
		t.Fatalf("err = %v", err)
	}
	_, err = storage.Open(context.Background(), "azblob://c")
	if !strings.Contains(err.Error(), "import github.com/go-storages/storage/azure") && !slices.Contains(storage.Schemes(), "azblob") {
		t.Fatalf("err = %v: no import hint", err)
	}
	if _, err := storage.Open(context.Background(), "/var/media"); err == nil || !strings.Contains(err.Error(), "no scheme") {
		t.Fatalf("err = %v", err)
	}
	if _, err := storage.Open(context.Background(), "mem://#frag"); err == nil {
		t.Fatalf("fragment accepted")
	}
	if _, err := storage.Open(context.Background(), "mem://host/"); err == nil {
		t.Fatalf("mem host accepted")
	}
}

func TestRegisterPanics(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	op := storage.URLOpenerFunc(func(*url.URL, *storage.URLQuery) (storage.OpenFunc, error) { return nil, nil })
	mustPanic("duplicate", func() { storage.Register("mem", op) })
	mustPanic("nil", func() { storage.Register("x-nil", nil) })
	mustPanic("bad scheme", func() { storage.Register("Bad Scheme", op) })
	mustPanic("empty", func() { storage.Register("", op) })
	if !slices.Contains(storage.Schemes(), "mem") || !slices.Contains(storage.Schemes(), "regtest") {
		t.Fatalf("Schemes() = %v", storage.Schemes())
	}
}

func ExampleOpen() {
	ctx := context.Background()
	// In a real service the URL comes from configuration: file:// in
	// development, s3:// or gs:// in production, same code.
	st, err := storage.Open(ctx, "mem:///media?base_url=https://cdn.example.com/")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	name, _ := st.Save(ctx, "hello.txt", strings.NewReader("hi"), storage.SaveOptions{})
	u, _ := st.URL(name)
	fmt.Println(u)

	_, err = storage.Open(ctx, "mem://?conflict=sometimes&colour=blue")
	fmt.Println(err)
	// Output:
	// https://cdn.example.com/media/hello.txt
	// storage: open: invalid argument: mem URL: parameter "conflict": invalid value "sometimes"; want one of rename, overwrite, fail
	// mem URL: parameter "colour": unknown parameter
}

// Registered once per process (in init, as a driver does), so that the
// test also passes with -count=N.
func init() {
	storage.Register("regcheck", storage.URLOpenerFunc(func(u *url.URL, q *storage.URLQuery) (storage.OpenFunc, error) {
		q.Count("part_size")
		q.CheckHTTPURL("endpoint", q.String("endpoint"), "http://127.0.0.1:9000")
		return func(_ context.Context, opts ...storage.Option) (*storage.Storage, error) {
			return storage.New(memory.NewDriver(), opts...)
		}, nil
	}))
}

// Count and CheckHTTPURL, the checks every cloud driver's URL opener shares.
func TestCountAndCheckHTTPURL(t *testing.T) {
	ctx := context.Background()
	if st, err := storage.Open(ctx, "regcheck://x?part_size=5&endpoint=http://127.0.0.1:9000"); err != nil {
		t.Fatalf("valid parameters: %v", err)
	} else {
		st.Close()
	}
	_, err := storage.Open(ctx, "regcheck://x?part_size=-1&endpoint=ftp://host")
	if err == nil || !strings.Contains(err.Error(), "part_size") || !strings.Contains(err.Error(), "must not be negative") ||
		!strings.Contains(err.Error(), "endpoint") || !strings.Contains(err.Error(), "http://127.0.0.1:9000") {
		t.Fatalf("bad parameters: %v, want both named", err)
	}
}
