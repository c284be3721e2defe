package storage

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// URLOpener opens storages for one URL scheme. A driver package registers
// one for its scheme with [Register] from an init function, so importing the
// package (even as _) makes [Open] understand its URLs, like database/sql.
type URLOpener interface {
	// ParseURL checks u completely, without any I/O, and returns the
	// function that opens the storage. Every query parameter is read through
	// q, which records unknown parameters and bad values (reported after
	// ParseURL returns, all at once); the common parameters (base_url,
	// location, prefix, conflict, max_name_length) are already taken out.
	// u carries no query and no userinfo: read those through q too. A
	// driver configured by a struct declares its parameters in the url
	// tags of the struct's fields and registers with [RegisterConfig],
	// which reads them all with [URLQuery.Decode] and returns [OpenConfig].
	ParseURL(u *url.URL, q *URLQuery) (OpenFunc, error)
}

// OpenFunc opens a storage that a [URLOpener] parsed. The options are the
// ones from the URL's common parameters followed by the caller's; a driver
// puts its own defaults (such as its base URL) before them.
type OpenFunc func(ctx context.Context, opts ...Option) (*Storage, error)

// URLOpenerFunc adapts a function to a [URLOpener].
type URLOpenerFunc func(u *url.URL, q *URLQuery) (OpenFunc, error)

// ParseURL implements [URLOpener].
func (f URLOpenerFunc) ParseURL(u *url.URL, q *URLQuery) (OpenFunc, error) { return f(u, q) }

var registry struct {
	sync.RWMutex
	openers map[string]URLOpener
}

// Register makes a URL scheme ("s3", "file") available to [Open]. It panics
// when the scheme is already registered, invalid, or opener is nil, like
// database/sql.Register.
func Register(scheme string, opener URLOpener) {
	if opener == nil {
		panic("storage: Register opener is nil")
	}
	if !validScheme(scheme) {
		panic("storage: Register invalid scheme " + strconv.Quote(scheme))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.openers == nil {
		registry.openers = map[string]URLOpener{}
	}
	if _, dup := registry.openers[scheme]; dup {
		panic("storage: Register called twice for scheme " + strconv.Quote(scheme))
	}
	registry.openers[scheme] = opener
}

// Schemes returns the registered URL schemes, sorted.
func Schemes() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.openers))
	for s := range registry.openers {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// validScheme: lower-case RFC 3986 scheme.
func validScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// driverPackages names the package to import for the project's own schemes,
// for the error message when it was not imported.
var driverPackages = map[string]string{
	"mem":    "github.com/go-storages/storage/memory",
	"file":   "github.com/go-storages/storage/filesystem",
	"s3":     "github.com/go-storages/storage/s3",
	"gs":     "github.com/go-storages/storage/gcs",
	"azblob": "github.com/go-storages/storage/azure",
}

// Open opens the storage a URL describes, such as
//
//	s3://bucket/media?region=eu-west-1&base_url=https://cdn.example.com/
//	gs://bucket/media
//	azblob://container/media?storage_account=acct
//	file:///var/media?base_url=https://example.com/media/
//	mem://
//	gocloud+file:///var/media  (any gocloud.dev bucket URL, through package gocloud)
//
// The scheme picks the driver, which must have been imported (its package
// registers the scheme). These query parameters work with every scheme:
//
//   - base_url: the base of public URLs ([WithBaseURL]); repeat it to shard
//     over several CDN hosts.
//   - location (or prefix, gocloud.dev's name): a prefix every object is
//     stored under ([WithLocation]). Drivers whose URL path is a prefix
//     inside a bucket treat the path the same way; giving both is an error.
//   - conflict: rename, overwrite or fail ([WithConflictPolicy]).
//   - max_name_length: [WithMaxNameLength].
//   - spool_limit: bytes, [WithSpoolLimit] (0 never spools).
//
// Every other parameter belongs to the driver, which documents them (and
// accepts gocloud.dev's names where they exist). The whole URL is checked
// before any I/O: unknown parameters and bad values are reported together,
// each naming its parameter, in an error matching ErrInvalidArgument.
// Errors never contain the URL's secrets (userinfo, keys, tokens). opts are
// applied after the URL's, so they win.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Storage, error) {
	p, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return p.Open(ctx, opts...)
}

// ParsedURL is a storage URL checked by [ParseURL], ready to open.
type ParsedURL struct {
	scheme   string
	redacted string
	open     OpenFunc
	opts     []Option
}

