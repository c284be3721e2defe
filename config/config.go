// Package config declares a service's storages by name, like Django's
// STORAGES setting, so the backend is chosen by configuration alone: the
// filesystem in development, S3, GCS or Azure in production, same code.
//
// A small TOML file maps names to storage URLs (see storage.Open) and
// options, with ${ENV} expansion:
//
//	# storages.toml
//	[storages.default]
//	url = "file://${MEDIA_ROOT}?base_url=http://localhost:8080/media/"
//
//	[storages.media]
//	url = "s3://${MEDIA_BUCKET:-my-media}/uploads"
//	[storages.media.options]           # query parameters, without URL-encoding
//	region = "eu-west-1"
//	base_url = ["https://cdn1.example.com/", "https://cdn2.example.com/"]
//	conflict = "rename"
//
//	[storages.staticfiles]
//	url = "gs://my-static"
//	read_only = true                   # writes fail with ErrPermission
//
// Environment variables cover the single-storage case and override the
// file: STORAGE_URL is the "default" storage's URL, STORAGES_<NAME>_URL
// the URL of storage <name> (lower-cased: STORAGES_MEDIA_URL is "media").
// An environment URL replaces the file's url and options of that storage
// (read_only stays). STORAGES_CONFIG names the file when Options.Path is
// empty.
//
// [Load] checks everything at startup and reports every problem at once
// (errors.Join), each naming its storage and parameter, and never showing a
// secret. It opens no network connection unless Options.Connect is set:
// storages are opened on first [Storages.Get].
//
// Why TOML: it is the configuration format most Go services already use
// for small settings files, it has no indentation traps, and
// github.com/BurntSushi/toml is the long-maintained, dependency-free
// implementation that reports the keys it did not decode, so a misspelt
// key is an error instead of a silent default.
package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/wrap/readonly"
)

// Options tune [Load].
type Options struct {
	// Path of the TOML file; "" means $STORAGES_CONFIG, and no file at all
	// when that is unset too (environment variables only).
	Path string
	// Env is the environment, as "KEY=value" strings; nil means os.Environ().
	Env []string
	// Require lists storage names that must be configured (for example
	// "default").
	Require []string
	// Connect opens every storage during Load (and reports every failure),
	// for a service that wants to fail at startup when a bucket is
	// unreachable. By default storages open on first Get.
	Connect bool
	// Wrap, when set, is applied to every storage once opened (after
	// read_only), to add instrumentation, say.
	Wrap func(name string, st *storage.Storage) *storage.Storage
}

// Storages are the configured storages, by name. Safe for concurrent use.
type Storages struct {
	ctx     context.Context
	wrap    func(string, *storage.Storage) *storage.Storage
	entries map[string]*entry
}

type entry struct {
	name     string
	parsed   *storage.ParsedURL
	readOnly bool
	source   string // where the URL came from, for messages

	once sync.Once
	st   *storage.Storage
	err  error
}

// fileFormat is the TOML file.
type fileFormat struct {
	Storages map[string]fileEntry `toml:"storages"`
}

