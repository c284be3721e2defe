package storage_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/go-storages/storage"
)

func TestKindForStatus(t *testing.T) {
	for status, want := range map[int]error{
		400: storage.ErrInvalidArgument, 401: storage.ErrPermission, 403: storage.ErrPermission, 404: storage.ErrNotExist,
		405: storage.ErrUnsupported, 409: nil, 411: storage.ErrInvalidArgument, 412: storage.ErrExist,
		413: storage.ErrInvalidArgument, 414: storage.ErrInvalidArgument, 416: storage.ErrInvalidArgument,
		429: nil, 431: storage.ErrInvalidArgument, 500: nil, 501: storage.ErrUnsupported, 502: nil, 503: nil, 200: nil,
	} {
		if got := storage.KindForStatus(status); got != want {
			t.Errorf("KindForStatus(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestHTTPStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{storage.ErrNotExist, http.StatusNotFound},
		{&storage.Error{Op: "open", Kind: storage.ErrPermission}, http.StatusForbidden},
		{fmt.Errorf("x: %w", storage.ErrInvalidName), http.StatusBadRequest},
		{storage.ErrInvalidArgument, http.StatusBadRequest},
		{storage.ErrChecksum, http.StatusBadRequest},
		{storage.ErrExist, http.StatusConflict},
		{storage.ErrChanged, http.StatusServiceUnavailable},
		{storage.ErrUnsupported, http.StatusNotImplemented},
		{storage.ErrBucketNotExist, http.StatusInternalServerError},
		{context.Canceled, storage.StatusCanceled},
		{&storage.Error{Op: "open", Err: context.DeadlineExceeded}, http.StatusGatewayTimeout},
		{errors.New("other"), http.StatusInternalServerError},
	} {
		if got := storage.HTTPStatus(c.err); got != c.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	// The two directions agree on every status that has a kind.
	for status := 400; status < 600; status++ {
		k := storage.KindForStatus(status)
		if k == nil || k == storage.ErrExist || k == storage.ErrUnsupported && status == 405 {
			continue // 412 and 409 are both "taken"; 405 and 501 both "unsupported"
		}
		if back := storage.KindForStatus(storage.HTTPStatus(k)); back != k {
			t.Errorf("status %d: kind %v answers %d, which means %v", status, k, storage.HTTPStatus(k), back)
		}
	}
}
