package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/cobra"
)

func init() { register(newFakeCommand) }

func newFakeCommand(e *env) *cobra.Command {
	cmd := group("fake", "run the fake infrastructure as a server, for tests in any language",
		`Fake runs the fake Mina meddelanden infrastructure (FaR, the Authority register
and mailbox operators, over mutual TLS on loopback) for tests in any language:

  serve  start it, print where it listens and where its credentials are, and
         serve until stopped`)
	cmd.AddCommand(newFakeServeCommand(e))
	return cmd
}

type fakeServeFlags struct {
	configFile, dir, password, listen, dump string
	asJSON                                  bool
}

var fakeServeLong = `Serve starts the fake infrastructure and serves until a signal stops it
(SIGINT, SIGTERM, SIGHUP or SIGQUIT; the temporary folder with the keys is
removed). It writes the CA certificate and every identity's chain, key and
PKCS#12 file to --dir, and prints the endpoints and the files.

Without --config, FaR knows the same demo recipients as mm send --fake:
` + demoList("  ") + `With --config FILE (JSON, see fakeinfra/testdata/example-config.json), the
recipients, senders, intermediaries, operators and faults are the file's.
Its keys are camelCase like every JSON of mm (displayName, accountType,
declinedByOperator, afterStore, operatorStrictness); the snake_case keys of
earlier versions (display_name, ...) are still read.

With --json, one document:
  {"far": {"recipient", "authority"}, "operators": [{"name", "id",
   "displayName", "serviceAddress"}], "localNetworks", "dir", "ca",
   "pkcs12Password", "recipients": [{"id", "about"}], "identities":
   [{"role", "org", "name", "cert", "key", "pkcs12"}]}
--dump FILE writes, on stopping, one document:
  {"stored": [{"messageId", "operator"}], "duplicates"}` + exitSection(
	"0  served, and stopped by a signal",
	"2  a wrong command line, or a --config file that cannot be read or is wrong",
	"3  the fake could not start (a port taken), or its files or --dump could not be written",
)