type fileEntry struct {
	URL      string         `toml:"url"`
	ReadOnly bool           `toml:"read_only"`
	Options  map[string]any `toml:"options"`
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Load reads the configuration, checks all of it and returns the storages;
// see the package documentation. ctx is used by Connect and, without its
// cancellation, by the lazy opens of Get.
func Load(ctx context.Context, opts Options) (*Storages, error) {
	env := envMap(opts.Env)
	var problems []error
	fail := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }

	raw := map[string]*rawEntry{}
	path := opts.Path
	if path == "" {
		path = env["STORAGES_CONFIG"]
	}
	if path != "" {
		ff, errs := readFile(path, env)
		problems = append(problems, errs...)
		for name, fe := range ff {
			raw[name] = fe
		}
	}
	// Environment overrides.
	for k, v := range env {
		var name string
		switch {
		case k == "STORAGE_URL":
			name = "default"
		case strings.HasPrefix(k, "STORAGES_") && strings.HasSuffix(k, "_URL") && len(k) > len("STORAGES__URL"):
			name = strings.ToLower(k[len("STORAGES_") : len(k)-len("_URL")])
		default:
			continue
		}
		if k != "STORAGE_URL" && env["STORAGE_URL"] != "" && name == "default" {
			fail("both STORAGE_URL and STORAGES_DEFAULT_URL are set; keep one")
			continue
		}
		re := raw[name]
		if re == nil {
			re = &rawEntry{}
			raw[name] = re
		}
		re.url, re.options, re.source, re.bad = v, nil, "$"+k, false
	}

	s := &Storages{ctx: context.WithoutCancel(ctx), wrap: opts.Wrap, entries: map[string]*entry{}}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		re := raw[name]
		if !validName.MatchString(name) {
			fail("storage %q: invalid name (want lower-case letters, digits and _, starting with a letter)", name)
			continue
		}
		if re.bad {
			continue
		}
		if re.url == "" {
			fail("storage %q (%s): no url", name, re.source)
			continue
		}
		full, err := mergeOptions(re.url, re.options)
		if err != nil {
			problems = append(problems, fmt.Errorf("storage %q (%s): %w", name, re.source, err))
			continue
		}
		p, err := storage.ParseURL(full)
		if err != nil {
			problems = append(problems, fmt.Errorf("storage %q (%s): %w", name, re.source, err))
			continue
		}
		s.entries[name] = &entry{name: name, parsed: p, readOnly: re.readOnly, source: re.source}
	}
	for _, name := range opts.Require {
		if _, ok := raw[name]; !ok {
			hint := "$STORAGES_" + strings.ToUpper(name) + "_URL"
			if name == "default" {
				hint = "$STORAGE_URL"
			}
			fail("storage %q is required but not configured (set it in the file or in %s)", name, hint)
		}
	}
	if len(problems) == 0 && len(s.entries) == 0 {
		fail("no storage configured (give a file, or set $STORAGE_URL)")
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	if opts.Connect {
		for _, name := range names {
			if _, err := s.open(ctx, s.entries[name]); err != nil {
				problems = append(problems, fmt.Errorf("storage %q (%s): %w", name, s.entries[name].source, err))
			}
		}
		if len(problems) > 0 {
			s.Close()
			return nil, &Error{Problems: problems}
		}
	}
	return s, nil
}

// Error is the error of [Load]: every problem found, each naming its
// storage. It matches storage.ErrInvalidArgument.
type Error struct {
	Problems []error
}

func (e *Error) Error() string {
	return "storage config: " + errors.Join(e.Problems...).Error()
}

// Unwrap returns the problems, so errors.Is and errors.As see each.
func (e *Error) Unwrap() []error {
	return append([]error{storage.ErrInvalidArgument}, e.Problems...)
}

