package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/config"
)

// target is a command-line argument resolved to a storage and a name in it.
type target struct {
	st      *storage.Storage
	name    string // object name or prefix; "" is the storage's root
	display string // the argument with secrets redacted, for messages
	local   bool   // a local path (a filesystem storage)
	isDir   bool   // an existing local directory
	missing bool   // a local path that does not exist yet (a destination)
	stdio   bool   // "-": standard input or output
	root    string // the local directory a local target's storage is rooted at

	show func(name string) string // how an object of st is shown in messages
}

// object shows an object of the target's storage in messages.
func (t *target) object(name string) string {
	if t.show == nil {
		return name
	}
	return t.show(name)
}

var (
	urlArg    = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://`)
	configArg = regexp.MustCompile(`^([a-z][a-z0-9_]*):(.*)$`)
)

// resolve turns an argument into a target. With write false a local path
// must exist; with write true a missing one is where a file or directory
// will be created.
func (a *app) resolve(ctx context.Context, arg string, write bool) (*target, error) {
	switch {
	case arg == "-":
		return &target{stdio: true, display: "-"}, nil
	case arg == "":
		return nil, usagef("empty storage argument")
	case urlArg.MatchString(arg):
		return a.resolveURL(ctx, arg, write)
	}
	if m := configArg.FindStringSubmatch(arg); m != nil {
		if t, err := a.resolveConfig(m[1], m[2], arg); err == nil || !localExists(arg) {
			return t, err
		}
	}
	return a.resolveLocal(arg, arg, "", write)
}

