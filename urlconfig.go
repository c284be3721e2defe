package storage

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Decode sets the fields of the struct cfg points to from the query
// parameters their `url` tags name, so that a driver declares each URL
// parameter once, on the field of its Config it sets:
//
//	Region       string `url:"region"`
//	UsePathStyle bool   `url:"use_path_style|s3ForcePathStyle"` // a name and its alias
//	AccessKeyID  string `url:"access_key_id,secret"`
//	Tier         string `url:"access_tier,enum=Hot|Cool|Archive"`
//	PrivateKey   []byte `url:"private_key_path,file"`
//	Bucket       string `url:",host=bucket"` // the URL's host, not a parameter
//
// The names are separated by "|" (the first is the project's name, the
// others aliases such as gocloud.dev's), the options by ",". The field's
// type picks how the value is read, with the checks of the accessor named:
//
//   - string kinds: [URLQuery.String]; with the secret option
//     [URLQuery.Secret] (never shown), with enum=a|b [URLQuery.Enum].
//   - bool: [URLQuery.Bool].
//   - time.Duration: [URLQuery.Duration].
//   - fs.FileMode: octal permission bits such as 0750.
//   - other integer kinds: [URLQuery.Count] (negative values are refused).
//   - *Budget: a byte count, a budget of the storage's own when positive.
//   - []byte with the file option: the path of a key file, read when the
//     storage opens ([OpenConfig] reads it with [ReadKeyFile]), never while
//     the URL is parsed.
//
// The field tagged with host=WORD (a string, with no parameter name) takes
// the URL's host: the URL must read scheme://host[/prefix], and its path is
// the location prefix; WORD names the host in the failure ("want
// s3://bucket[/prefix]"), as with [URLQuery.Bucket].
//
// A field whose parameter is absent keeps its value; untagged fields are
// left alone. Problems are recorded like those of the accessors, so every
// one is reported at once. A tag on a field of another type, or a cfg that
// is not a pointer to a struct, is a bug in the driver: Decode panics.
func (q *URLQuery) Decode(cfg any) KeyFiles {
	v := reflect.ValueOf(cfg)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("storage: URLQuery.Decode needs a pointer to a struct, not " + v.Type().String())
	}
	v = v.Elem()
	var keys KeyFiles
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, ok := f.Tag.Lookup("url")
		if !ok {
			continue
		}
		names, options, _ := strings.Cut(tag, ",")
		p := urlParam{names: strings.Split(names, "|")}
		for _, o := range strings.Split(options, ",") {
			switch {
			case o == "secret":
				p.secret = true
			case o == "file":
				p.file = true
			case strings.HasPrefix(o, "enum="):
				p.enum = strings.Split(strings.TrimPrefix(o, "enum="), "|")
			case strings.HasPrefix(o, "host="):
				p.host = strings.TrimPrefix(o, "host=")
			case o != "":
				panic("storage: URLQuery.Decode: field " + f.Name + ": unknown tag option " + strconv.Quote(o))
			}
		}
		if p.host != "" {
			if names != "" || f.Type.Kind() != reflect.String {
				panic("storage: URLQuery.Decode: field " + f.Name + ": the host takes a string field without a parameter name")
			}
			v.Field(i).SetString(q.Bucket(q.url, p.host))
			continue
		}
		read := q.reader(f, p)
		if p.secret {
			for _, n := range p.names {
				q.secret[n] = true
			}
		}
		if !q.Has(p.names...) {
			continue
		}
		if path := read(v.Field(i)); path != "" {
			keys.files = append(keys.files, keyFile{field: i, param: p.names[0], path: path})
		}
	}
	return keys
}

// urlParam is a field's `url` tag.
type urlParam struct {
	names        []string
	secret, file bool
	enum         []string
	host         string
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	fileModeType = reflect.TypeFor[fs.FileMode]()
	budgetType   = reflect.TypeFor[*Budget]()
	bytesType    = reflect.TypeFor[[]byte]()
)

// reader returns the function that sets a field of f's type from the
// parameter p names (present), or for a key file returns its path. It
// panics when the type cannot take the tag.
func (q *URLQuery) reader(f reflect.StructField, p urlParam) func(reflect.Value) (keyPath string) {
	bad := func() {
		panic("storage: URLQuery.Decode: field " + f.Name + " of type " + f.Type.String() + " cannot take its url tag")
	}
	if p.file != (f.Type == bytesType) || p.enum != nil && f.Type.Kind() != reflect.String {
		bad()
	}
	names := p.names
	switch {
	case p.file:
		return func(reflect.Value) string { return q.String(names...) }
	case f.Type == durationType:
		return func(v reflect.Value) string { v.SetInt(int64(q.Duration(names...))); return "" }
	case f.Type == fileModeType:
		return func(v reflect.Value) string { v.SetUint(uint64(q.perm(names))); return "" }
	case f.Type == budgetType:
		return func(v reflect.Value) string {
			if n := q.Count(names...); n > 0 {
				v.Set(reflect.ValueOf(NewBudget(n)))
			}
			return ""
		}
	}
	switch f.Type.Kind() {
	case reflect.String:
		if p.enum != nil {
			return func(v reflect.Value) string { v.SetString(q.Enum(p.enum, names...)); return "" }
		}
		return func(v reflect.Value) string { v.SetString(q.String(names...)); return "" }
	case reflect.Bool:
		return func(v reflect.Value) string { v.SetBool(q.Bool(names...)); return "" }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) string {
			n := q.Count(names...)
			if v.OverflowInt(n) {
				q.Fail(names[0], "too large")
				n = 0
			}
			v.SetInt(n)
			return ""
		}
	}
	bad()
	return nil
}

