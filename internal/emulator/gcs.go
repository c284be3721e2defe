package emulator

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
)

// GCSEnv locates a GCS emulator.
type GCSEnv struct {
	Host string // host:port, as STORAGE_EMULATOR_HOST takes it
}

// GCS returns the GCS emulator for tests: the one named by
// STORAGE_EMULATOR_HOST when set, else a fake-gcs-server started once per
// process. Failure is fatal to the test.
func GCS(t testing.TB) GCSEnv {
	t.Helper()
	env, err := gcsEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func gcsEnv() (GCSEnv, error) {
	if h := os.Getenv("STORAGE_EMULATOR_HOST"); h != "" {
		return GCSEnv{Host: strings.TrimSuffix(strings.TrimPrefix(h, "http://"), "/")}, nil
	}
	return fakeGCSService.get()
}

func startFakeGCS() (GCSEnv, *proc, error) {
	cache, err := ensure(context.Background(), nil, fakeGCSTool)
	if err != nil {
		return GCSEnv{}, nil, err
	}
	p, ports, err := start(spec{
		name:  "fake-gcs-server",
		ports: 1,
		command: func(ports []int, dir string) ([]string, []string) {
			hostPort := "127.0.0.1:" + strconv.Itoa(ports[0])
			return []string{
				fakeGCSTool.path(cache),
				"-scheme", "http",
				"-host", "127.0.0.1",
				"-port", strconv.Itoa(ports[0]),
				"-backend", "memory",
				"-public-host", hostPort,
				"-external-url", "http://" + hostPort,
				"-log-level", "warn",
			}, nil
		},
		ready: func(ctx context.Context, c *http.Client, ports []int) error {
			_, err := get(ctx, c, "http://127.0.0.1:"+strconv.Itoa(ports[0])+"/storage/v1/b", http.StatusOK)
			return err
		},
	})
	if err != nil {
		return GCSEnv{}, nil, err
	}
	return GCSEnv{Host: "127.0.0.1:" + strconv.Itoa(ports[0])}, p, nil
}
