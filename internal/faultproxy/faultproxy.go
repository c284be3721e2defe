// Package faultproxy is an HTTP reverse proxy on loopback that injects
// network and service faults between a client (a storage driver) and an
// HTTP service (an emulator), for the fault and soak tests.
//
// # Replay
//
// Whether a request is faulted, with which [Kind] and at which point (how
// many bytes in) is drawn from a PCG random stream seeded with Config.Seed
// and the request's identity, never from its arrival order, so a seed
// replays the same faults at any concurrency. The identity is the request's
// scope, method, byte range (Range or Content-Range) and stable query
// parameters (partNumber, comp, ...; not upload IDs, tokens or signatures,
// which differ between runs), plus how
// many requests of that identity came before it in the run (the retry of a
// faulted request is the next one, and gets its own draw). The scope is
// what the client put in the context of the call with [WithScope] (an
// operation of a soak worker, say: "w07/op123"), carried by [Transport] in
// a header the proxy removes, with the path's depth (not its names, which a
// Rename picks at random); without a scope it is the request's path.
//
// So a run with the same seed gives the same fault to every request that
// the client sends again, whatever the goroutines' interleaving. What a
// seed cannot replay:
//
//   - two requests of the same identity in flight at once (the same
//     method and path from two goroutines without scopes, or the blocks
//     of one Azure upload staged in parallel, whose block IDs are random):
//     which of them is counted first is up to the scheduler, so they may
//     swap their draws;
//   - a request that is not sent again, or not in the same scope: without
//     a scope, a path holding something random (a bucket named per run, a
//     name chosen by the Rename policy); a driver's one-time lazy request
//     (the GCS SDK's bucket metadata), sent by whichever operation comes
//     first; and with or without scopes, what the service answers depends
//     on the order in which concurrent clients changed its state, and a
//     client that takes another path after another answer sends other
//     requests;
//   - timing: a Latency or Stall fault is replayed, but whether the
//     client's own deadlines (operation timeouts, stall detection) fire
//     depends on the machine's load.
//
// With a single client goroutine that scopes its work, a whole run replays
// (timing aside): the service then sees the same requests in the same
// order.
//
// The proxy forwards the client's Host header unchanged (signatures cover
// it) and never compresses, so an unfaulted exchange is byte for byte the
// one the service would have had.
package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a kind of fault.
type Kind uint8

// The faults. "Before" faults never reach the service; the others let the
// service act on the request and break the response, so the client cannot
// know whether its request took effect.
const (
	// ResetRequest resets the connection while the request is being sent:
	// after a random part of its body (right after its headers when it has
	// none). The service never sees the request.
	ResetRequest Kind = iota
	// ResetResponse forwards the request, then resets the connection after
	// the response headers and a random part of the body (before the
	// headers when the response has no body).
	ResetResponse
	// Status500, Status503 and Status429 answer with that status and the
	// service's error format, without forwarding; the RetryAfter variants
	// add a Retry-After header.
	Status500
	Status503
	Status503RetryAfter
	Status429
	Status429RetryAfter
	// Latency delays the request by a random time up to Config.Latency,
	// then forwards it normally.
	Latency
	// Stall forwards the request, then sends nothing more after a random
	// part of the response body (before the headers when it has none) for
	// Config.StallFor, then resets the connection.
	Stall
	// Truncate forwards the request and closes the connection after a
	// random part of the response body: fewer bytes than the headers
	// promised.
	Truncate
	// Trickle forwards the request and delivers the start of the response
	// body (Config.TrickleBytes) in pieces of Config.TrickleChunk bytes,
	// each after Config.TrickleDelay.
	Trickle
	numKinds
)