// Scheme returns the URL's scheme.
func (p *ParsedURL) Scheme() string { return p.scheme }

// String returns the URL with every secret (userinfo, secret parameters and
// the values of parameters the driver did not read) replaced by "REDACTED",
// so it is safe to log.
func (p *ParsedURL) String() string { return p.redacted }

// Open opens the storage; opts are applied after the URL's.
func (p *ParsedURL) Open(ctx context.Context, opts ...Option) (*Storage, error) {
	all := make([]Option, 0, len(p.opts)+len(opts))
	all = append(append(all, p.opts...), opts...)
	return p.open(ctx, all...)
}

// URLParamError is one problem with a storage URL. Param is the query
// parameter at fault, or "" when the problem is elsewhere in the URL. It
// never holds a secret.
type URLParamError struct {
	Scheme string
	Param  string
	Reason string
}

func (e *URLParamError) Error() string {
	s := e.Scheme + " URL"
	if e.Scheme == "" {
		s = "URL"
	}
	if e.Param != "" {
		s += ": parameter " + strconv.Quote(e.Param)
	}
	return s + ": " + e.Reason
}

func urlError(problems ...error) error {
	return &Error{Op: "open", Kind: ErrInvalidArgument, Err: errors.Join(problems...)}
}

// ParseURL checks a storage URL completely without any I/O (see [Open]):
// the scheme is registered, the common parameters are valid and the
// driver's parser accepts the rest. Every problem is reported at once.
func ParseURL(rawURL string) (*ParsedURL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse echoes the URL; never show it, it may hold secrets.
		return nil, urlError(&URLParamError{Reason: "malformed URL (not shown: it may hold secrets)"})
	}
	if u.Scheme == "" {
		return nil, urlError(&URLParamError{Reason: "no scheme (want a URL such as file:///var/media or s3://bucket)"})
	}
	registry.RLock()
	opener := registry.openers[u.Scheme]
	registry.RUnlock()
	if opener == nil {
		reason := "no driver registered for this scheme"
		if pkg, ok := driverPackages[u.Scheme]; ok {
			reason += " (import " + pkg + ")"
		} else if strings.HasPrefix(u.Scheme, "gocloud+") {
			reason += " (import github.com/go-storages/storage/gocloud)"
		}
		return nil, urlError(&URLParamError{Scheme: u.Scheme, Reason: reason})
	}
	if u.Fragment != "" {
		return nil, urlError(&URLParamError{Scheme: u.Scheme, Reason: "fragment (#...) not allowed"})
	}
	vals, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, urlError(&URLParamError{Scheme: u.Scheme, Reason: "malformed query (not shown: it may hold secrets)"})
	}
	bare := *u
	bare.RawQuery, bare.ForceQuery, bare.User = "", false, nil
	q := &URLQuery{scheme: u.Scheme, vals: vals, used: map[string]bool{}, secret: map[string]bool{}, user: u.User, url: &bare}
	opts := q.common()
	open, perr := opener.ParseURL(&bare, q)
	if perr != nil {
		q.errs = append(q.errs, perr)
	}
	opts = append(opts, q.locationOption()...)
	q.finish()
	if len(q.errs) > 0 {
		return nil, urlError(q.errs...)
	}
	if open == nil {
		return nil, urlError(&URLParamError{Scheme: u.Scheme, Reason: "driver returned no opener"})
	}
	return &ParsedURL{scheme: u.Scheme, redacted: q.redact(u), open: open, opts: opts}, nil
}

// common reads the parameters every scheme shares.
func (q *URLQuery) common() []Option {
	var opts []Option
	if bases := q.Strings("base_url"); len(bases) > 0 {
		o := WithBaseURL(bases...)
		if o(&Storage{}) != nil {
			q.Fail("base_url", "must be an absolute URL (scheme and host) without query or fragment")
		} else {
			opts = append(opts, o)
		}
	}
	if q.Has("location", "prefix") {
		q.location = q.String("location", "prefix")
		q.locationParam = true
	}
	if c := q.Enum([]string{"rename", "overwrite", "fail"}, "conflict"); c != "" {
		p := map[string]ConflictPolicy{"rename": Rename, "overwrite": Overwrite, "fail": Fail}[c]
		opts = append(opts, WithConflictPolicy(p))
	}
	if q.Has("max_name_length") {
		n := q.Int("max_name_length")
		if n < 1 || n > MaxNameLength {
			q.Fail("max_name_length", "must be in 1..1024")
		} else {
			opts = append(opts, WithMaxNameLength(int(n)))
		}
	}
	if q.Has("spool_limit") {
		if n := q.Int("spool_limit"); n < 0 {
			q.Fail("spool_limit", "must not be negative")
		} else {
			opts = append(opts, WithSpoolLimit(n))
		}
	}
	return opts
}

