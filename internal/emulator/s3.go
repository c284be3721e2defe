package emulator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// S3Env locates an S3 service and its static credentials.
type S3Env struct {
	Endpoint  string // like http://127.0.0.1:PORT
	Region    string
	AccessKey string
	SecretKey string
}

// S3 returns the S3 service for tests: the one named by AWS_ENDPOINT_URL_S3
// with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (region AWS_REGION,
// default us-east-1) when set, else a MinIO started once per process.
// Failure is fatal to the test.
func S3(t testing.TB) S3Env {
	t.Helper()
	env, err := s3Env()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func s3Env() (S3Env, error) {
	if ep := os.Getenv("AWS_ENDPOINT_URL_S3"); ep != "" {
		env := S3Env{
			Endpoint:  ep,
			Region:    firstEnv("us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION"),
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"),
			SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		}
		if env.AccessKey == "" || env.SecretKey == "" {
			return S3Env{}, errors.New("emulator: AWS_ENDPOINT_URL_S3 is set but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ENDPOINT_URL_S3 to test against MinIO")
		}
		return env, nil
	}
	return minioService.get()
}

func firstEnv(def string, names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return def
}

func startMinIO() (S3Env, *proc, error) {
	cache, err := ensure(context.Background(), nil, minioTool)
	if err != nil {
		return S3Env{}, nil, err
	}
	env := S3Env{Region: "us-east-1", AccessKey: "gost-" + rand.Text()[:10], SecretKey: rand.Text()}
	p, ports, err := start(spec{
		name:  "minio",
		ports: 2,
		command: func(ports []int, dir string) ([]string, []string) {
			return []string{
					minioTool.path(cache), "server",
					"--address", "127.0.0.1:" + strconv.Itoa(ports[0]),
					"--console-address", "127.0.0.1:" + strconv.Itoa(ports[1]),
					dir,
				}, []string{
					"MINIO_ROOT_USER=" + env.AccessKey,
					"MINIO_ROOT_PASSWORD=" + env.SecretKey,
					"MINIO_REGION=" + env.Region,
					"MINIO_BROWSER=off",         // no console
					"MINIO_UPDATE=off",          // no update checks
					"MINIO_CALLHOME_ENABLE=off", // no phoning home
					"HOME=" + filepath.Dir(dir), // keeps ~/.minio in the temp dir
				}
		},
		ready: func(ctx context.Context, c *http.Client, ports []int) error {
			base := "http://127.0.0.1:" + strconv.Itoa(ports[0])
			if _, err := get(ctx, c, base+"/minio/health/live", http.StatusOK); err != nil {
				return err
			}
			if _, err := get(ctx, c, base+"/minio/health/ready", http.StatusOK); err != nil {
				return err
			}
			// MinIO can pass its health checks and still answer S3 calls with
			// 503 XMinioServerNotInitialized for a few seconds: wait until an
			// (anonymous, so refused) ListBuckets gets a real answer.
			resp, err := get(ctx, c, base+"/", 0)
			if err == nil && resp.StatusCode >= 500 {
				err = fmt.Errorf("GET %s/: %s (S3 API not initialised yet)", base, resp.Status)
			}
			return err
		},
	})
	if err != nil {
		return S3Env{}, nil, err
	}
	env.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	return env, p, nil
}