func newFakeServeCommand(e *env) *cobra.Command {
	var f fakeServeFlags
	cmd := &cobra.Command{
		Use:     "serve [flags]",
		Short:   "start the fake infrastructure and serve until stopped",
		Long:    fakeServeLong,
		Example: "  mm fake serve --dir creds --json\n  mm fake serve --config fake.json --listen 127.0.0.1:8443",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Each signal that can be caught stops it the same way, so
			// that the temporary folder with the keys is removed.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
			defer stop()
			return status(f.serve(ctx, e.stdout, e.stderr))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.configFile, "config", "", "JSON `FILE` describing recipients, senders, intermediaries, operators and faults (see fakeinfra/testdata/example-config.json; default: the demo recipients)")
	fs.StringVar(&f.dir, "dir", "", "`DIR` to write the CA certificate and the client credentials to, replacing files (and symbolic links) of the same names (default: a temporary directory, removed on exit)")
	fs.StringVar(&f.password, "password", "", "password of the PKCS#12 files (default: a random one, printed)")
	fs.StringVar(&f.listen, "listen", "", "`HOST:PORT` for FaR, the operators taking the ports after it; host localhost, 127.0.0.1 or ::1 (default: random loopback ports)")
	fs.BoolVar(&f.asJSON, "json", false, "print the endpoints and files as JSON")
	fs.StringVar(&f.dump, "dump", "", "on stopping, write what the operators stored (message IDs, operators) and the repeats they refused, as JSON, to this `FILE`")
	_ = cmd.MarkFlagFilename("config", "json")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

// serve serves until ctx ends.
func (f *fakeServeFlags) serve(ctx context.Context, stdout, stderr io.Writer) int {
	var opts []fakeinfra.Option
	if f.listen != "" {
		opts = append(opts, fakeinfra.WithListen(f.listen))
	}
	var infra *fakeinfra.Infra
	var recipients []fakeRecipient
	var err error
	if f.configFile == "" {
		infra, err = startDemoFake(opts...)
		for _, r := range demoRecipients {
			recipients = append(recipients, fakeRecipient{r.id, r.about})
		}
	} else {
		data, rerr := os.ReadFile(f.configFile)
		if rerr != nil {
			fmt.Fprintln(stderr, "mm fake serve: --config:", rerr)
			return exitUsage
		}
		cfg, perr := fakeinfra.ParseConfig(data)
		if perr != nil {
			fmt.Fprintf(stderr, "mm fake serve: --config %s: %v\n", f.configFile, perr)
			return exitUsage
		}
		for _, r := range cfg.Recipients {
			recipients = append(recipients, fakeRecipient{safetext.Clean(r.ID), configRecipientAbout(r)})
		}
		infra, err = fakeinfra.NewFromConfig(cfg, opts...)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mm fake serve:", err)
		if _, ok := errors.AsType[*fakeinfra.ConfigError](err); ok {
			return exitUsage
		}
		return exitTrouble
	}
	defer infra.Close()

	dir := f.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "mm-fake-")
		if err != nil {
			fmt.Fprintln(stderr, "mm fake serve:", err)
			return exitTrouble
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	password := f.password
	if password == "" {
		password = rand.Text()
	}
	out, err := writeFakeFiles(infra, dir, password)
	if err != nil {
		fmt.Fprintln(stderr, "mm fake serve:", err)
		return exitTrouble
	}
	out.Recipients = recipients
	if f.asJSON {
		err = writeJSON(stdout, out)
	} else {
		err = printFake(stdout, out)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mm fake serve:", err)
		return exitTrouble
	}
	fmt.Fprintln(stderr, "mm fake serve: serving; stop with Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT")
	<-ctx.Done()
	infra.Close()
	if f.dump != "" {
		if err := writeDump(f.dump, infra); err != nil {
			fmt.Fprintln(stderr, "mm fake serve: --dump:", err)
			return exitTrouble
		}
	}
	fmt.Fprintln(stderr, "mm fake serve: stopped")
	return exitOK
}

// configRecipientAbout says what the fake will do with a recipient of a
// --config file, as the banner lists it.
func configRecipientAbout(r fakeinfra.RecipientConfig) string {
	if r.Mailbox == "" {
		return "no mailbox: goes by paper"
	}
	about := "mailbox at " + safetext.Clean(r.Mailbox)
	switch {
	case r.Pending:
		about += ", registration pending: paper"
	case len(r.Rejects) > 0:
		about += ", turns away " + safetext.Clean(strings.Join(r.Rejects, ", "))
	case r.DeclinedByOperator:
		about += ", but the operator declines: paper"
	}
	return about
}

// fakeDump is what --dump writes: the operators' records, for tests in
// other processes and languages to check against their own.
type fakeDump struct {
	Stored     []fakeStored `json:"stored"`
	Duplicates int          `json:"duplicates"`
}

type fakeStored struct {
	MessageID string `json:"messageId"`
	Operator  string `json:"operator"`
}

func writeDump(path string, infra *fakeinfra.Infra) error {
	d := fakeDump{Duplicates: infra.Duplicates()}
	for _, m := range infra.Deliveries() {
		d.Stored = append(d.Stored, fakeStored{MessageID: m.Message.ID, Operator: m.Operator})
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return writeFile(path, b, 0o600)
}

// fakeOut is what the command prints: where the services listen and where
// the credentials are.
type fakeOut struct {
	FaR       fakeFaR        `json:"far"`
	Operators []fakeOperator `json:"operators"`
	// LocalNetworks are the operators' loopback addresses, which a sender
	// must allow (--allow-local-network) to deliver to them.
	LocalNetworks []string        `json:"localNetworks"`
	Dir           string          `json:"dir"`
	CA            string          `json:"ca"`
	Password      string          `json:"pkcs12Password"`
	Recipients    []fakeRecipient `json:"recipients"`
	Identities    []fakeIdentity  `json:"identities"`
}

// fakeRecipient is a recipient FaR knows, and what the fake does with a
// message to it.
type fakeRecipient struct {
	ID    string `json:"id"`
	About string `json:"about"`
}

type fakeFaR struct {
	Recipient string `json:"recipient"`
	Authority string `json:"authority"`
}

type fakeOperator struct {
	Name           string `json:"name"`
	ID             string `json:"id"`
	DisplayName    string `json:"displayName"`
	ServiceAddress string `json:"serviceAddress"`
}

type fakeIdentity struct {
	Role   string `json:"role"`
	Org    string `json:"org"`
	Name   string `json:"name"`
	Cert   string `json:"cert"`
	Key    string `json:"key"`
	PKCS12 string `json:"pkcs12"`
}

// writeFakeFiles writes the CA certificate and, for every identity, its
// chain and key in PEM and both in PKCS#12, named by role and organisation
// number ("sender-162021004748.pem"): an organisation may be a sender and
// an intermediary at once. Keys and PKCS#12 files end up 0600 and
// certificates 0644, whatever was at their paths before (writeFile).
func writeFakeFiles(infra *fakeinfra.Infra, dir, password string) (*fakeOut, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	eps := infra.FaR()
	out := &fakeOut{FaR: fakeFaR{eps.Recipient, eps.Authority}, Dir: dir, CA: filepath.Join(dir, "ca.pem"), Password: password}
	for _, name := range infra.Operators() {
		op, _ := infra.Operator(name)
		out.Operators = append(out.Operators, fakeOperator{name, string(op.ID), op.Name, op.ServiceAddress})
	}
	for _, n := range infra.LocalNetworks() {
		out.LocalNetworks = append(out.LocalNetworks, n.String())
	}
	if err := writeFile(out.CA, infra.CAPEM(), 0o644); err != nil {
		return nil, err
	}
	for _, id := range infra.Identities() {
		base := filepath.Join(dir, string(id.Role)+"-"+string(id.Org))
		fi := fakeIdentity{Role: string(id.Role), Org: string(id.Org), Name: id.Name, Cert: base + ".pem", Key: base + ".key", PKCS12: base + ".p12"}
		key, err := id.KeyPEM()
		if err != nil {
			return nil, err
		}
		p12, err := id.PKCS12(password)
		if err != nil {
			return nil, err
		}
		for _, f := range []struct {
			path string
			data []byte
			mode os.FileMode
		}{{fi.Cert, id.CertPEM(), 0o644}, {fi.Key, key, 0o600}, {fi.PKCS12, p12, 0o600}} {
			if err := writeFile(f.path, f.data, f.mode); err != nil {
				return nil, err
			}
		}
		out.Identities = append(out.Identities, fi)
	}
	return out, nil
}

// printFake shows out as text. The names come from the configuration
// file, which may hold anything: they are cleaned (safetext.Clean); the
// paths are the command's own.
func printFake(w io.Writer, out *fakeOut) error {
	var err error
	p := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	clean := safetext.Clean
	p("The fake Mina meddelanden infrastructure is running.\n\nFaR\n")
	p("  Recipient v3  %s\n  Authority     %s\n\nMailbox operators (ServiceAdress)\n", out.FaR.Recipient, out.FaR.Authority)
	for _, op := range out.Operators {
		p("  %-18s %s  %s\n", clean(op.Name), op.ID, op.ServiceAddress)
	}
	for _, n := range out.LocalNetworks {
		p("  (on loopback: a sender must allow it, as with --allow-local-network %s)\n", n)
	}
	if len(out.Recipients) == 0 {
		p("\nRecipients: none in FaR: every message goes by paper\n")
	} else {
		p("\nRecipients in FaR\n")
		for _, r := range out.Recipients {
			p("  %-14s %s\n", r.ID, r.About)
		}
	}
	p("\nFiles in %s\n  CA certificate (trust it for the servers and for signatures)  %s\n", out.Dir, filepath.Base(out.CA))
	for _, id := range out.Identities {
		p("  %s %s %s\n    chain %s, key %s, PKCS#12 %s\n", id.Role, id.Org, clean(id.Name), filepath.Base(id.Cert), filepath.Base(id.Key), filepath.Base(id.PKCS12))
	}
	p("  PKCS#12 password: %s\n", out.Password)
	return err
}
