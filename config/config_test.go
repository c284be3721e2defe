package config_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/config"
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/gocloud"
	_ "github.com/go-storages/storage/memory"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "storages.toml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodFile = `
[storages.default]
url = "mem:///${AREA:-dev}?base_url=https://example.com/"

[storages.media]
url = "mem://"
[storages.media.options]
base_url = ["https://cdn1.example.com/", "https://cdn2.example.com/"]
conflict = "fail"
max_name_length = 200
location = "${MEDIA_PREFIX}"

[storages.staticfiles]
url = "mem://?base_url=https://static.example.com/"
read_only = true
`

func TestLoadFile(t *testing.T) {
	ctx := context.Background()
	sts, err := config.Load(ctx, config.Options{Path: writeFile(t, goodFile), Env: []string{"MEDIA_PREFIX=uploads"}, Require: []string{"default", "media"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sts.Close()
	if got := fmt.Sprint(sts.Names()); got != "[default media staticfiles]" {
		t.Fatalf("names %s", got)
	}
	def, err := sts.Get("default")
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := def.URL("a.txt"); u != "https://example.com/dev/a.txt" {
		t.Fatalf("default URL %q", u)
	}
	media, _ := sts.Get("media")
	if _, err := media.Save(ctx, "a.txt", strings.NewReader("1"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := media.Save(ctx, "a.txt", strings.NewReader("2"), storage.SaveOptions{}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("conflict=fail not applied: %v", err)
	}
	if u, _ := media.URL("a.txt"); !strings.Contains(u, ".example.com/uploads/a.txt") {
		t.Fatalf("media URL %q", u)
	}
	again, _ := sts.Get("media")
	if again != media {
		t.Fatal("Get opened the storage twice")
	}
	static, _ := sts.Get("staticfiles")
	if _, err := static.Save(ctx, "x", strings.NewReader("x"), storage.SaveOptions{}); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("read_only not applied: %v", err)
	}
	if _, err := sts.Get("nope"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Get unknown: %v", err)
	}
	if d := sts.Describe("staticfiles"); !strings.Contains(d, "read-only") || !strings.Contains(d, "storages.toml") {
		t.Fatalf("Describe = %q", d)
	}
}

func TestEnvironmentOnly(t *testing.T) {
	sts, err := config.Load(context.Background(), config.Options{Env: []string{
		"STORAGE_URL=mem://?base_url=https://a.example/",
		"STORAGES_MEDIA_URL=mem:///m",
		"UNRELATED=1",
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer sts.Close()
	if got := fmt.Sprint(sts.Names()); got != "[default media]" {
		t.Fatalf("names %s", got)
	}
	if d := sts.Describe("media"); !strings.Contains(d, "$STORAGES_MEDIA_URL") {
		t.Fatalf("Describe = %q", d)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	p := writeFile(t, goodFile)
	sts, err := config.Load(context.Background(), config.Options{Env: []string{
		"STORAGES_CONFIG=" + p,
		"MEDIA_PREFIX=x",
		"STORAGES_MEDIA_URL=mem:///from-env?base_url=https://env.example/",
	}})
	if err != nil {
		t.Fatal(err)
	}
	media, _ := sts.Get("media")
	if u, _ := media.URL("a"); u != "https://env.example/from-env/a" {
		t.Fatalf("URL %q: the environment did not replace the file's entry", u)
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	const secret = "SUPERSECRET123"
	p := writeFile(t, `
[storages.default]
url = "mem://?colour=blue"

[storages.media]
url = "mem://${NOT_SET}"

[storages.thumbs]
url = "nosuch://bucket?key=`+secret+`"

[storages.docs]
url = "mem://?conflict=fail"
readonly = true
[storages.docs.options]
conflict = "rename"
nested = { a = 1 }

[storages.Bad-Name]
url = "mem://"