var kindNames = [numKinds]string{"reset-request", "reset-response", "status-500", "status-503", "status-503-retry-after",
	"status-429", "status-429-retry-after", "latency", "stall", "truncate", "trickle"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// AllKinds returns every fault kind.
func AllKinds() []Kind {
	out := make([]Kind, numKinds)
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// Dialect is the error format of the service, used for injected statuses
// so the client's SDK parses them as it would the real service's.
type Dialect uint8

// The dialects.
const (
	Plain Dialect = iota // text/plain
	S3                   // XML <Error><Code>
	GCS                  // JSON {"error":{...}}
	Azure                // XML <Error><Code> and x-ms-error-code
)

// Config configures a [Proxy]. Only Target is required.
type Config struct {
	// Target is the service's base URL, such as "http://127.0.0.1:9000".
	Target string
	// Seed seeds the fault schedule (see the package documentation).
	Seed uint64
	// Rate is the fraction of requests that get a fault, 0 to 1. It can be
	// changed while running with SetRate.
	Rate float64
	// Kinds are the faults to choose from, uniformly. Nil: all of them.
	Kinds []Kind
	// Dialect shapes injected error responses.
	Dialect Dialect
	// Latency bounds the Latency fault's delay. Zero: 200ms.
	Latency time.Duration
	// StallFor is how long a Stall fault sends nothing before it resets
	// the connection. Zero: 5s.
	StallFor time.Duration
	// RetryAfter is the Retry-After the RetryAfter variants send, in whole
	// seconds (rounded up). Zero: 1s.
	RetryAfter time.Duration
	// TrickleBytes, TrickleChunk and TrickleDelay shape Trickle. Zero:
	// 16 KiB in pieces of 512 bytes every 2ms.
	TrickleBytes int64
	TrickleChunk int
	TrickleDelay time.Duration
	// Skip exempts requests from faults (nil: none is exempt).
	Skip func(*http.Request) bool
	// RewriteHost sends the target's Host header instead of the client's,
	// and points Location headers that name the target back at the proxy,
	// for services that route by Host (fake-gcs-server's -public-host) or
	// hand out absolute URLs (resumable upload sessions). Leave it off for
	// services that check signatures covering the Host header.
	RewriteHost bool
	// Answer, when set, is asked first about every request: a non-zero
	// status makes the proxy answer it at once, in the Dialect's error
	// format with the service error code given (a "" code: the one the
	// service uses for that status), without forwarding and without
	// counting a fault. It is for tests of how the client classifies the
	// service's errors.
	Answer func(r *http.Request) (status int, code string)
}

// Proxy is a running fault-injecting proxy. Its methods are safe for
// concurrent use.
type Proxy struct {
	// URL is the proxy's base URL, http://127.0.0.1:PORT: give it to the
	// client in place of the service's.
	URL string

	cfg     Config
	target  *url.URL
	rate    atomic.Uint64 // math.Float64bits
	seq     atomic.Uint64
	seen    sync.Map // request identity -> *atomic.Uint64, requests of it so far
	counts  [numKinds]atomic.Int64
	retries atomic.Int64
	reqIDs  sync.Map // x-ms-client-request-id values seen
	ln      net.Listener
	srv     *http.Server
	tr      *http.Transport
	rp      *httputil.ReverseProxy
	wg      sync.WaitGroup
	done    chan struct{}
}

// New starts a proxy on a free loopback port.
func New(cfg Config) (*Proxy, error) {
	target, err := url.Parse(cfg.Target)
	if err != nil || target.Host == "" || (target.Scheme != "http" && target.Scheme != "https") {
		return nil, fmt.Errorf("faultproxy: target must be an http(s) URL, got %q", cfg.Target)
	}
	if cfg.Kinds == nil {
		cfg.Kinds = AllKinds()
	}
	for _, k := range cfg.Kinds {
		if k >= numKinds {
			return nil, fmt.Errorf("faultproxy: unknown fault kind %d", k)
		}
	}
	if cfg.Latency <= 0 {
		cfg.Latency = 200 * time.Millisecond
	}
	if cfg.StallFor <= 0 {
		cfg.StallFor = 5 * time.Second
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Second
	}
	if cfg.TrickleBytes <= 0 {
		cfg.TrickleBytes = 16 << 10
	}
	if cfg.TrickleChunk <= 0 {
		cfg.TrickleChunk = 512
	}
	if cfg.TrickleDelay <= 0 {
		cfg.TrickleDelay = 2 * time.Millisecond
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), cfg: cfg, target: target, ln: ln, done: make(chan struct{})}
	p.SetRate(cfg.Rate)
	p.tr = &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true, // never decode or ask for gzip on the client's behalf
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			if !cfg.RewriteHost {
				pr.Out.Host = pr.In.Host // signatures cover the Host header
			}
			pr.Out.Header.Del("Expect")
		},
		Transport:      p.tr,
		FlushInterval:  -1,
		ModifyResponse: p.modifyResponse,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// The upstream request failed (the service or this proxy gave
			// up): the client sees a 502, as from a real load balancer.
			w.WriteHeader(http.StatusBadGateway)
		},
		ErrorLog: discardLogger,
	}
	p.srv = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ErrorLog: discardLogger,
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

