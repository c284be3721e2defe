package soak_test

import (
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"google.golang.org/api/googleapi"

	gost "github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/faultproxy"
)

// TestErrorsEveryDriver walks the service errors that have a kind through
// every cloud driver and the gocloud bridge: the fault proxy answers the
// requests for one object with a status in the service's own error format
// (the service's usual code for it), and every operation on that object
// must fail with the same sentinel on every backend (storage.KindForStatus),
// matching its io/fs error too, with the SDK's error still reachable with
// errors.As, and a message that reads once, on one line.
func TestErrorsEveryDriver(t *testing.T) {
	statuses := []struct {
		status int
		kind   error
		std    error
	}{
		{http.StatusBadRequest, gost.ErrInvalidArgument, fs.ErrInvalid},
		{http.StatusUnauthorized, gost.ErrPermission, fs.ErrPermission},
		{http.StatusForbidden, gost.ErrPermission, fs.ErrPermission},
		{http.StatusNotFound, gost.ErrNotExist, fs.ErrNotExist},
		{http.StatusNotImplemented, gost.ErrUnsupported, errors.ErrUnsupported},
	}
	ops := []struct {
		name string
		call func(t *testing.T, st *gost.Storage) error
	}{
		{"stat", func(t *testing.T, st *gost.Storage) error { _, err := st.Stat(t.Context(), "errwalk/obj"); return err }},
		{"open", func(t *testing.T, st *gost.Storage) error {
			r, err := st.Open(t.Context(), "errwalk/obj")
			if err == nil {
				_, err = r.Read(make([]byte, 1))
				r.Close()
			}
			return err
		}},
		{"save", func(t *testing.T, st *gost.Storage) error {
			_, err := st.Save(t.Context(), "errwalk/obj", strings.NewReader("x"), gost.SaveOptions{Conflict: gost.Overwrite})
			return err
		}},
		{"list", func(t *testing.T, st *gost.Storage) error {
			for _, err := range st.List(t.Context(), "errwalk/", gost.ListOptions{}) {
				return err
			}
			return nil
		}},
	}
	backends := []struct {
		name   string
		b      func(*testing.T) *backend
		bridge bool
		sdk    func(error) bool // the SDK's error is reachable
	}{
		{"s3", s3Backend, false, asType[*awshttp.ResponseError]},
		{"gcs", gcsBackend, false, asType[*googleapi.Error]},
		{"azure", azureBackend, false, asType[*azcore.ResponseError]},
		{"gocloud-s3blob", s3Backend, true, asType[*awshttp.ResponseError]},
		{"gocloud-azureblob", azureBackend, true, asType[*azcore.ResponseError]},
	}
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.b(t)
			for _, c := range statuses {
				p := newProxy(t, b, faultproxy.Config{Answer: func(r *http.Request) (int, string) {
					if strings.Contains(r.URL.Path, "errwalk/") || strings.Contains(r.URL.RawQuery, "errwalk%2F") || strings.Contains(r.URL.RawQuery, "errwalk/") {
						return c.status, ""
					}
					return 0, ""
				}})
				build := func(t *testing.T, proxyURL string) *gost.Storage { return b.build(t, proxyURL, nil) }
				if bk.bridge {
					build = b.bridge
				}
				st := build(t, p.URL)
				for _, op := range ops {
					if c.status == http.StatusNotFound && (op.name == "save" || op.name == "list") {
						continue // a 404 there means the bucket (tested by the conformance suite)
					}
					err := op.call(t, st)
					what := op.name + " answered " + http.StatusText(c.status)
					switch {
					case err == nil:
						t.Errorf("%s: no error", what)
						continue
					case !errors.Is(err, c.kind) || !errors.Is(err, c.std) || gost.KindOf(err) != c.kind:
						t.Errorf("%s: %v: KindOf %v, want %v (and %v)", what, err, gost.KindOf(err), c.kind, c.std)
					case !bk.sdk(err):
						t.Errorf("%s: the SDK's error is not reachable with errors.As: %v", what, err)
					}
					var se *gost.Error
					if !errors.As(err, &se) {
						t.Errorf("%s: %T is not a *storage.Error", what, err)
					}
					readsOnce(t, what, err)
					if msg := err.Error(); strings.ContainsAny(msg, "\r\n") {
						t.Errorf("%s: the message spans several lines: %q", what, msg)
					}
				}
				st.Close()
				p.Close()
			}
		})
	}
}

func asType[E error](err error) bool {
	var e E
	return errors.As(err, &e)
}

// readsOnce fails when a message repeats a sentinel's text or the
// "storage: op" head of the root package's errors (the conformance suite
// checks the same on every error it expects). SDK texts may say "storage: "
// themselves (the GCS SDK's package is named storage).
func readsOnce(t *testing.T, what string, err error) {
	t.Helper()
	msg := err.Error()
	var se *gost.Error
	if errors.As(err, &se) && strings.Count(msg, "storage: "+se.Op) > 1 {
		t.Errorf("%s: %q repeated: %s", what, "storage: "+se.Op, msg)
	}
	for _, k := range []error{gost.ErrNotExist, gost.ErrExist, gost.ErrInvalidName, gost.ErrPermission, gost.ErrUnsupported,
		gost.ErrChecksum, gost.ErrInvalidArgument, gost.ErrChanged, gost.ErrBucketNotExist} {
		if s := strings.TrimPrefix(k.Error(), "storage: "); strings.Count(msg, s) > 1 || strings.Contains(msg, k.Error()) {
			t.Errorf("%s: %q repeated: %s", what, s, msg)
		}
	}
}
