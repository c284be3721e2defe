// Package corrupt damages response bodies in transit, behind an SDK, so the
// drivers' tests can show that a corrupted download fails with
// storage.ErrChecksum instead of returning bad bytes.
package corrupt

import (
	"io"
	"net/http"
	"sync/atomic"
)

// GETs flips the byte at offset 100 of every successful GET response body
// while On is nil or set. Base nil means http.DefaultTransport. It is an
// http.RoundTripper and, through Do, an azcore policy.Transporter.
type GETs struct {
	Base http.RoundTripper
	On   *atomic.Bool
}

// RoundTrip sends r through Base and corrupts the body of a 2xx GET.
func (c GETs) RoundTrip(r *http.Request) (*http.Response, error) {
	base := c.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if err != nil || (c.On != nil && !c.On.Load()) || r.Method != http.MethodGet || resp.StatusCode/100 != 2 {
		return resp, err
	}
	resp.Body = &flipBody{rc: resp.Body, at: 100}
	return resp, nil
}

// Do is RoundTrip under the name azcore's Transporter uses.
func (c GETs) Do(r *http.Request) (*http.Response, error) { return c.RoundTrip(r) }

type flipBody struct {
	rc  io.ReadCloser
	at  int64
	pos int64
}

func (f *flipBody) Read(p []byte) (int, error) {
	n, err := f.rc.Read(p)
	if f.at >= f.pos && f.at < f.pos+int64(n) {
		p[f.at-f.pos] ^= 0xff
	}
	f.pos += int64(n)
	return n, err
}

func (f *flipBody) Close() error { return f.rc.Close() }