// resolvePair resolves the SRC (which must exist) and DST (which may
// not yet) of a transfer.
func (a *app) resolvePair(ctx context.Context, srcArg, dstArg string) (src, dst *target, err error) {
	if src, err = a.resolve(ctx, srcArg, false); err != nil {
		return nil, nil, err
	}
	if dst, err = a.resolve(ctx, dstArg, true); err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

func localExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func (a *app) resolveURL(ctx context.Context, arg string, write bool) (*target, error) {
	u, err := url.Parse(arg)
	if err != nil {
		// url.Parse quotes the whole argument, secrets included.
		return nil, usagef("malformed storage URL (not shown: it may hold secrets)")
	}
	if u.Scheme == "file" {
		if u.Host != "" && u.Host != "localhost" {
			return nil, usagef("a file URL has no host: write file:///absolute/path")
		}
		p := u.Path
		if u.Opaque != "" {
			p = u.Opaque
		}
		return a.resolveLocal(arg, p, u.RawQuery, write)
	}
	if u.Scheme == gocloudFile {
		return a.resolveGocloudFile(ctx, u, write)
	}
	name := strings.TrimPrefix(u.Path, "/")
	base := *u
	base.Path, base.RawPath, base.Fragment, base.RawFragment = "", "", "", ""
	raw := base.String()
	if base.Host == "" {
		// url.URL drops the "//" of an empty authority.
		raw = strings.Replace(raw, base.Scheme+":", base.Scheme+"://", 1)
	}
	p, err := storage.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	t := &target{name: name, display: withPath(p.String(), name)}
	// Objects are shown without the query, which the command line already
	// holds once (and whose secrets are redacted in t.display).
	t.show = func(n string) string { return withPath(base.Scheme+"://"+base.Host, n) }
	if t.st, err = a.open(ctx, "url:"+raw, p); err != nil {
		return nil, fmt.Errorf("%s: %w", t.display, err)
	}
	return t, nil
}

// gocloudFile is the scheme of gocloud.dev's fileblob through the bridge.
const gocloudFile = "gocloud+file"

// gocloudFileDir returns the directory a gocloud+file URL names: its path,
// absolute (gocloud+file:///srv/files) or relative to the working directory
// as gocloud.dev writes it (gocloud+file://./files).
func gocloudFileDir(u *url.URL) (string, error) {
	p := u.Path
	switch {
	case u.Opaque != "":
		p = u.Opaque
	case u.Host == ".":
		p = strings.TrimPrefix(p, "/")
	case u.Host != "" && u.Host != "localhost":
		return "", usagef("a gocloud+file URL has no host: write gocloud+file:///absolute/path or gocloud+file://./relative/path")
	}
	if p == "" {
		return "", usagef("a gocloud+file URL needs a directory: gocloud+file:///absolute/path or gocloud+file://./relative/path")
	}
	return filepath.Abs(filepath.FromSlash(p))
}

// gocloudFileURL is the URL of the fileblob bucket at the absolute
// directory dir, with query.
func gocloudFileURL(dir, query string) string {
	return (&url.URL{Scheme: gocloudFile, Path: filepath.ToSlash(dir), RawQuery: query}).String()
}

// resolveGocloudFile opens a gocloud.dev fileblob bucket. Its URL's path is
// a directory, not an object name: like a local path, a directory is the
// bucket, and a file (or, for a destination, a name that does not exist
// yet) is an object of the bucket at the nearest directory. A relative
// directory is made absolute, since the bridge opens paths as given.
func (a *app) resolveGocloudFile(ctx context.Context, u *url.URL, write bool) (*target, error) {
	abs, err := gocloudFileDir(u)
	if err != nil {
		return nil, err
	}
	root, name := abs, ""
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
	case err == nil:
		root, name = filepath.Dir(abs), filepath.Base(abs)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", gocloudFileURL(abs, ""), unwrapPathError(err))
	case !write:
		return nil, fmt.Errorf("%s: no such file or directory", gocloudFileURL(abs, ""))
	default:
		// A destination to create: objects of the bucket at the nearest
		// existing directory (fileblob does not create its directory).
		for root = filepath.Dir(abs); root != filepath.Dir(root); root = filepath.Dir(root) {
			if fi, err := os.Stat(root); err == nil && fi.IsDir() {
				break
			}
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			return nil, err
		}
		name = filepath.ToSlash(rel)
		if strings.HasSuffix(u.Path+u.Opaque, "/") {
			name += "/"
		}
	}
	raw := gocloudFileURL(root, u.RawQuery)
	p, err := storage.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	t := &target{name: name}
	t.show = func(n string) string { return gocloudFileURL(filepath.Join(root, filepath.FromSlash(n)), "") }
	t.display = withPath(p.String(), strings.TrimPrefix(filepath.ToSlash(filepath.Join(root, name)), "/"))
	if t.st, err = a.open(ctx, "url:"+raw, p); err != nil {
		return nil, fmt.Errorf("%s: %w", t.display, err)
	}
	return t, nil
}