// SetRate changes the fraction of requests that get a fault (0 turns faults
// off, for checking the service's state behind the client's back).
func (p *Proxy) SetRate(r float64) { p.rate.Store(math.Float64bits(min(max(r, 0), 1))) }

// Requests returns how many requests the proxy received.
func (p *Proxy) Requests() int64 { return int64(p.seq.Load()) }

// Counts returns how many faults of each kind were injected. A fault that
// cannot apply to an exchange (a truncated body when there is none) is
// not injected and not counted: the exchange is forwarded untouched.
func (p *Proxy) Counts() map[Kind]int64 {
	out := map[Kind]int64{}
	for k := range p.counts {
		if n := p.counts[k].Load(); n > 0 {
			out[Kind(k)] = n
		}
	}
	return out
}

// Close stops the proxy: open connections are closed and stalled
// exchanges end at once.
func (p *Proxy) Close() error {
	select {
	case <-p.done:
		return nil
	default:
	}
	close(p.done)
	err := p.srv.Close()
	p.wg.Wait()
	p.tr.CloseIdleConnections()
	return err
}

var discardLogger = log.New(io.Discard, "", 0)

type connKey struct{}
type faultKey struct{}

// fault is the decision for one exchange.
type fault struct {
	kind Kind
	rng  *rand.Rand
	p    *Proxy
	conn net.Conn
}

// Retries returns how many requests were retries of an earlier attempt of
// the same SDK call, as the SDKs mark them: the attempt number in
// amz-sdk-request (AWS) or in x-goog-api-client's gccl-attempt-count
// (Google), or a repeated x-ms-client-request-id (Azure).
func (p *Proxy) Retries() int64 { return p.retries.Load() }

func (p *Proxy) countRetry(r *http.Request) {
	if v := r.Header.Get("Amz-Sdk-Request"); v != "" {
		if a, ok := attempt(v, "attempt="); ok && a > 1 {
			p.retries.Add(1)
		}
		return
	}
	if v := r.Header.Get("X-Goog-Api-Client"); strings.Contains(v, "gccl-attempt-count/") {
		if a, ok := attempt(v, "gccl-attempt-count/"); ok && a > 1 {
			p.retries.Add(1)
		}
		return
	}
	if id := r.Header.Get("X-Ms-Client-Request-Id"); id != "" {
		if _, seen := p.reqIDs.LoadOrStore(id, struct{}{}); seen {
			p.retries.Add(1)
		}
	}
}

