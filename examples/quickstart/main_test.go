package main

import "testing"

// TestRun runs the README's quickstart end to end: save, list, serve, fetch
// every public URL and a signed URL over HTTP.
func TestRun(t *testing.T) {
	if err := run(t.TempDir(), false); err != nil {
		t.Fatal(err)
	}
}
