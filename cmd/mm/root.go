package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const rootLong = `mm — the Mina meddelanden SDK on the command line: check a sender before going
live, look recipients up in FaR, send one message or a large mailing, verify a
delivery's signatures or a proof bundle, watch a mailing in its journal, and run
the fake infrastructure for tests in any language.

Flags go anywhere on the line, before or after the arguments; "--" ends them.
Every command takes -h/--help; "mm help CMD" says the same.

Output: text for people on stdout, messages on stderr. With --json, a command
prints JSON on stdout with camelCase keys: one document, or — for the commands
that list one thing per input (lookup, mailing report) — JSON Lines, one
object per line. Each command's help shows its shape.

` + exitContract

// newRoot makes the command tree, writing to e.
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:               "mm",
		Short:             "the Mina meddelanden SDK on the command line",
		Long:              rootLong,
		Version:           version(),
		Args:              cobra.ArbitraryArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		DisableAutoGenTag: true, // the reference pages stay the same from run to run
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			// No command: the usage, as a mistake.
			fmt.Fprint(e.stderr, cmd.UsageString())
			return exitStatus(exitUsage)
		},
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("mm {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	root.SetHelpCommand(helpCommand())
	for _, newCommand := range commands {
		root.AddCommand(newCommand(e))
	}
	root.InitDefaultCompletionCmd()
	return root
}

// version is the module's version and revision from the build info:
// "v1.4.0" for an installed release, "(devel)" with the commit for a build
// in a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			v += " " + s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v + ", " + bi.GoVersion
}

// helpCommand is "mm help [CMD...]": the command's help on stdout, exit
// 0; a command that does not exist is a usage error (cobra's own help
// command prints the top-level help and exits 0).
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command",
		Long:  "Help shows the help of a command: mm help send, mm help mailing report.",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, _, err := cmd.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, c := range parent.Commands() {
				if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			return target.Help()
		},
	}
}

// unknownCommand is the error for a command name parent does not have,
// with the names it may have meant.
func unknownCommand(parent *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, parent.CommandPath())
	if parent.SuggestionsMinimumDistance <= 0 {
		parent.SuggestionsMinimumDistance = 2
	}
	if s := parent.SuggestionsFor(name); len(s) > 0 {
		msg += " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return &usageError{msg}
}

// usageHint reports a mistake on the command line in at most three lines:
// what is wrong, and where to read more.
func usageHint(w io.Writer, cmd *cobra.Command, err error) {
	if cmd == nil {
		fmt.Fprintf(w, "mm: %v\n", err)
		return
	}
	msg := err.Error()
	if flag, ok := strings.CutPrefix(msg, "unknown flag: "); ok {
		if s := similarFlag(cmd, flag); s != "" {
			msg += " (did you mean " + s + "?)"
		}
	}
	fmt.Fprintf(w, "%s: %s\n", cmd.CommandPath(), oneLine(msg))
	fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// similarFlag returns the flag of cmd closest to the unknown one given
// ("--suport-text"), or "" when none is close.
func similarFlag(cmd *cobra.Command, given string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(given, "-"), "=")
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := distance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = "--"+f.Name, d
		}
	})
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// dashes rewrites the single-dash long flags of Go's flag package
// ("-json", "-trust=ca.pem"), which earlier versions of mm took and
// scripts may still pass, into the double-dash form pflag takes, for the
// flags of the command args name. Values of flags are left alone, and so
// is everything after "--".
func dashes(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	flags := cmd.Flags()
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		isLong := strings.HasPrefix(a, "--")
		if !isLong && len(a) > 2 && a[0] == '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if flags.Lookup(name) != nil {
				a, isLong = "-"+a, true
			}
		}
		out = append(out, a)
		if !isLong || strings.Contains(a, "=") {
			continue
		}
		// A flag that takes a value without "=" takes the next argument.
		if f := flags.Lookup(a[2:]); f != nil && f.NoOptDefVal == "" && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

var errNoSubcommand = errors.New("a subcommand is needed")

// group makes a command that only holds subcommands ("mm mailing", "mm
// fake"): run without one, or with one it does not have, it says so and
// exits with exitUsage.
func group(use, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "help" {
				return cmd.Help() // "mm mailing help", as "mm help mailing"
			}
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			names := []string{}
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name())
				}
			}
			return usagef("%v: %s", errNoSubcommand, strings.Join(names, ", "))
		},
	}
}