// attempt parses the number after key in a header value.
func attempt(v, key string) (int, bool) {
	i := strings.Index(v, key)
	if i < 0 {
		return 0, false
	}
	v = v[i+len(key):]
	j := 0
	for j < len(v) && v[j] >= '0' && v[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(v[:j])
	return n, err == nil
}

// ScopeHeader carries the scope of a request from [Transport] to the
// proxy, which removes it before forwarding.
const ScopeHeader = "Faultproxy-Scope"

type scopeKey struct{}

// WithScope returns a context whose requests, sent through [Transport],
// are identified by scope (with their method and stable query parameters)
// rather than by their path: give each unit of work that a replay should
// repeat its own scope (see the package documentation).
func WithScope(ctx context.Context, scope string) context.Context {
	return context.WithValue(ctx, scopeKey{}, scope)
}

// Transport returns a RoundTripper that adds the scope of each request's
// context ([WithScope]) to the request, in [ScopeHeader], and sends it
// with base (nil: http.DefaultTransport). It adds the header below the
// SDKs' signing, which therefore never covers it.
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return scopeTransport{base}
}

type scopeTransport struct{ base http.RoundTripper }

func (t scopeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	scope, _ := r.Context().Value(scopeKey{}).(string)
	if scope == "" {
		return t.base.RoundTrip(r)
	}
	r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
	r.Header.Set(ScopeHeader, scope)
	return t.base.RoundTrip(r)
}

// CloseIdleConnections closes the idle connections of the base transport.
func (t scopeTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// stableParams are the query parameters whose values identify a request
// across runs; the values of the others (upload IDs, page tokens,
// signatures, dates, generations, Azure's block IDs, which the driver
// makes random) may differ, so only their names count.
var stableParams = map[string]bool{
	"partNumber": true, "comp": true, "restype": true, "x-id": true, "list-type": true, "prefix": true,
	"delimiter": true, "uploadType": true, "alt": true, "name": true, "uploads": true,
}

// nameParams hold an object's name in the query (GCS uploads), which a
// scope replaces as the path does: a name chosen at random (Rename) would
// differ between runs.
var nameParams = map[string]bool{"name": true}

// identity is what identifies r across runs (see the package
// documentation); the scope header is removed from r.
func identity(r *http.Request) string {
	var b strings.Builder
	scope := r.Header.Get(ScopeHeader)
	if scope != "" {
		r.Header.Del(ScopeHeader)
		b.WriteString(scope)
		b.WriteString("\x00")
		b.WriteString(r.Method)
		// The path's depth, not its names (a Rename's name is random):
		// a bucket's and an object's metadata differ by it.
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(strings.Count(r.URL.Path, "/")))
	} else {
		b.WriteString(r.Method)
		b.WriteByte(' ')
		b.WriteString(r.URL.Path)
	}
	// Byte ranges tell apart the parallel parts of one download (and the
	// chunks of one upload), which share everything else.
	for _, h := range []string{"Range", "Content-Range"} {
		if v := r.Header.Get(h); v != "" {
			b.WriteString("\x00" + h + ": " + v)
		}
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteByte('\x00')
		b.WriteString(k)
		if stableParams[k] && !(scope != "" && nameParams[k]) {
			b.WriteByte('=')
			b.WriteString(strings.Join(q[k], ","))
		}
	}
	return b.String()
}

// stream returns the random stream of r: seeded with the seed, a hash of
// r's identity and how many requests of that identity came before.
func (p *Proxy) stream(r *http.Request) *rand.Rand {
	id := identity(r)
	c, _ := p.seen.LoadOrStore(id, new(atomic.Uint64))
	n := c.(*atomic.Uint64).Add(1)
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(p.cfg.Seed^h.Sum64(), n))
}

func (p *Proxy) decide(r *http.Request) *fault {
	p.countRetry(r)
	p.seq.Add(1)
	rng := p.stream(r)
	roll := rng.Float64()
	if roll >= math.Float64frombits(p.rate.Load()) || (p.cfg.Skip != nil && p.cfg.Skip(r)) {
		return nil
	}
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	return &fault{kind: p.cfg.Kinds[rng.IntN(len(p.cfg.Kinds))], rng: rng, p: p, conn: c}
}

// at draws the point of a fault in a body of size n (unknown: -1), at
// least 1 byte in when the body has any, so the headers have gone out.
func (f *fault) at(n int64) int64 {
	if n < 0 {
		n = 64 << 10
	}
	if n <= 1 {
		return n
	}
	return 1 + f.rng.Int64N(n-1)
}

