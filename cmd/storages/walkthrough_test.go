package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-storages/storage/internal/emulator"
)

// walkthrough returns the shell block of README.md between the walkthrough
// markers.
func walkthrough(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- walkthrough:begin -->\n```sh\n")
	block, _, ok2 := strings.Cut(rest, "```\n<!-- walkthrough:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no ```sh block between <!-- walkthrough:begin --> and <!-- walkthrough:end -->")
	}
	return block
}

// expectedLines are the "#   " lines of a block: what the commands print.
func expectedLines(block string) []string {
	var out []string
	for line := range strings.Lines(block) {
		if s, ok := strings.CutPrefix(line, "#   "); ok {
			out = append(out, strings.TrimRight(s, "\n"))
		}
	}
	return out
}

// TestReadmeWalkthrough runs the README's walkthrough, as a newcomer pastes
// it, against the test suite's MinIO: only the first line (where MinIO
// listens, its credentials, the bucket and the preview address) is
// replaced, and the storages on PATH is the one built from this tree. Every
// output the README shows must be printed, in order; the served file, the
// signed link, and a tampered and an expired link are checked on top.
func TestReadmeWalkthrough(t *testing.T) {
	block := walkthrough(t)
	env := emulator.S3(t)
	bucket := emulator.UniqueName("gost-readme")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	first := regexp.MustCompile(`(?m)^export ENDPOINT=.*$`)
	if n := len(first.FindAllString(block, -1)); n != 1 {
		t.Fatalf("the walkthrough must set ENDPOINT on one export line, found %d", n)
	}
	script := first.ReplaceAllLiteralString(block, fmt.Sprintf("export ENDPOINT=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s BUCKET=%s ADDR=%s",
		env.Endpoint, env.AccessKey, env.SecretKey, env.Region, bucket, addr))
	// For the checks below: a link signed an hour ago for a minute, expired
	// without waiting.
	script += "\necho \"expiring: $(storages sign --at -1h --expires 1m static:css/app.css)\"\n"

	dir := t.TempDir()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }) // the background serve too, if the script failed
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(5 * time.Minute):
		t.Fatalf("the walkthrough did not finish in 5 minutes\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	stdout := strings.ReplaceAll(out.String(), "\r\n", "\n")
	if err != nil {
		t.Fatalf("the walkthrough failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, errb.String())
	}
	t.Logf("stdout:\n%s", stdout)

	// Every output the README shows, in order.
	lines := strings.Split(stdout, "\n")
	i := 0
	for _, want := range expectedLines(block) {
		for i < len(lines) && lines[i] != want {
			i++
		}
		if i == len(lines) {
			t.Fatalf("the walkthrough did not print %q (in this order)\nstdout:\n%s", want, stdout)
		}
		i++
	}
	check := func(what, u string, wantStatus int, wantBody string, headers map[string]string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != wantStatus || wantBody != "" && string(body) != wantBody {
			t.Fatalf("%s: GET %s: %s %q", what, u, resp.Status, body)
		}
		for k, v := range headers {
			if resp.Header.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", what, k, resp.Header.Get(k), v)
			}
		}
	}
	css := "body { background: url(\"../img/dot.svg\") }\n"
	signed := regexp.MustCompile(`(?m)^(http://\S+X-Amz-Signature=)([0-9a-f]{64})(\S*)$`).FindStringSubmatch(stdout)
	if signed == nil {
		t.Fatalf("no signed URL printed:\n%s", stdout)
	}
	check("signed link", signed[0], 200, css, map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=60"})
	sig := []byte(signed[2])
	sig[0] ^= 1
	check("tampered signature", signed[1]+string(sig)+signed[3], 403, "", nil)
	check("tampered name", strings.Replace(signed[0], "css/app.css", "css/app.csz", 1), 403, "", nil)
	expiring := regexp.MustCompile(`(?m)^expiring: (\S+)$`).FindStringSubmatch(stdout)
	if expiring == nil {
		t.Fatalf("no expiring URL printed:\n%s", stdout)
	}
	check("expired link", expiring[1], 403, "", nil)
}
