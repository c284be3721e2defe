package main

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"cp", "only-one"},
		{"ls", "--no-such-flag"},
		{"sign", "--method", "DELETE", "x"},
		{"sign", "--expires", "soon", "x"},
		{"cat"},
	} {
		r := execRunner(t, nil, "", args...).expect(t, 2, strings.Join(args, " "))
		if !strings.HasPrefix(r.err, "storages") || !strings.Contains(r.err, "--help") {
			t.Errorf("%q: stderr %q", args, r.err)
		}
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"cp", "mv", "ls", "cat", "stat", "rm", "sync", "url", "sign", "collectstatic", "serve"} {
		r := execRunner(t, nil, "", cmd, "--help").expect(t, 0, cmd+" --help")
		if !strings.Contains(r.out, "Examples:\n  storages "+cmd) || !strings.Contains(r.out, "Usage:") {
			t.Errorf("%s --help has no examples:\n%s", cmd, r.out)
		}
	}
	if r := execRunner(t, nil, "", "--help").expect(t, 0, "--help"); !strings.Contains(r.out, "Examples:") || !strings.Contains(r.out, "completion") {
		t.Errorf("storages --help:\n%s", r.out)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := execRunner(t, nil, "", "completion", shell).expect(t, 0, "completion "+shell); !strings.Contains(r.out, "storages") {
			t.Errorf("completion %s printed %q", shell, r.out)
		}
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "avatars", "me.png"), "png")
	writeFile(t, filepath.Join(root, "avatars", "you.png"), "png")
	writeFile(t, filepath.Join(root, "docs", "a.txt"), "a")
	env := []string{"STORAGES_MEDIA_URL=file://" + root, "STORAGES_MAIL_URL=mem://"}
	for _, tc := range []struct {
		arg  string
		want []string
	}{
		{"m", []string{"mail:", "media:"}},
		{"med", []string{"media:"}},
		{"media:", []string{"media:avatars/", "media:docs/"}},
		{"media:av", []string{"media:avatars/"}},
		{"media:avatars/y", []string{"media:avatars/you.png"}},
	} {
		r := execRunner(t, env, "", "__complete", "cp", tc.arg).expect(t, 0, "__complete "+tc.arg)
		lines := strings.Split(strings.TrimSpace(r.out), "\n")
		if got := lines[:len(lines)-1]; strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("completing %q: %q, want %q", tc.arg, got, tc.want)
		}
	}
}

// Errors are one line naming the operation and the object, and never show a
// secret from a URL or the configuration.
func TestErrorsRedactSecrets(t *testing.T) {
	const secret = "SUPERSECRETvalue123"
	cfg := filepath.Join(t.TempDir(), "storages.toml")
	writeFile(t, cfg, `[storages.media]
url = "s3://bucket?endpoint=http://127.0.0.1:9&region=us-east-1&use_path_style=true"
[storages.media.options]
access_key_id = "AKIDEXAMPLE"
secret_access_key = "`+secret+`"
`)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unreachable endpoint", nil, []string{"cat", "s3://bucket/a.txt?endpoint=http://127.0.0.1:9&region=us-east-1&access_key_id=AKIDEXAMPLE&secret_access_key=" + secret + "&use_path_style=true"}, `storages cat: s3://bucket/a.txt?access_key_id=REDACTED`},
		{"unknown parameter", nil, []string{"ls", "s3://bucket/?mystery=" + secret}, `parameter "mystery": unknown parameter`},
		{"bad value of a secret parameter", nil, []string{"ls", "azblob://c/?account_key=" + secret + "&storage_account=acct&protocol=gopher"}, `parameter "protocol"`},
		{"config file", []string{"STORAGES_CONFIG=" + cfg}, []string{"stat", "media:avatars/me.png"}, `storages stat: media:avatars/me.png: storage: stat "avatars/me.png"`},
		{"environment", []string{"STORAGES_MEDIA_URL=s3://bucket?endpoint=http://127.0.0.1:9&region=us-east-1&access_key_id=AKIDEXAMPLE&secret_access_key=" + secret}, []string{"rm", "media:x"}, `storages rm: media:x:`},
		{"malformed URL", nil, []string{"ls", "s3://user:" + secret + "@bucket%zz/"}, `malformed storage URL (not shown: it may hold secrets)`},
		{"userinfo", nil, []string{"ls", "s3://user:" + secret + "@bucket/"}, `userinfo`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execRunner(t, tc.env, "", tc.args...)
			if r.code == 0 {
				t.Fatalf("exit 0: %q", r.out)
			}
			if strings.Contains(r.err, secret) || strings.Contains(r.out, secret) {
				t.Fatalf("the secret leaked: %q", r.err)
			}
			if strings.Count(r.err, "\n") > 2 || strings.Contains(r.err, "goroutine ") {
				t.Fatalf("not one clear line: %q", r.err)
			}
			if !strings.Contains(r.err, tc.want) {
				t.Fatalf("stderr %q lacks %q", r.err, tc.want)
			}
		})
	}
}