// withPath puts name as the path of a redacted storage URL.
func withPath(redacted, name string) string {
	u, err := url.Parse(redacted)
	if err != nil {
		return redacted
	}
	s := u.Scheme + "://" + u.Host + (&url.URL{Path: "/" + name}).EscapedPath()
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

func (a *app) resolveConfig(storageName, name, arg string) (*target, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	if !slicesContains(cfg.Names(), storageName) {
		return nil, fmt.Errorf("%s: no storage %q in the configuration (configured: %s; write ./%s for a local path)",
			arg, storageName, strings.Join(cfg.Names(), ", "), arg)
	}
	st, err := cfg.Get(storageName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return &target{st: st, name: name, display: arg, show: func(n string) string { return storageName + ":" + n }}, nil
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// config loads the configuration once.
func (a *app) config() (*config.Storages, error) {
	if a.cfg == nil && a.cfgErr == nil {
		a.cfg, a.cfgErr = config.Load(context.Background(), config.Options{Path: a.configPath, Env: a.env, Wrap: a.cfgWrap})
		if a.cfg != nil {
			a.closed = append(a.closed, a.cfg.Close)
		}
	}
	return a.cfg, a.cfgErr
}

// resolveLocal makes a filesystem storage for a local path: rooted at the
// directory itself, or at the parent of a file.
func (a *app) resolveLocal(arg, path, query string, write bool) (*target, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	t := &target{local: true, display: arg}
	root := abs
	fi, err := os.Stat(abs)
	switch {
	case err == nil && fi.IsDir():
		t.isDir = true
	case err == nil:
		root, t.name = filepath.Dir(abs), filepath.Base(abs)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", arg, unwrapPathError(err))
	case !write:
		return nil, fmt.Errorf("%s: no such file or directory", arg)
	case strings.HasSuffix(path, "/"):
		t.isDir, t.missing = true, true
	default:
		root, t.name, t.missing = filepath.Dir(abs), filepath.Base(abs), true
	}
	t.root = root
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(root), RawQuery: query}
	p, err := storage.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	t.show = func(n string) string {
		full := filepath.Join(root, filepath.FromSlash(n))
		if query != "" {
			return withPath(p.String(), strings.TrimPrefix(filepath.ToSlash(full), "/"))
		}
		if !filepath.IsAbs(path) {
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, full); err == nil {
					return rel
				}
			}
		}
		return full
	}
	if query != "" {
		t.display = t.show(t.name)
	}
	if t.st, err = a.open(context.Background(), "file:"+u.String(), p); err != nil {
		return nil, fmt.Errorf("%s: %w", t.display, err)
	}
	return t, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// open opens a storage once per invocation, so two arguments on the same
// storage share it (and copies between them run inside the backend).
func (a *app) open(ctx context.Context, key string, p *storage.ParsedURL) (*storage.Storage, error) {
	if st := a.stores[key]; st != nil {
		return st, nil
	}
	st, err := a.openURL(ctx, p)
	if err != nil {
		return nil, err
	}
	a.stores[key] = st
	a.closed = append(a.closed, st.Close)
	return st, nil
}

// dirLike reports whether the target names a directory: an existing local
// directory, a storage's root, or a name ending in "/".
func (t *target) dirLike() bool {
	return t.isDir || t.name == "" || strings.HasSuffix(t.name, "/")
}

// prefix is the target's name as a directory prefix ("" or ending in "/").
func (t *target) prefix() string {
	if t.name == "" || strings.HasSuffix(t.name, "/") {
		return t.name
	}
	return t.name + "/"
}

// wrap puts the target in front of an error.
func (t *target) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", t.display, err)
}

// completeTargets completes storage arguments: configured names, object
// names under a URL or NAME: prefix (one listing), local paths otherwise.
func (a *app) completeTargets(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	remote := urlArg.MatchString(toComplete)
	if m := configArg.FindStringSubmatch(toComplete); m != nil && !remote {
		remote = true
	}
	if !remote {
		var out []string
		if cfg, err := a.config(); err == nil {
			for _, n := range cfg.Names() {
				if strings.HasPrefix(n, toComplete) {
					out = append(out, n+":")
				}
			}
		}
		if len(out) > 0 && toComplete != "" {
			return out, cobra.ShellCompDirectiveNoSpace
		}
		if len(out) > 0 {
			return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
	// Complete the last path segment by listing its directory.
	cut := strings.LastIndex(toComplete, "/")
	if i := strings.Index(toComplete, "://"); i >= 0 {
		if j := strings.Index(toComplete[i+3:], "/"); j < 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
	} else if cut < 0 {
		cut = strings.Index(toComplete, ":")
	}
	argDir := toComplete[:cut+1]
	t, err := a.resolve(ctx, argDir, false)
	if err != nil || t.local {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for e, err := range t.st.List(ctx, t.name, storage.ListOptions{OneLevel: true}) {
		if err != nil {
			break
		}
		c := argDir + strings.TrimPrefix(e.Name, t.name)
		if strings.HasPrefix(c, toComplete) {
			out = append(out, c)
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