func (f *fault) count() { f.p.counts[f.kind].Add(1) }

// reset closes the client's connection with a TCP RST and aborts the
// handler.
func (f *fault) reset() {
	if tc, ok := f.conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	if f.conn != nil {
		_ = f.conn.Close()
	}
}

// sleep waits d, or until the proxy closes or the client goes away.
func (f *fault) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-f.p.done:
	}
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.cfg.Answer != nil {
		if status, code := p.cfg.Answer(r); status != 0 {
			p.writeError(w, r, status, code)
			return
		}
	}
	f := p.decide(r)
	if f == nil {
		p.rp.ServeHTTP(w, r)
		return
	}
	switch f.kind {
	case ResetRequest:
		f.count()
		if r.ContentLength != 0 {
			_, _ = io.CopyN(io.Discard, r.Body, f.at(r.ContentLength))
		}
		f.reset()
		panic(http.ErrAbortHandler)
	case Status500, Status503, Status503RetryAfter, Status429, Status429RetryAfter:
		f.count()
		p.writeStatus(w, r, f.kind)
		return
	case Latency:
		f.count()
		f.sleep(r.Context(), time.Duration(f.rng.Int64N(int64(p.cfg.Latency))+1))
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), faultKey{}, f)))
}

func (p *Proxy) modifyResponse(resp *http.Response) error {
	if loc := resp.Header.Get("Location"); p.cfg.RewriteHost && loc != "" {
		if u, err := url.Parse(loc); err == nil && u.Host == p.target.Host {
			u.Scheme, u.Host = "http", strings.TrimPrefix(p.URL, "http://")
			resp.Header.Set("Location", u.String())
		}
	}
	f, _ := resp.Request.Context().Value(faultKey{}).(*fault)
	if f == nil {
		return nil
	}
	hasBody := resp.Request.Method != http.MethodHead && resp.ContentLength != 0 &&
		resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotModified
	ctx := resp.Request.Context()
	switch f.kind {
	case ResetResponse:
		f.count()
		if !hasBody {
			f.reset()
			return errAborted
		}
		resp.Body = &faultBody{rc: resp.Body, left: f.at(resp.ContentLength), then: func() { f.reset() }}
	case Stall:
		f.count()
		if !hasBody {
			f.sleep(ctx, p.cfg.StallFor)
			f.reset()
			return errAborted
		}
		resp.Body = &faultBody{rc: resp.Body, left: f.at(resp.ContentLength), then: func() {
			f.sleep(ctx, p.cfg.StallFor)
			f.reset()
		}}
	case Truncate:
		if !hasBody {
			return nil
		}
		f.count()
		resp.Body = &faultBody{rc: resp.Body, left: f.at(resp.ContentLength), then: func() {}}
	case Trickle:
		if !hasBody {
			return nil
		}
		f.count()
		resp.Body = &trickleBody{rc: resp.Body, left: p.cfg.TrickleBytes, chunk: p.cfg.TrickleChunk, delay: p.cfg.TrickleDelay, f: f, ctx: ctx}
	}
	return nil
}

// errAborted makes the reverse proxy give up on the exchange; the
// connection is already closed.
var errAborted = errors.New("faultproxy: exchange aborted by a fault")

// faultBody passes left bytes of the body, then runs then and fails, which
// makes the reverse proxy abort the response (closing the connection).
type faultBody struct {
	rc   io.ReadCloser
	left int64
	then func()
	done bool
}

func (b *faultBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		if !b.done {
			b.done = true
			b.then()
		}
		return 0, errAborted
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err == io.EOF && b.left > 0 {
		// The body was shorter than the point: nothing to cut.
		return n, io.EOF
	}
	return n, err
}

func (b *faultBody) Close() error { return b.rc.Close() }

type trickleBody struct {
	rc    io.ReadCloser
	left  int64
	chunk int
	delay time.Duration
	f     *fault
	ctx   context.Context
}