[storages.empty]
`)
	_, err := config.Load(context.Background(), config.Options{Path: p, Env: []string{}, Require: []string{"default", "staticfiles"}})
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("not ErrInvalidArgument: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`parameter "colour": unknown parameter`,
		`NOT_SET is not set`,
		`storage "thumbs"`,
		`no driver registered`,
		`unknown key "storages.docs.readonly"`,
		`options.nested`,
		`option "conflict" is also in the url`,
		`storage "Bad-Name": invalid name`,
		`storage "empty"`,
		`storage "staticfiles" is required`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("secret echoed:\n%s", msg)
	}
	var ce *config.Error
	if !errors.As(err, &ce) || len(ce.Problems) < 9 {
		t.Errorf("problems: %v", ce)
	}
}

func TestSyntaxErrorHidesLine(t *testing.T) {
	const secret = "hunter2hunter2"
	p := writeFile(t, "[storages.default]\nurl = \"mem://?x="+secret+"\" garbage "+secret+"\n")
	_, err := config.Load(context.Background(), config.Options{Path: p, Env: []string{}})
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestNothingConfigured(t *testing.T) {
	_, err := config.Load(context.Background(), config.Options{Env: []string{}})
	if err == nil || !strings.Contains(err.Error(), "no storage configured") {
		t.Fatalf("err = %v", err)
	}
}

func TestWrapHookAndClose(t *testing.T) {
	var wrapped []string
	sts, err := config.Load(context.Background(), config.Options{
		Env:     []string{"STORAGE_URL=mem://", "STORAGES_MEDIA_URL=mem://"},
		Connect: true,
		Wrap: func(name string, st *storage.Storage) *storage.Storage {
			wrapped = append(wrapped, name)
			return st
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(wrapped) != "[default media]" {
		t.Fatalf("wrapped %v", wrapped)
	}
	st, _ := sts.Get("default")
	if err := sts.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(context.Background(), "a", strings.NewReader("x"), storage.SaveOptions{}); err == nil {
		t.Fatal("storage still usable after Close")
	}
}

func Example() {
	// storages.toml, checked into the repository:
	//
	//	[storages.default]
	//	url = "file://${MEDIA_ROOT}?base_url=http://localhost:8080/media/"
	//
	// and in production only the environment changes:
	//
	//	STORAGE_URL=s3://my-bucket/media?region=eu-west-1
	ctx := context.Background()
	sts, err := config.Load(ctx, config.Options{
		Env:     []string{"STORAGE_URL=mem:///media?base_url=https://cdn.example.com/"},
		Require: []string{"default"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sts.Close()
	st, _ := sts.Get("default")
	name, _ := st.Save(ctx, "hello.txt", strings.NewReader("hi"), storage.SaveOptions{})
	u, _ := st.URL(name)
	fmt.Println(sts.Describe("default"))
	fmt.Println(u)
	// Output:
	// mem:///media?base_url=https%3A%2F%2Fcdn.example.com%2F (from $STORAGE_URL)
	// https://cdn.example.com/media/hello.txt
}

func TestDescribeRedactsSecrets(t *testing.T) {
	const secret = "AZsecretKEY123"
	sts, err := config.Load(context.Background(), config.Options{Env: []string{
		"STORAGE_URL=gocloud+mem://?bogus_key=" + secret,
		"STORAGES_MEDIA_URL=mem://user:" + secret + "@/",
	}})
	if err == nil {
		t.Fatalf("userinfo accepted by mem: %v", sts.Names())
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error shows the secret: %v", err)
	}
	sts, err = config.Load(context.Background(), config.Options{Env: []string{"STORAGE_URL=gocloud+mem://?bogus_key=" + secret}})
	if err != nil {
		t.Fatal(err)
	}
	if d := sts.Describe("default"); strings.Contains(d, secret) || !strings.Contains(d, "REDACTED") {
		t.Fatalf("Describe = %q", d)
	}
}

// Open gives a storage of its own from a configuration, with options on
// top (here a different location), read_only and Wrap applied as by Get.
func TestOpen(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	path := writeFile(t, `
[storages.media]
url = "file://`+root+`/?location=uploads&base_url=https://cdn.example.com/"
[storages.static]
url = "file://`+root+`/"
read_only = true
`)
	var wrapped []string
	sts, err := config.Load(ctx, config.Options{Path: path, Env: []string{}, Wrap: func(name string, st *storage.Storage) *storage.Storage {
		wrapped = append(wrapped, name)
		return st
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer sts.Close()
	base, err := sts.Get("media")
	if err != nil {
		t.Fatal(err)
	}
	if base.Location() != "uploads/" {
		t.Fatalf("Location() = %q", base.Location())
	}
	sub, err := sts.Open(ctx, "media", storage.WithLocation(base.Location()+"tmp/run1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, _ := sub.URL("a.txt"); u != "https://cdn.example.com/uploads/tmp/run1/a.txt" {
		t.Fatalf("URL = %q", u)
	}
	if ok, _ := base.Exists(ctx, "tmp/run1/a.txt"); !ok {
		t.Fatal("the object is not under the configured storage's tmp/run1/")
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := base.Exists(ctx, "tmp/run1/a.txt"); !ok || err != nil {
		t.Fatalf("closing the opened storage closed the configured one: %v", err)
	}
	ro, err := sts.Open(ctx, "static")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Save(ctx, "b.txt", strings.NewReader("x"), storage.SaveOptions{}); !errors.Is(err, storage.ErrPermission) || !ro.Capabilities().ReadOnly {
		t.Fatalf("read_only not applied: %v", err)
	}
	if fmt.Sprint(wrapped) != "[media media static]" {
		t.Fatalf("wrapped %v", wrapped)
	}
	if _, err := sts.Open(ctx, "nope"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("unknown name: %v", err)
	}
}

func ExampleStorages_Open() {
	ctx := context.Background()
	sts, err := config.Load(ctx, config.Options{Env: []string{"STORAGES_MEDIA_URL=mem:///uploads?base_url=https://cdn.example.com/"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sts.Close()
	media, _ := sts.Get("media")
	// The same backend under uploads/tmp/, closed on its own.
	tmp, err := sts.Open(ctx, "media", storage.WithLocation(media.Location()+"tmp"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tmp.Close()
	u, _ := tmp.URL("report.pdf")
	fmt.Println(media.Location(), tmp.Location())
	fmt.Println(u)
	// Output:
	// uploads/ uploads/tmp/
	// https://cdn.example.com/uploads/tmp/report.pdf
}