func (q *URLQuery) locationOption() []Option {
	loc := q.location
	if q.pathLocation != "" {
		if q.locationParam && strings.Trim(q.location, "/") != "" {
			q.Fail("location", "the URL path already sets the location; give one or the other")
			return nil
		}
		loc = q.pathLocation
	}
	if loc == "" {
		return nil
	}
	o := WithLocation(loc)
	if err := o(&Storage{}); err != nil {
		param := "location"
		if q.pathLocation != "" {
			param = ""
		}
		q.errs = append(q.errs, &URLParamError{Scheme: q.scheme, Param: param, Reason: "invalid location: " + locationReason(err)})
		return nil
	}
	return []Option{o}
}

func locationReason(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Err != nil {
		return strings.TrimPrefix(e.Err.Error(), "location: ")
	}
	return "invalid name"
}

// URLQuery gives a [URLOpener] the query parameters of a storage URL. Each
// accessor takes the parameter's name and its aliases (gocloud.dev's name
// for the same thing, say), marks them read, and records a problem for a bad
// value; parameters nobody read are reported as unknown when ParseURL
// returns. Names are case-sensitive. Values of secret parameters (read with
// Secret) and of unknown ones never appear in errors or in
// [ParsedURL.String].
type URLQuery struct {
	scheme        string
	vals          url.Values
	used          map[string]bool
	secret        map[string]bool
	user          *url.Userinfo
	userRead      bool
	errs          []error
	url           *url.URL // the URL without query and userinfo, for Decode
	location      string
	locationParam bool
	pathLocation  string
}

// Scheme returns the URL's scheme.
func (q *URLQuery) Scheme() string { return q.scheme }

// Fail records a problem with param ("" for the URL as a whole). reason must
// not contain a secret.
func (q *URLQuery) Fail(param, reason string) {
	q.errs = append(q.errs, &URLParamError{Scheme: q.scheme, Param: param, Reason: reason})
}

// Has reports whether any of names is present, and marks them read.
func (q *URLQuery) Has(names ...string) bool {
	has := false
	for _, n := range names {
		q.used[n] = true
		if _, ok := q.vals[n]; ok {
			has = true
		}
	}
	return has
}

// lookup returns the values of the one name present among names.
func (q *URLQuery) lookup(names []string) (string, []string) {
	var found string
	var vals []string
	for _, n := range names {
		q.used[n] = true
		if v, ok := q.vals[n]; ok {
			if found != "" {
				q.Fail(n, "same setting as "+strconv.Quote(found)+"; give only one")
				continue
			}
			found, vals = n, v
		}
	}
	return found, vals
}

func (q *URLQuery) single(names []string) (string, string, bool) {
	n, v := q.lookup(names)
	if n == "" {
		return "", "", false
	}
	if len(v) > 1 {
		q.Fail(n, "given more than once")
	}
	return n, v[0], true
}

// String returns the value of the first of names present, or "".
func (q *URLQuery) String(names ...string) string {
	_, v, _ := q.single(names)
	return v
}

// Strings returns every value of a repeatable parameter.
func (q *URLQuery) Strings(names ...string) []string {
	_, v := q.lookup(names)
	return v
}

// Secret is String for a parameter whose value is a secret (a key, a token):
// the value is never shown in errors or in [ParsedURL.String].
func (q *URLQuery) Secret(names ...string) string {
	for _, n := range names {
		q.secret[n] = true
	}
	return q.String(names...)
}

// Bool returns a boolean parameter (1, t, true, 0, f, false, ...); absent
// is false.
func (q *URLQuery) Bool(names ...string) bool {
	n, v, ok := q.single(names)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		q.Fail(n, q.show(n, v)+"want true or false")
		return false
	}
	return b
}

// Int returns an integer parameter; absent is 0.
func (q *URLQuery) Int(names ...string) int64 {
	n, v, ok := q.single(names)
	if !ok {
		return 0
	}
	i, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		q.Fail(n, q.show(n, v)+"want an integer")
		return 0
	}
	return i
}

