package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// noArgs refuses positional arguments, naming the first.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q: %s takes flags only", args[0], cmd.CommandPath())
	}
	return nil
}

// oneArg wants exactly one positional argument, described by what.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("want one argument, %s; got %d", what, len(args))
		}
		return nil
	}
}

// writeJSON writes v as one JSON document, indented by two spaces: the
// form of every --json output that is not a list (see jsonLines).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// shellQuote quotes a path for a command line the user may paste: as it
// is when it holds nothing a shell reads, in single quotes otherwise.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:+@%=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// exitSection is the end of a command's help: its own exit statuses, in
// the terms of the contract mm help states.
func exitSection(lines ...string) string {
	return "\n\nExit status (see mm help):\n  " + strings.Join(lines, "\n  ")
}

// say prints a message of a command on stderr, prefixed by its path.
func say(cmd *cobra.Command, format string, a ...any) {
	fmt.Fprintf(cmd.ErrOrStderr(), cmd.CommandPath()+": "+format+"\n", a...)
}
