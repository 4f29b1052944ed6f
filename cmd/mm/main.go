// Command mm is the command line of the Mina meddelanden SDK, for people and
// programs that do not write Go: verify a delivery's signatures, look
// recipients up, send, plan mailings, and run the fake infrastructure.
//
//	mm verify --trust ca.pem request.xml
//
// Run "mm help" for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it parses its own flags from args, writes to
// stdout and stderr, and returns the exit status.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// Exit statuses shared by the commands.
const (
	exitOK      = 0
	exitFailed  = 1 // the thing checked or attempted failed
	exitUsage   = 2 // the command line was wrong
	exitTrouble = 3 // something outside went wrong (files, network)
)

// commands holds every subcommand; each registers itself from its own file
// with register, so that commands can be added without touching this one.
var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int) {
	commands[name] = command{summary, run}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mm: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "mm — the Mina meddelanden SDK on the command line\n\nUsage: mm <command> [flags] [arguments]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"mm <command> -h\" for a command's flags.")
}
