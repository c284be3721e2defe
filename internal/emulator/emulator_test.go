package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func httpDo(t *testing.T, method, url string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := probeClient()
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func TestS3MinIO(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	env := S3(t)
	if !strings.HasPrefix(env.Endpoint, "http://127.0.0.1:") || env.AccessKey == "" || env.SecretKey == "" || env.Region != "us-east-1" {
		t.Fatalf("S3 env = %+v", env)
	}
	// Signed requests need an SDK; an anonymous bucket create must be refused
	// by MinIO's own S3 API (an XML AccessDenied), which proves it serves S3.
	resp, body := httpDo(t, http.MethodPut, env.Endpoint+"/"+UniqueName("probe"), nil, nil)
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("<Code>AccessDenied</Code>")) {
		t.Fatalf("anonymous PUT bucket: %s %s", resp.Status, body)
	}
	if again := S3(t); again != env {
		t.Fatalf("second S3 call started another MinIO: %+v != %+v", again, env)
	}
}

func TestGCSFakeServer(t *testing.T) {
	t.Setenv("STORAGE_EMULATOR_HOST", "")
	env := GCS(t)
	base := "http://" + env.Host
	bucket := UniqueName("probe")
	resp, body := httpDo(t, http.MethodPost, base+"/storage/v1/b?project=test", []byte(`{"name":"`+bucket+`"}`),
		map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %s %s", resp.Status, body)
	}
	resp, body = httpDo(t, http.MethodPost, base+"/upload/storage/v1/b/"+bucket+"/o?uploadType=media&name=hello.txt",
		[]byte("hello"), map[string]string{"Content-Type": "text/plain"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %s %s", resp.Status, body)
	}
	resp, body = httpDo(t, http.MethodGet, base+"/storage/v1/b/"+bucket+"/o/hello.txt?alt=media", nil, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "hello" {
		t.Fatalf("download: %s %q", resp.Status, body)
	}
	resp, body = httpDo(t, http.MethodGet, base+"/storage/v1/b/"+bucket+"/o", nil, nil)
	var list struct{ Items []struct{ Name string } }
	if err := json.Unmarshal(body, &list); resp.StatusCode != http.StatusOK || err != nil || len(list.Items) != 1 || list.Items[0].Name != "hello.txt" {
		t.Fatalf("list: %s %s (%v)", resp.Status, body, err)
	}
}

func TestAzureAzurite(t *testing.T) {
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	env := Azure(t)
	if env.AccountName != azuriteAccount || env.AccountKey == "" || !strings.HasPrefix(env.BlobEndpoint, "http://127.0.0.1:") {
		t.Fatalf("Azure env = %+v", env)
	}
	parsed, err := parseConnectionString(env.ConnectionString)
	if err != nil || parsed != env {
		t.Fatalf("connection string does not round-trip: %+v, %v", parsed, err)
	}
	// Anonymous requests are refused by Azurite's blob API with its own
	// error document.
	resp, body := httpDo(t, http.MethodPut, env.BlobEndpoint+"/"+UniqueName("probe")+"?restype=container", nil, nil)
	if resp.Header.Get("x-ms-request-id") == "" || resp.StatusCode < 400 {
		t.Fatalf("anonymous create container: %s %s", resp.Status, body)
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://s3.example:9000")
	t.Setenv("AWS_ACCESS_KEY_ID", "AK")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "SK")
	t.Setenv("AWS_REGION", "eu-west-3")
	if got, want := S3(t), (S3Env{"http://s3.example:9000", "eu-west-3", "AK", "SK"}); got != want {
		t.Errorf("S3 = %+v, want %+v", got, want)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err := s3Env(); err == nil {
		t.Error("S3 with an endpoint but no secret key: no error")
	}

	t.Setenv("STORAGE_EMULATOR_HOST", "http://gcs.example:4443")
	if got := GCS(t).Host; got != "gcs.example:4443" {
		t.Errorf("GCS host = %q", got)
	}

	cs := "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net"
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", cs)
	want := AzureEnv{ConnectionString: cs, AccountName: "acct", AccountKey: "a2V5", BlobEndpoint: "https://acct.blob.core.windows.net"}
	if got := Azure(t); got != want {
		t.Errorf("Azure = %+v, want %+v", got, want)
	}
}

func TestParseConnectionString(t *testing.T) {
	for _, tc := range []struct {
		cs       string
		endpoint string
		wantErr  bool
	}{
		{cs: "AccountName=a;AccountKey=k;BlobEndpoint=http://127.0.0.1:1/a/", endpoint: "http://127.0.0.1:1/a"},
		{cs: "UseDevelopmentStorage=true", endpoint: "http://127.0.0.1:10000/devstoreaccount1"},
		{cs: "AccountName=a;AccountKey=k", endpoint: "https://a.blob.core.windows.net"},
		{cs: "garbage", wantErr: true},
		{cs: "AccountKey=k", wantErr: true},
	} {
		env, err := parseConnectionString(tc.cs)
		if (err != nil) != tc.wantErr || env.BlobEndpoint != tc.endpoint {
			t.Errorf("parseConnectionString(%q) = %+v, %v", tc.cs, env, err)
		}
	}
}

var dnsName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestUniqueName(t *testing.T) {
	seen := map[string]bool{}
	for _, prefix := range []string{"gost", "", "Gost_S3 Test--x", "-A-", strings.Repeat("abc", 30), "日本"} {
		for range 100 {
			n := UniqueName(prefix)
			if len(n) > maxNameLen || len(n) < 3 || !dnsName.MatchString(n) {
				t.Fatalf("UniqueName(%q) = %q: not a valid bucket name", prefix, n)
			}
			if seen[n] {
				t.Fatalf("UniqueName(%q) repeated %q", prefix, n)
			}
			seen[n] = true
		}
	}
	if n := UniqueName("Gost_S3 Test"); !strings.HasPrefix(n, "gost-s3-test-") {
		t.Errorf("UniqueName(Gost_S3 Test) = %q", n)
	}
}

func TestStartFailureReportsLog(t *testing.T) {
	_, _, err := start(spec{
		name:  "broken",
		ports: 1,
		command: func(ports []int, dir string) ([]string, []string) {
			return []string{"/bin/sh", "-c", fmt.Sprintf("echo listening on %d; echo boom >&2; exit 3", ports[0])}, nil
		},
		ready: func(context.Context, *http.Client, []int) error { return fmt.Errorf("not yet") },
	})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("error = %v, want the log tail and exit status", err)
	}
}

func TestSweepStaleDirs(t *testing.T) {
	// A pid that is certainly dead: a child we started and reaped.
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	stale, err := os.MkdirTemp("", tempPrefix+"sweeptest-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(stale)
	os.WriteFile(filepath.Join(stale, ownerFile), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	live, err := os.MkdirTemp("", tempPrefix+"sweeptest-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(live)
	os.WriteFile(filepath.Join(live, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)

	sweepStaleDirs()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale dir of dead pid %d kept: %v", cmd.Process.Pid, err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("live dir removed: %v", err)
	}
}

func TestStopRemovesData(t *testing.T) {
	p, ports, err := start(spec{
		name:  "sleeper",
		ports: 1,
		command: func(ports []int, dir string) ([]string, []string) {
			// A process group with a child: stop must end both.
			return []string{"/bin/sh", "-c", "sleep 300 & sleep 300"}, nil
		},
		ready: func(context.Context, *http.Client, []int) error { return nil },
	})
	if err != nil || len(ports) != 1 {
		t.Fatal(err, ports)
	}
	p.stop()
	if _, err := os.Stat(p.dataDir); !os.IsNotExist(err) {
		t.Errorf("data dir kept after stop: %v", err)
	}
	// The group leader is reaped by stop; its orphaned child is reaped by
	// init shortly after being killed.
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(-p.pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(-p.pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still alive after stop: %v", p.pid, err)
	}
}

func TestDeadEmulatorReported(t *testing.T) {
	svc := &service[string]{start: func() (string, *proc, error) {
		p, _, err := start(spec{
			name:  "mortal",
			ports: 1,
			command: func([]int, string) ([]string, []string) {
				return []string{"/bin/sh", "-c", "echo last words; sleep 300"}, nil
			},
			ready: func(context.Context, *http.Client, []int) error { return nil },
		})
		return "addr", p, err
	}}
	if got, err := svc.get(); err != nil || got != "addr" {
		t.Fatal(got, err)
	}
	p := svc.proc
	defer p.stop()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.logTail(), "last words") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(-p.pid, syscall.SIGKILL)
	for !p.poll() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_, err := svc.get()
	if err == nil || !strings.Contains(err.Error(), "died") || !strings.Contains(err.Error(), "last words") {
		t.Fatalf("error = %v, want death report with log", err)
	}
}