// perm reads octal permission bits, such as 0750; 0 after a failure.
func (q *URLQuery) perm(names []string) fs.FileMode {
	n, v, _ := q.single(names)
	p, err := strconv.ParseUint(v, 8, 32)
	if err != nil || p == 0 || p&^0o777 != 0 {
		q.Fail(n, q.show(n, v)+"want octal permission bits such as 0750")
		return 0
	}
	return fs.FileMode(p)
}

// KeyFiles are the key files a storage URL names (the fields that
// [URLQuery.Decode] found tagged with the file option), which [OpenConfig]
// reads when the storage opens. The zero value names none.
type KeyFiles struct{ files []keyFile }

type keyFile struct {
	field       int
	param, path string
}

// Has reports whether the URL names a key file with param, the first name
// in a field's tag.
func (k KeyFiles) Has(param string) bool {
	return slices.ContainsFunc(k.files, func(f keyFile) bool { return f.param == param })
}

// read reads each key file into its field of the struct cfg points to.
func (k KeyFiles) read(cfg reflect.Value) error {
	for _, f := range k.files {
		b, err := ReadKeyFile("URL parameter "+strconv.Quote(f.param), f.path)
		if err != nil {
			return err
		}
		cfg.Elem().Field(f.field).SetBytes(b)
	}
	return nil
}

// OpenConfig returns the OpenFunc of a driver configured by a struct C,
// such as its Config after [URLQuery.Decode]: each time it opens, it reads
// the key files into a copy of cfg and calls open (the driver's New) with
// that copy.
func OpenConfig[C any](cfg C, keys KeyFiles, open func(context.Context, C, ...Option) (*Storage, error)) OpenFunc {
	return func(ctx context.Context, opts ...Option) (*Storage, error) {
		c := cfg
		if err := keys.read(reflect.ValueOf(&c)); err != nil {
			return nil, err
		}
		return open(ctx, c, opts...)
	}
}

// URLConfig is a storage URL that [RegisterConfig] decoded into a driver's
// Config C, as the driver's check function sees it. Its URLQuery reads the
// parameters that are no field of C and records the problems the check
// finds ([URLQuery.Fail]).
type URLConfig[C any] struct {
	*URLQuery
	// URL is the storage URL without its query and userinfo (read those
	// through the URLQuery).
	URL *url.URL
	// Config is decoded from the URL by [URLQuery.Decode]; the check
	// completes it.
	Config C
	// Keys are the key files the URL names, read when the storage opens.
	Keys KeyFiles
	// Open opens the storage: the function given to RegisterConfig, unless
	// the check replaces it (to do, when the storage opens, what a
	// parameter asks beyond the Config, such as making a credential).
	Open func(context.Context, C, ...Option) (*Storage, error)
}

// RegisterConfig is [Register] for a driver configured by a struct C,
// opened by open (the driver's New), whose URL parameters are the url tags
// of C's fields (see [URLQuery.Decode]). For each URL it decodes a zero C
// (the field tagged host=... takes the URL's host, and the path is then
// the location prefix), calls check, if not nil, for what the tags cannot
// say (parameters that go together, settings that are no field of C, a
// URL that is not scheme://bucket/prefix), and returns [OpenConfig] of the
// result, so the key files are read and the storage made when it opens,
// never while the URL is parsed.
func RegisterConfig[C any](scheme string, open func(context.Context, C, ...Option) (*Storage, error), check func(*URLConfig[C])) {
	Register(scheme, URLOpenerFunc(func(u *url.URL, q *URLQuery) (OpenFunc, error) {
		p := &URLConfig[C]{URLQuery: q, URL: u, Open: open}
		p.Keys = q.Decode(&p.Config)
		if check != nil {
			check(p)
		}
		return OpenConfig(p.Config, p.Keys, p.Open), nil
	}))
}

// NewWithBucketURL is [New] for a driver over a bucket whose own address
// is bucketURL: when public is true (the user declared the bucket publicly
// readable, as with a driver's Config.PublicBucket), public URLs default to
// bucketURL, and a base URL among opts ([WithBaseURL]) still wins. When New
// fails it closes d, so that the driver's constructor leaves nothing open.
func NewWithBucketURL(d Driver, public bool, bucketURL string, opts ...Option) (*Storage, error) {
	if public {
		opts = append([]Option{WithBaseURL(bucketURL)}, opts...)
	}
	st, err := New(d, opts...)
	if err != nil {
		return nil, errors.Join(err, d.Close())
	}
	return st, nil
}