// tmux runs command in a detached tmux session of the given size, as a
// person at a terminal would, and returns a function that captures the
// screen as it shows.
type tmux struct {
	t      *testing.T
	socket string
}

func startTmux(t *testing.T, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux is needed to test what a terminal shows (apt-get install tmux): %v", err)
	}
	tm := &tmux{t: t, socket: filepath.Join(t.TempDir(), "tmux-"+rand.Text()[:8])}
	cmd := exec.Command("tmux", "-S", tm.socket, "-f", "/dev/null", "new-session", "-d", "-x", "132", "-y", "24", "-s", "cli",
		command+"; echo EXIT=$?; sleep 600")
	cmd.Env = cleanEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) screen() string {
	out, err := exec.Command("tmux", "-S", tm.socket, "capture-pane", "-p", "-t", "cli").Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until it contains s (the deadline only bounds a
// hung test; nothing is timed).
func (tm *tmux) waitFor(s string) string {
	tm.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		scr := tm.screen()
		if strings.Contains(scr, s) {
			return scr
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", s, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (tm *tmux) send(keys ...string) {
	args := append([]string{"-S", tm.socket, "send-keys", "-t", "cli"}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The progress bars, as a person sees them in a terminal: files and bytes
// with totals, the rate and the ETA, on standard error; nothing on a pipe.
func TestProgressInTerminal(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for i := range 40 {
		data := make([]byte, 256<<10)
		rand.Read(data)
		writeFile(t, filepath.Join(src, "f", "file"+string(rune('a'+i%26))+string(rune('a'+i/26))+".bin"), string(data))
	}
	tm := startTmux(t, bin+" cp -r "+shellQuote(src)+" "+shellQuote(filepath.Join(dir, "dst")))
	scr := tm.waitFor("EXIT=")
	var files, bytes string
	for line := range strings.Lines(scr) {
		switch {
		case strings.HasPrefix(line, "files"):
			files = line
		case strings.HasPrefix(line, "bytes"):
			bytes = line
		}
	}
	for _, want := range []string{"40 / 40", "[===", "100 %"} {
		if !strings.Contains(files, want) {
			t.Errorf("files bar %q lacks %q; screen:\n%s", files, want, scr)
		}
	}
	for _, want := range []string{"10.0 MiB / 10.0 MiB", "[===", "MiB/s", "ETA"} {
		if !strings.Contains(bytes, want) {
			t.Errorf("bytes bar %q lacks %q; screen:\n%s", bytes, want, scr)
		}
	}
	if !strings.Contains(scr, "EXIT=0") {
		t.Errorf("exit status on screen:\n%s", scr)
	}
	// collectstatic shows its phases on the same two bars, and ends with
	// Django's summary line on standard output.
	tm = startTmux(t, bin+" collectstatic "+shellQuote(src)+" "+shellQuote(filepath.Join(dir, "collected")))
	scr = tm.waitFor("EXIT=")
	for _, want := range []string{"done", "files", "40 / 40", "bytes", "100 %", "40 static files copied to '", "40 post-processed.", "EXIT=0"} {
		if !strings.Contains(scr, want) {
			t.Errorf("collectstatic screen lacks %q:\n%s", want, scr)
		}
	}

	// On a pipe, the same copy prints nothing.
	r := execRunner(t, nil, "", "cp", "-r", src, filepath.Join(dir, "dst2")).expect(t, 0, "cp on a pipe")
	if r.err != "" || r.out != "" {
		t.Fatalf("not quiet on a pipe: %q %q", r.out, r.err)
	}
}

// rm -r asks on the terminal before deleting more than one object.
func TestRmAsksOnTerminal(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writeFile(t, filepath.Join(dir, "keep", n), n)
		writeFile(t, filepath.Join(dir, "gone", n), n)
	}
	tm := startTmux(t, bin+" rm -r "+shellQuote(filepath.Join(dir, "keep")))
	tm.waitFor("Delete 3 objects (3 under " + filepath.Join(dir, "keep") + ")? [y/N]")
	tm.send("n", "Enter")
	if scr := tm.waitFor("EXIT="); !strings.Contains(scr, "cancelled: nothing deleted") || !strings.Contains(scr, "EXIT=1") {
		t.Fatalf("after answering n:\n%s", scr)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep", "a")); err != nil {
		t.Fatal("answering n deleted files")
	}
	tm = startTmux(t, bin+" rm -r "+shellQuote(filepath.Join(dir, "gone")))
	tm.waitFor("[y/N]")
	tm.send("y", "Enter")
	if scr := tm.waitFor("EXIT="); !strings.Contains(scr, "EXIT=0") {
		t.Fatalf("after answering y:\n%s", scr)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Fatalf("the directory is still there: %v", err)
	}
}

func TestJSONOutput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "src", "a.txt"), "a")
	writeFile(t, filepath.Join(dir, "src", "b", "c.txt"), "cc")
	out := execRunner(t, nil, "", "--json", "cp", "-r", filepath.Join(dir, "src"), filepath.Join(dir, "dst")).expect(t, 0, "cp --json").out
	var recs []map[string]any
	for line := range strings.Lines(out) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	if len(recs) != 3 || recs[2]["op"] != "summary" || recs[2]["objects"] != 2.0 || recs[2]["bytes"] != 3.0 {
		t.Fatalf("cp --json printed %v", recs)
	}
	for _, r := range recs[:2] {
		if r["op"] != "copy" || !strings.HasPrefix(r["dst"].(string), filepath.Join(dir, "dst")) || r["error"] != nil {
			t.Fatalf("item record %v", r)
		}
	}
	env := []string{"STORAGES_MEDIA_URL=file://" + dir + "?base_url=https://cdn.example.com/"}
	if got := execRunner(t, env, "", "ls").expect(t, 0, "ls configured").out; got != "media:\tfile://"+dir+"?base_url=https%3A%2F%2Fcdn.example.com%2F (from $STORAGES_MEDIA_URL)\n" {
		t.Fatalf("ls without arguments = %q", got)
	}
	var u map[string]any
	if err := json.Unmarshal([]byte(execRunner(t, env, "", "--json", "url", "media:src/a.txt").expect(t, 0, "url --json").out), &u); err != nil {
		t.Fatal(err)
	}
	if u["url"] != "https://cdn.example.com/src/a.txt" || u["name"] != "media:src/a.txt" {
		t.Fatalf("url --json = %v", u)
	}
}

// Ctrl-C stops a copy cleanly: exit 1, one line, and no partial object.
func TestInterruptLeavesNoPartialObject(t *testing.T) {
	root := t.TempDir()
	cmd := exec.Command(bin, "cp", "-", "remote:upload.bin")
	cmd.Env = append(cleanEnv(), "STORAGES_REMOTE_URL=file://"+root)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 4 { // the upload is under way: 4 MiB read, no end in sight
		if _, err := stdin.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	// The input stays open and idle: the command must stop on the signal
	// alone. (A hang is killed after a minute, failing the test.)
	hang := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	err = cmd.Wait()
	hang.Stop()
	stdin.Close()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v (stderr %q)", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "remote:upload.bin") || !strings.Contains(stderr.String(), "interrupt signal received") || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("stderr %q", stderr.String())
	}
	if left := leftovers(t, root); len(left) > 0 {
		t.Fatalf("a partial upload is visible: %q", left)
	}
}

// leftovers lists the files under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// --no-post-process copies the files as they are and prints Django's
// summary without a post-processed count; flags asking for
// post-processing are usage errors with it.
func TestCollectstaticNoPostProcess(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "static"), filepath.Join(dir, "collected")
	writeFile(t, filepath.Join(src, "css", "app.css"), `body { background: url("../img/bg.png") }`)
	writeFile(t, filepath.Join(src, "img", "bg.png"), "\x89PNG\r\n\x1a\nbackground")
	writeFile(t, filepath.Join(src, "app.js"), "import './css/app.css';\n")
	r := execRunner(t, nil, "", "collectstatic", "--no-post-process", src, dst+"/").expect(t, 0, "collectstatic --no-post-process")
	if want := "3 static files copied to '" + dst + "'.\n"; r.out != want {
		t.Fatalf("printed %q, want %q", r.out, want)
	}
	if got := execRunner(t, nil, "", "ls", "-R", dst+"/").expect(t, 0, "ls").out; got != "app.js\ncss/app.css\nimg/bg.png\n" {
		t.Fatalf("collected %q: want the sources only (no hashed names, no manifest)", got)
	}
	for _, name := range []string{"app.js", "css/app.css", "img/bg.png"} {
		want, _ := os.ReadFile(filepath.Join(src, name))
		if got := execRunner(t, nil, "", "cat", filepath.Join(dst, name)).expect(t, 0, "cat").out; got != string(want) {
			t.Errorf("%s: %q, want the source bytes %q", name, got, want)
		}
	}
	r = execRunner(t, nil, "", "collectstatic", "--no-post-process", src, dst+"/").expect(t, 0, "collectstatic --no-post-process again")
	if want := "0 static files copied to '" + dst + "', 3 unmodified.\n"; r.out != want {
		t.Fatalf("rerun printed %q, want %q", r.out, want)
	}
	r = execRunner(t, nil, "", "--json", "collectstatic", "--no-post-process", src, dst+"/").expect(t, 0, "--json")
	var sum map[string]any
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["copied"] != 0.0 || sum["unmodified"] != 3.0 || sum["postProcessed"] != 0.0 {
		t.Fatalf("--json: %v", sum)
	}
	for _, flag := range [][]string{{"--compress", "fast"}, {"--keep-only-hashed"}, {"--js-modules"}, {"--recompress"}, {"--keep-manifests", "2"}} {
		args := append(append([]string{"collectstatic", "--no-post-process"}, flag...), src, dst+"/")
		execRunner(t, nil, "", args...).expect(t, 2, strings.Join(flag, " "))
	}
}