func (b *trickleBody) Read(p []byte) (int, error) {
	if b.left > 0 {
		b.f.sleep(b.ctx, b.delay)
		n := min(len(p), b.chunk, int(min(b.left, math.MaxInt32)))
		n, err := b.rc.Read(p[:n])
		b.left -= int64(n)
		return n, err
	}
	return b.rc.Read(p)
}

func (b *trickleBody) Close() error { return b.rc.Close() }

// writeStatus answers with an injected error status in the service's
// format.
func (p *Proxy) writeStatus(w http.ResponseWriter, r *http.Request, k Kind) {
	status := map[Kind]int{Status500: 500, Status503: 503, Status503RetryAfter: 503, Status429: 429, Status429RetryAfter: 429}[k]
	if k == Status503RetryAfter || k == Status429RetryAfter {
		secs := int64((p.cfg.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	p.writeError(w, r, status, "")
}

// defaultCodes are the services' error codes for the statuses the proxy
// answers, by dialect (GCS: the JSON API's reason, then the XML API's code).
var defaultCodes = map[Dialect]map[int]string{
	S3:    {400: "InvalidArgument", 401: "Unauthorized", 403: "AccessDenied", 404: "NoSuchKey", 412: "PreconditionFailed", 500: "InternalError", 501: "NotImplemented", 503: "SlowDown", 429: "SlowDown"},
	GCS:   {400: "invalid", 401: "authError", 403: "forbidden", 404: "notFound", 412: "conditionNotMet", 500: "backendError", 501: "notImplemented", 503: "backendError", 429: "rateLimitExceeded"},
	Azure: {400: "InvalidInput", 401: "NoAuthenticationInformation", 403: "AuthorizationFailure", 404: "BlobNotFound", 412: "ConditionNotMet", 500: "InternalError", 501: "NotImplemented", 503: "ServerBusy", 429: "ServerBusy"},
}

var gcsXMLCodes = map[int]string{400: "InvalidArgument", 401: "AuthenticationRequired", 403: "AccessDenied", 404: "NoSuchKey", 412: "PreconditionFailed",
	500: "InternalError", 501: "NotImplemented", 503: "ServiceUnavailable", 429: "SlowDown"}

// writeError answers status in the service's format, with its error code
// (code, or the service's usual one for status).
func (p *Proxy) writeError(w http.ResponseWriter, r *http.Request, status int, code string) {
	h := w.Header()
	if code == "" {
		code = defaultCodes[p.cfg.Dialect][status]
	}
	var body, ctype string
	switch p.cfg.Dialect {
	case S3:
		ctype = "application/xml"
		body = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>` + code +
			`</Code><Message>injected by faultproxy</Message><RequestId>faultproxy</RequestId></Error>`
	case GCS:
		ctype = "application/json; charset=UTF-8"
		body = `{"error":{"code":` + strconv.Itoa(status) + `,"message":"injected by faultproxy","errors":[{"reason":"` +
			code + `","message":"injected by faultproxy"}]}}`
		if !strings.HasPrefix(r.URL.Path, "/storage/") && !strings.HasPrefix(r.URL.Path, "/upload/") {
			// The XML API (downloads, signed URLs).
			if c, ok := gcsXMLCodes[status]; ok && code == defaultCodes[GCS][status] {
				code = c
			}
			ctype = "application/xml; charset=UTF-8"
			body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>` + code +
				`</Code><Message>injected by faultproxy</Message></Error>`
		}
	case Azure:
		h.Set("x-ms-error-code", code)
		h.Set("x-ms-request-id", "faultproxy")
		ctype = "application/xml"
		body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>` + code + `</Code><Message>injected by faultproxy</Message></Error>`
	default:
		ctype = "text/plain; charset=utf-8"
		body = "injected by faultproxy\n"
	}
	h.Set("Content-Type", ctype)
	if r.Method == http.MethodHead {
		body = ""
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