// Names returns the configured storage names, sorted.
func (s *Storages) Names() []string {
	out := make([]string, 0, len(s.entries))
	for n := range s.entries {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Describe returns the storage's URL with its secrets redacted, and where it
// came from (the file or an environment variable), for startup logs.
func (s *Storages) Describe(name string) string {
	e := s.entries[name]
	if e == nil {
		return ""
	}
	d := e.parsed.String() + " (from " + e.source
	if e.readOnly {
		d += ", read-only"
	}
	return d + ")"
}

// Get returns the storage called name, opening it on first use. Opening
// uses the context given to Load, without its cancellation.
func (s *Storages) Get(name string) (*storage.Storage, error) {
	e := s.entries[name]
	if e == nil {
		return nil, fmt.Errorf("%w: storage config: no storage %q (configured: %s)", storage.ErrNotExist, name, strings.Join(s.Names(), ", "))
	}
	return s.open(s.ctx, e)
}

// Open opens a new storage from the configuration of name, with opts
// applied after the configured ones (storage.WithLocation replaces the
// configured location, for example), then read_only and Options.Wrap as
// for Get. Unlike Get, every call opens a storage of its own, which the
// caller closes: for work that needs the same backend under several
// locations, such as a conformance run.
func (s *Storages) Open(ctx context.Context, name string, opts ...storage.Option) (*storage.Storage, error) {
	e := s.entries[name]
	if e == nil {
		return nil, fmt.Errorf("%w: storage config: no storage %q (configured: %s)", storage.ErrNotExist, name, strings.Join(s.Names(), ", "))
	}
	return s.openEntry(ctx, e, opts...)
}

func (s *Storages) openEntry(ctx context.Context, e *entry, opts ...storage.Option) (*storage.Storage, error) {
	st, err := e.parsed.Open(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if e.readOnly {
		st = st.Wrap(readonly.Wrap)
	}
	if s.wrap != nil {
		st = s.wrap(e.name, st)
	}
	return st, nil
}

func (s *Storages) open(ctx context.Context, e *entry) (*storage.Storage, error) {
	e.once.Do(func() { e.st, e.err = s.openEntry(ctx, e) })
	return e.st, e.err
}

// Close closes every storage opened so far.
func (s *Storages) Close() error {
	var errs []error
	for _, name := range s.Names() {
		e := s.entries[name]
		e.once.Do(func() { e.err = errors.New("storage config: closed") })
		if e.st != nil {
			if err := e.st.Close(); err != nil {
				errs = append(errs, fmt.Errorf("storage %q: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func envMap(env []string) map[string]string {
	if env == nil {
		env = os.Environ()
	}
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// rawEntry is one storage before checking.
type rawEntry struct {
	url      string
	options  url.Values
	readOnly bool
	source   string
	bad      bool // already reported
}

// mergeOptions adds the options to the URL's query; a parameter given in
// both is an error.
func mergeOptions(raw string, opts url.Values) (string, error) {
	if len(opts) == 0 {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: malformed URL (not shown: it may hold secrets)", storage.ErrInvalidArgument)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("%w: malformed query (not shown: it may hold secrets)", storage.ErrInvalidArgument)
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	for _, k := range keys {
		if _, dup := q[k]; dup {
			errs = append(errs, fmt.Errorf("%w: option %q is also in the url; give it once", storage.ErrInvalidArgument, k))
			continue
		}
		q[k] = opts[k]
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// readFile decodes the TOML file, expanding ${ENV} in every string.
func readFile(path string, env map[string]string) (map[string]*rawEntry, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{err}
	}
	var ff fileFormat
	md, err := toml.Decode(string(data), &ff)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The message can quote the line, which may hold a secret.
			return nil, []error{fmt.Errorf("%s: line %d: invalid TOML (after key %q)", path, pe.Position.Line, pe.LastKey)}
		}
		return nil, []error{fmt.Errorf("%s: invalid TOML: %s", path, typeErrorText(err))}
	}
	var problems []error
	for _, k := range md.Undecoded() {
		ks := k.String()
		// Options are free-form tables, checked by the driver.
		if len(k) >= 3 && k[0] == "storages" && k[2] == "options" {
			continue
		}
		problems = append(problems, fmt.Errorf("%s: unknown key %q", path, ks))
	}
	out := map[string]*rawEntry{}
	for name, fe := range ff.Storages {
		where := fmt.Sprintf("%s [storages.%s]", path, name)
		re := &rawEntry{readOnly: fe.ReadOnly, source: path}
		u, err := expand(fe.URL, env)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s url: %w", where, err))
			re.bad = true
		}
		re.url = u
		if len(fe.Options) > 0 {
			re.options = url.Values{}
			for k, v := range fe.Options {
				vals, err := optionValues(v)
				if err != nil {
					problems = append(problems, fmt.Errorf("%s options.%s: %w", where, k, err))
					continue
				}
				for i, s := range vals {
					if vals[i], err = expand(s, env); err != nil {
						problems = append(problems, fmt.Errorf("%s options.%s: %w", where, k, err))
						re.bad = true
					}
				}
				re.options[k] = vals
			}
		}
		out[name] = re
	}
	return out, problems
}

// typeErrorText keeps a decode error's message but drops quoted values.
func typeErrorText(err error) string {
	return regexp.MustCompile(`"[^"]*"`).ReplaceAllString(err.Error(), `"…"`)
}

// optionValues turns a TOML value into query parameter values.
func optionValues(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case int64:
		return []string{strconv.FormatInt(x, 10)}, nil
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}, nil
	case []any:
		var out []string
		for _, e := range x {
			s, err := optionValues(e)
			if err != nil || len(s) != 1 {
				return nil, errors.New("a list must hold strings, numbers or booleans")
			}
			out = append(out, s[0])
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string, number, boolean or list of them, not a %T", v)
}

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// expand replaces ${VAR} by the variable's value, ${VAR:-default} by the
// value or, when unset or empty, the default, and $$ by $. An unset
// variable without default is an error naming it (never its value).
func expand(s string, env map[string]string) (string, error) {
	var missing []string
	out := envRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := envRef.FindStringSubmatch(m)
		if v := env[sub[1]]; v != "" {
			return v
		}
		if sub[2] != "" {
			return sub[2][2:]
		}
		if _, set := env[sub[1]]; !set {
			missing = append(missing, sub[1])
		}
		return ""
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable %s is not set (use ${%s:-default} for a default)", strings.Join(missing, ", "), missing[0])
	}
	return out, nil
}
