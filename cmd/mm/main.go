// Command mm is the command line of the Mina meddelanden SDK, for people and
// programs that do not write Go: check a sender before going live, look
// recipients up, send one message or a mailing, verify a delivery's
// signatures, watch a mailing, and run the fake infrastructure.
//
//	mm verify --trust ca.pem request.xml
//
// Run "mm help" for the commands, "mm help CMD" for one of them; the
// reference pages are in docs/cli.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// env is where a command reads and writes: the process's standard streams,
// or a test's buffers.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands holds the constructors of the top-level commands; each file
// adds its own with register, so that a command is added without touching
// this one.
var commands []func(e *env) *cobra.Command

func register(newCommand func(e *env) *cobra.Command) {
	commands = append(commands, newCommand)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status. The tree of
// commands is made anew for each call, so that calls may run in parallel.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run with a context that ends the commands that serve
// (mm fake serve) when it ends.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &outWriter{w: stdout}
	e := &env{stdin: stdin, stdout: out, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(dashes(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	code := exitOK
	var st exitStatus
	switch {
	case err == nil:
	case errors.As(err, &st):
		code = int(st)
	default:
		// cobra's own errors, and usageError: the command line is wrong.
		usageHint(stderr, cmd, err)
		code = exitUsage
	}
	if out.err != nil && code == exitOK {
		fmt.Fprintf(stderr, "mm: writing the output: %v\n", out.err)
		code = exitTrouble
	}
	return code
}

// outWriter remembers the first error writing the standard output, so
// that a command whose output was lost does not exit 0.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}
