package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
)

func (a *app) lsCommand() *cobra.Command {
	var long, recursive bool
	c := &cobra.Command{
		Use:   "ls [-l] [-R] [NAME...]",
		Short: "List objects (one level by default), or the configured storages",
		Long: `List the objects under each NAME, one directory level by default
(deeper levels show as directories ending in /), recursively with -R.
Names are shown relative to NAME. A NAME that is an object shows that object.
Without NAME, list the storages the configuration names.

With -l, each line also shows the size in bytes, the modification time (UTC)
and the content type (one stat per object, --jobs at a time).`,
		Example: `  storages ls s3://my-bucket/
  storages ls -l media:avatars/
  storages ls -R --json gs://my-bucket/site/ | jq -r .name
  storages ls            # the configured storages`,
		Args: args(0, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return a.lsConfigured()
			}
			var errs []error
			for _, arg := range args {
				if err := a.ls(cmd.Context(), arg, long, recursive, len(args) > 1); err != nil {
					if len(args) == 1 {
						return err
					}
					fmt.Fprintf(a.io.err, "storages ls: %s\n", oneLine(err.Error()))
					errs = append(errs, err)
				}
			}
			if len(errs) > 0 {
				return fmt.Errorf("%d of %d names failed", len(errs), len(args))
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&long, "long", "l", false, "show size, modification time and content type")
	c.Flags().BoolVarP(&recursive, "recursive", "R", false, "list every level")
	return c
}

func (a *app) lsConfigured() error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	for _, n := range cfg.Names() {
		if a.jsonOut {
			if err := a.printJSON(map[string]any{"storage": n, "url": cfg.Describe(n)}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(a.io.out, "%s:\t%s\n", n, cfg.Describe(n))
	}
	return nil
}

// listed is one line of ls.
type listed struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	Dir         bool      `json:"dir,omitempty"`
	Size        int64     `json:"size"`
	ModTime     time.Time `json:"modTime,omitzero"`
	ETag        string    `json:"etag,omitempty"`
	ContentType string    `json:"contentType,omitempty"`

	key string // the name in the storage
}

func (a *app) ls(ctx context.Context, arg string, long, recursive, header bool) error {
	t, err := a.resolve(ctx, arg, false)
	if err != nil {
		return err
	}
	if t.stdio {
		return usagef("ls cannot list -")
	}
	if header && !a.jsonOut {
		fmt.Fprintf(a.io.out, "%s:\n", t.display)
	}
	prefix := t.name
	if !t.dirLike() {
		if !t.local {
			// A remote name without "/" may be a directory: list it as one.
			n, err := a.lsPrefix(ctx, t, t.name+"/", long, recursive)
			if err != nil || n > 0 {
				return err
			}
		}
		attrs, err := t.st.Stat(ctx, t.name)
		if err != nil {
			return t.wrap(err)
		}
		e := listed{Name: baseName(t.name), Path: t.display, Size: attrs.Size, ModTime: attrs.ModTime, ETag: attrs.ETag, ContentType: attrs.ContentType}
		return a.printListed([]listed{e}, long)
	}
	_, err = a.lsPrefix(ctx, t, prefix, long, recursive)
	return err
}

func baseName(n string) string {
	return n[strings.LastIndex(n, "/")+1:]
}

// lsPrefix prints the entries under prefix and returns how many there were.
// It streams in chunks, so a huge listing is never held in memory.
func (a *app) lsPrefix(ctx context.Context, t *target, prefix string, long, recursive bool) (int, error) {
	const chunk = 256
	var (
		batch []listed
		n     int
	)
	flush := func() error {
		if long {
			a.statAll(ctx, t, batch)
		}
		err := a.printListed(batch, long)
		batch = batch[:0]
		return err
	}
	for e, err := range t.st.List(ctx, prefix, storage.ListOptions{OneLevel: !recursive}) {
		if err != nil {
			return n, t.wrap(err)
		}
		n++
		batch = append(batch, listed{key: e.Name, Name: strings.TrimPrefix(e.Name, prefix), Path: t.object(e.Name), Dir: e.IsDir, Size: e.Size, ModTime: e.ModTime, ETag: e.ETag})
		if len(batch) == chunk {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

// statAll fills in the content types of a batch, --jobs at a time.
func (a *app) statAll(ctx context.Context, t *target, batch []listed) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, a.workers())
	for i := range batch {
		if batch[i].Dir {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if attrs, err := t.st.Stat(ctx, batch[i].key); err == nil {
				batch[i].ContentType = attrs.ContentType
			} else if !errors.Is(err, storage.ErrNotExist) {
				batch[i].ContentType = "?"
			}
		}()
	}
	wg.Wait()
}

func (a *app) printListed(batch []listed, long bool) error {
	for _, e := range batch {
		if a.jsonOut {
			if err := a.printJSON(e); err != nil {
				return err
			}
			continue
		}
		if !long {
			fmt.Fprintln(a.io.out, e.Name)
			continue
		}
		if e.Dir {
			fmt.Fprintf(a.io.out, "%12s  %-20s  %-24s  %s\n", "-", "-", "directory", e.Name)
			continue
		}
		fmt.Fprintf(a.io.out, "%12d  %-20s  %-24s  %s\n", e.Size, e.ModTime.UTC().Format(time.RFC3339), e.ContentType, e.Name)
	}
	return nil
}