// Count returns a non-negative integer parameter (a size in bytes, a
// concurrency); absent is 0, a negative value is a failure.
func (q *URLQuery) Count(names ...string) int64 {
	n := q.Int(names...)
	if n < 0 {
		name, _, _ := q.single(names)
		q.Fail(name, "must not be negative")
		return 0
	}
	return n
}

// CheckHTTPURL fails parameter name unless v is empty or an absolute http or
// https URL; example shows the expected form in the message.
func (q *URLQuery) CheckHTTPURL(name, v, example string) {
	if v == "" {
		return
	}
	if u, err := url.Parse(v); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		q.Fail(name, "want a URL such as "+example)
	}
}

// Duration returns a duration parameter, written as Go writes durations
// ("90s", "1h30m") or as a number of seconds; absent is 0. Negative
// durations are refused.
func (q *URLQuery) Duration(names ...string) time.Duration {
	n, v, ok := q.single(names)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, err2 := strconv.ParseInt(v, 10, 64)
		if err2 != nil {
			q.Fail(n, q.show(n, v)+"want a duration such as 30s or 5m")
			return 0
		}
		d = time.Duration(secs) * time.Second
	}
	if d < 0 {
		q.Fail(n, "negative duration")
		return 0
	}
	return d
}

// Enum returns a parameter that must be one of allowed; absent is "".
func (q *URLQuery) Enum(allowed []string, names ...string) string {
	n, v, ok := q.single(names)
	if !ok {
		return ""
	}
	if !slices.Contains(allowed, v) {
		q.Fail(n, q.show(n, v)+"want one of "+strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// show quotes a bad value for an error message, unless it is secret.
func (q *URLQuery) show(name, v string) string {
	if q.secret[name] {
		return "invalid value (not shown: secret); "
	}
	if len(v) > 64 {
		v = v[:64] + "..."
	}
	return "invalid value " + strconv.Quote(v) + "; "
}

// Remaining returns every parameter not read yet and marks them read, for an
// opener that passes them on to another library (the gocloud bridge hands
// them to gocloud.dev). Their values are treated as secrets.
func (q *URLQuery) Remaining() url.Values {
	out := url.Values{}
	for n, vs := range q.vals {
		if !q.used[n] {
			q.used[n] = true
			q.secret[n] = true
			out[n] = vs
		}
	}
	return out
}

// User returns the URL's userinfo (nil when absent) and marks it read.
// Without this call, userinfo in the URL is an error.
func (q *URLQuery) User() *url.Userinfo {
	q.userRead = true
	return q.user
}

// Bucket reads a URL of the form scheme://bucket[/prefix], the form of
// every object-store scheme: it returns the host (the bucket, "" with a
// failure recorded when there is none) and makes the path the location
// prefix (see SetLocation). what names the bucket in the failure
// ("bucket", "container"). A Config field tagged `url:",host=bucket"` is
// read this way by [URLQuery.Decode].
func (q *URLQuery) Bucket(u *url.URL, what string) string {
	if u.Opaque != "" || u.Host == "" {
		q.Fail("", "want "+q.scheme+"://"+what+"[/prefix]")
		return ""
	}
	q.SetLocation(u.Path)
	return u.Host
}

// SetLocation tells the root package that the URL's path is the storage's
// location prefix (as for s3://bucket/prefix). Giving a location parameter
// as well is then an error.
func (q *URLQuery) SetLocation(path string) {
	q.pathLocation = strings.Trim(path, "/")
}

// finish reports unknown parameters and unread userinfo.
func (q *URLQuery) finish() {
	var unknown []string
	for n := range q.vals {
		if !q.used[n] {
			unknown = append(unknown, n)
		}
	}
	slices.Sort(unknown)
	for _, n := range unknown {
		q.Fail(n, "unknown parameter")
	}
	if q.user != nil && !q.userRead {
		q.Fail("", "userinfo (user:password@) is not accepted in this scheme's URLs (not shown)")
	}
}

// redact rebuilds u with secrets replaced.
func (q *URLQuery) redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	vals := url.Values{}
	for n, vs := range q.vals {
		for _, v := range vs {
			if q.secret[n] || !q.used[n] {
				v = "REDACTED"
			}
			vals.Add(n, v)
		}
	}
	c.RawQuery = vals.Encode()
	return c.String()
}
