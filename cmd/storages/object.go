package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
)

func (a *app) catCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "cat NAME...",
		Short: "Write objects to standard output",
		Long:  `Stream each object to standard output, one after the other.`,
		Example: `  storages cat s3://my-bucket/config/app.json | jq .
  storages cat media:a.txt media:b.txt > both.txt`,
		Args: args(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.eachObject(cmd.Context(), args, func(_ int, t *target) error { return a.cat(cmd.Context(), t) })
		},
	}
}

// eachObject resolves each argument to an existing object's name (not -,
// not a directory) and calls fn with it, in order, stopping at the first
// error.
func (a *app) eachObject(ctx context.Context, args []string, fn func(i int, t *target) error) error {
	for i, arg := range args {
		t, err := a.resolve(ctx, arg, false)
		if err != nil {
			return err
		}
		if t.stdio || t.dirLike() {
			return fmt.Errorf("%s is a directory, not an object", t.display)
		}
		if err := fn(i, t); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) cat(ctx context.Context, t *target) error {
	r, err := t.st.Open(ctx, t.name)
	if err != nil {
		return t.wrap(err)
	}
	defer r.Close()
	if _, err := io.Copy(a.io.out, r); err != nil {
		return t.wrap(err)
	}
	return nil
}

// stat is the JSON form of an object's attributes.
type stat struct {
	Name               string            `json:"name"`
	Size               int64             `json:"size"`
	ModTime            time.Time         `json:"modTime"`
	ContentType        string            `json:"contentType,omitempty"`
	CacheControl       string            `json:"cacheControl,omitempty"`
	ContentDisposition string            `json:"contentDisposition,omitempty"`
	ContentEncoding    string            `json:"contentEncoding,omitempty"`
	ContentLanguage    string            `json:"contentLanguage,omitempty"`
	ETag               string            `json:"etag,omitempty"`
	MD5                string            `json:"md5,omitempty"`
	SHA256             string            `json:"sha256,omitempty"`
	CRC32C             string            `json:"crc32c,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

func (a *app) statCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stat NAME...",
		Short: "Show an object's attributes: size, time, headers, checksums, metadata",
		Example: `  storages stat s3://my-bucket/site/index.html
  storages stat --json media:avatars/me.png | jq .contentType`,
		Args: args(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.eachObject(cmd.Context(), args, func(i int, t *target) error {
				attrs, err := t.st.Stat(cmd.Context(), t.name)
				if err != nil {
					return t.wrap(err)
				}
				s := stat{
					Name: t.display, Size: attrs.Size, ModTime: attrs.ModTime, ContentType: attrs.ContentType,
					CacheControl: attrs.CacheControl, ContentDisposition: attrs.ContentDisposition,
					ContentEncoding: attrs.ContentEncoding, ContentLanguage: attrs.ContentLanguage, ETag: attrs.ETag,
					MD5: hex.EncodeToString(attrs.Checksums.MD5), SHA256: hex.EncodeToString(attrs.Checksums.SHA256),
					CRC32C: hex.EncodeToString(attrs.Checksums.CRC32C), Metadata: attrs.Metadata,
				}
				if a.jsonOut {
					return a.printJSON(s)
				}
				if i > 0 {
					fmt.Fprintln(a.io.out)
				}
				a.printStat(s)
				return nil
			})
		},
	}
}

func (a *app) printStat(s stat) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(a.io.out, "%-20s %s\n", k+":", v)
		}
	}
	line("Name", s.Name)
	line("Size", fmt.Sprint(s.Size))
	line("Modified", s.ModTime.UTC().Format(time.RFC3339))
	line("Content-Type", s.ContentType)
	line("Cache-Control", s.CacheControl)
	line("Content-Disposition", s.ContentDisposition)
	line("Content-Encoding", s.ContentEncoding)
	line("Content-Language", s.ContentLanguage)
	line("ETag", s.ETag)
	line("MD5", s.MD5)
	line("SHA256", s.SHA256)
	line("CRC32C", s.CRC32C)
	keys := make([]string, 0, len(s.Metadata))
	for k := range s.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		line("Metadata "+k, s.Metadata[k])
	}
}

func (a *app) urlCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "url NAME...",
		Short: "Print the public URL of objects (base_url of the storage; no request is made)",
		Long: `Print the public (CDN) URL of each object, as the storage builds it from its
base_url option and location. No request is made: the object need not exist.`,
		Example: `  storages url 's3://my-bucket/site/index.html?base_url=https://cdn.example.com/'
  storages url media:avatars/me.png`,
		Args: args(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, arg := range args {
				t, err := a.resolve(cmd.Context(), arg, true) // the object need not exist
				if err != nil {
					return err
				}
				if t.stdio {
					return usagef("url needs an object name, not -")
				}
				u, err := t.st.URL(t.name)
				if err != nil {
					return t.wrap(err)
				}
				if err := a.printURL(t, u, nil); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (a *app) printURL(t *target, u string, extra map[string]any) error {
	if !a.jsonOut {
		_, err := fmt.Fprintln(a.io.out, u)
		return err
	}
	rec := map[string]any{"name": t.display, "url": u}
	for k, v := range extra {
		rec[k] = v
	}
	return a.printJSON(rec)
}

// parseAt reads sign --at: an RFC 3339 time or a duration from now.
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(d), nil
	}
	return time.Time{}, usagef("--at must be an RFC 3339 time or a duration from now (such as -1h), not %q", s)
}

func (a *app) signCommand() *cobra.Command {
	var (
		method, contentType, at string
		expires                 time.Duration
	)
	c := &cobra.Command{
		Use:   "sign [--method GET|PUT] [--expires DURATION] [--at TIME] [--content-type TYPE] NAME",
		Short: "Print a signed URL granting GET or PUT on an object until it expires",
		Long: `Print a URL that lets whoever holds it download (GET) or upload (PUT) the
object until it expires, signed by the storage (S3 SigV4, GCS V4, Azure SAS,
or the HMAC signer of a filesystem storage configured with secret_key_path
and sign_base_url). A PUT URL may be bound to a content type: the upload
must then send that Content-Type. --at signs as of another time than now
(RFC 3339, or a duration from now such as -1h): the URL is valid from then
for --expires, so every request of a time window can get the same, cacheable
URL (S3, Azure and HMAC signing; GCS signs as of now only).`,
		Example: `  storages sign --expires 1h s3://my-bucket/reports/2026.pdf
  storages sign --method PUT --content-type image/png media:avatars/new.png
  curl -X PUT -H 'Content-Type: image/png' --data-binary @me.png "$(storages sign --method PUT --content-type image/png media:avatars/me.png)"`,
		Args: args(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := map[string]string{"GET": "GET", "get": "GET", "PUT": "PUT", "put": "PUT"}[method]
			if m == "" {
				return usagef("--method must be GET or PUT, not %q", method)
			}
			if expires < 0 {
				return usagef("--expires must not be negative")
			}
			if contentType != "" && m != "PUT" {
				return usagef("--content-type applies to --method PUT only")
			}
			t, err := a.resolve(cmd.Context(), args[0], true) // the object need not exist
			if err != nil {
				return err
			}
			if t.stdio || t.dirLike() {
				return usagef("sign needs an object name")
			}
			if expires == 0 {
				expires = storage.DefaultSignExpiry
			}
			ctx, from := cmd.Context(), time.Now()
			if at != "" {
				if from, err = parseAt(at); err != nil {
					return err
				}
				ctx = storage.WithSignTime(ctx, from)
			}
			u, err := t.st.SignedURL(ctx, t.name, storage.SignOptions{Method: m, Expiry: expires, ContentType: contentType})
			if err != nil {
				return t.wrap(err)
			}
			return a.printURL(t, u, map[string]any{"method": m, "expires": from.Add(expires).UTC().Format(time.RFC3339)})
		},
	}
	c.Flags().StringVarP(&method, "method", "X", "GET", "HTTP method the URL grants: GET or PUT")
	c.Flags().DurationVarP(&expires, "expires", "e", storage.DefaultSignExpiry, "how long the URL stays valid (such as 90s, 15m, 24h)")
	c.Flags().StringVar(&contentType, "content-type", "", "for PUT: the Content-Type the upload must carry")
	c.Flags().StringVar(&at, "at", "", "sign as of TIME (RFC 3339, or a duration from now such as -1h) instead of now")
	c.RegisterFlagCompletionFunc("method", cobra.FixedCompletions([]string{"GET", "PUT"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}
