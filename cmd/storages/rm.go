package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/transfer"
)

func (a *app) rmCommand() *cobra.Command {
	var recursive, yes, verbose bool
	c := &cobra.Command{
		Use:   "rm [-r] [--yes] NAME...",
		Short: "Delete objects; with -r, everything under a directory or prefix",
		Long: `Delete each named object. With -r, delete every object under each NAME
(a directory or prefix). Before deleting more than one object, rm asks for
confirmation on the terminal; --yes skips the question. When standard input
is not a terminal and --yes is not given, rm refuses to delete more than one
object.`,
		Example: `  storages rm s3://my-bucket/tmp/upload.bin
  storages rm -r media:cache/
  storages rm -r --yes gs://my-bucket/build-1234/   # in scripts`,
		Args: args(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.rm(cmd.Context(), args, recursive, yes, verbose)
		},
	}
	c.Flags().BoolVarP(&recursive, "recursive", "r", false, "delete everything under NAME")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask before deleting more than one object")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each object as it is deleted")
	return c
}

type rmSet struct {
	t     *target
	names []string
}

func (a *app) rm(ctx context.Context, args []string, recursive, yes, verbose bool) error {
	var (
		sets  []rmSet
		total int
	)
	for _, arg := range args {
		t, err := a.resolve(ctx, arg, false)
		if err != nil {
			return err
		}
		if t.stdio {
			return usagef("rm cannot delete -")
		}
		var names []string
		if recursive && (t.dirLike() || !t.local) {
			for e, err := range t.st.List(ctx, t.prefix(), storage.ListOptions{}) {
				if err != nil {
					return t.wrap(err)
				}
				names = append(names, e.Name)
			}
		}
		if len(names) == 0 {
			if t.dirLike() {
				if !recursive {
					return fmt.Errorf("%s is a directory: use -r", t.display)
				}
				return fmt.Errorf("%s: nothing to delete (no object under it)", t.display)
			}
			ok, err := t.st.Exists(ctx, t.name)
			if err != nil {
				return t.wrap(err)
			}
			if !ok {
				return fmt.Errorf("%s: no such object", t.display)
			}
			names = []string{t.name}
		}
		sets = append(sets, rmSet{t, names})
		total += len(names)
	}
	if total > 1 && !yes {
		if err := a.confirm(fmt.Sprintf("Delete %d objects (%s)?", total, describeSets(sets)), "--yes"); err != nil {
			return err
		}
	}
	var res transfer.Result
	pr := a.newProgress(total, 0)
	for _, s := range sets {
		rep := &itemReporter{a: a, op: "delete", src: s.t, dst: s.t, verbose: verbose, next: pr.reporter()}
		r := transfer.Delete(ctx, s.t.st, s.names, transfer.Options{Concurrency: a.workers(), Progress: rep})
		res.Objects += r.Objects
		for _, e := range r.Errors {
			fmt.Fprintf(a.io.err, "storages rm: %s\n", oneLine(e.Error()))
		}
		res.Errors = append(res.Errors, r.Errors...)
	}
	pr.finish()
	for _, s := range sets {
		if s.t.local && s.t.isDir {
			os.Remove(s.t.root) // the directory itself, when now empty, as rm -r does
		}
	}
	return a.summarise("delete", total, res)
}

func describeSets(sets []rmSet) string {
	var parts []string
	for _, s := range sets {
		parts = append(parts, fmt.Sprintf("%d under %s", len(s.names), s.t.display))
	}
	return strings.Join(parts, ", ")
}

// confirm asks a yes/no question on the terminal; without a terminal on
// standard input it refuses.
func (a *app) confirm(question, flag string) error {
	if !isTerminal(a.io.in) {
		return fmt.Errorf("refusing: %s Standard input is not a terminal to ask; give %s", question, flag)
	}
	fmt.Fprintf(a.io.err, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.io.in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return fmt.Errorf("cancelled: nothing deleted")
}
