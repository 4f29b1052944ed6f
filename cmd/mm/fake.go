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
	"syscall"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/safetext"
)

func init() {
	register("fake", "run the fake infrastructure as a server, for tests in any language", runFake)
}

const fakeServeFlags = "[--dump FILE] [--config FILE] [--dir DIR] [--password PW] [--listen HOST:PORT] [--json]"

// runFake serves until a signal that can be caught ends it: SIGINT,
// SIGTERM, SIGHUP (the terminal closed) or SIGQUIT. Each stops it the same
// way, so that the temporary folder with the keys is removed.
func runFake(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	return fakeCommand(ctx, args, stdout, stderr)
}

// fakeCommand serves until ctx ends: tests cancel it, runFake ties it to
// the signals.
func fakeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintf(stderr, "Usage: mm fake serve %s\n\nRun \"mm fake serve -h\" for the flags.\n", fakeServeFlags)
		return exitUsage
	}
	fs := newFlagSet("fake serve", fakeServeFlags, stderr)
	configFile := fs.String("config", "", "JSON file describing recipients, senders, intermediaries, operators and faults (see fakeinfra/testdata/example-config.json)")
	dir := fs.String("dir", "", "directory to write the CA certificate and the client credentials to, replacing files (and symbolic links) of the same names (default: a temporary directory, removed on exit)")
	password := fs.String("password", "", "password of the PKCS#12 files (default: a random one, printed)")
	listen := fs.String("listen", "", "host:port for FaR, the operators taking the ports after it; host localhost, 127.0.0.1 or ::1 (default: random loopback ports)")
	asJSON := fs.Bool("json", false, "print the endpoints and files as JSON")
	dump := fs.String("dump", "", "on stopping, write what the operators stored (message IDs, operators) and the repeats they refused, as JSON, to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	cfg := &fakeinfra.Config{}
	if *configFile != "" {
		data, err := os.ReadFile(*configFile)
		if err != nil {
			fmt.Fprintln(stderr, "mm fake serve:", err)
			return exitTrouble
		}
		if cfg, err = fakeinfra.ParseConfig(data); err != nil {
			fmt.Fprintf(stderr, "mm fake serve: %s: %v\n", *configFile, err)
			return exitUsage
		}
	}
	var opts []fakeinfra.Option
	if *listen != "" {
		opts = append(opts, fakeinfra.WithListen(*listen))
	}
	infra, err := fakeinfra.NewFromConfig(cfg, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "mm fake serve:", err)
		if _, ok := errors.AsType[*fakeinfra.ConfigError](err); ok {
			return exitUsage
		}
		return exitTrouble
	}
	defer infra.Close()

	if *dir == "" {
		tmp, err := os.MkdirTemp("", "mm-fake-")
		if err != nil {
			fmt.Fprintln(stderr, "mm fake serve:", err)
			return exitTrouble
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	if *password == "" {
		*password = rand.Text()
	}
	out, err := writeFakeFiles(infra, *dir, *password)
	if err != nil {
		fmt.Fprintln(stderr, "mm fake serve:", err)
		return exitTrouble
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(out)
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
	if *dump != "" {
		if err := writeDump(*dump, infra); err != nil {
			fmt.Fprintln(stderr, "mm fake serve: --dump:", err)
			return exitTrouble
		}
	}
	fmt.Fprintln(stderr, "mm fake serve: stopped")
	return exitOK
}

// fakeDump is what --dump writes: the operators' records, for tests in
// other processes and languages to check against their own.
type fakeDump struct {
	Stored     []fakeStored `json:"stored"`
	Duplicates int          `json:"duplicates"`
}

type fakeStored struct {
	MessageID string `json:"message_id"`
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
	LocalNetworks []string       `json:"local_networks"`
	Dir           string         `json:"dir"`
	CA            string         `json:"ca"`
	Password      string         `json:"pkcs12_password"`
	Identities    []fakeIdentity `json:"identities"`
}

type fakeFaR struct {
	Recipient string `json:"recipient"`
	Authority string `json:"authority"`
}

type fakeOperator struct {
	Name           string `json:"name"`
	ID             string `json:"id"`
	DisplayName    string `json:"display_name"`
	ServiceAddress string `json:"service_address"`
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
	p("\nFiles in %s\n  CA certificate (trust it for the servers and for signatures)  %s\n", out.Dir, filepath.Base(out.CA))
	for _, id := range out.Identities {
		p("  %s %s %s\n    chain %s, key %s, PKCS#12 %s\n", id.Role, id.Org, clean(id.Name), filepath.Base(id.Cert), filepath.Base(id.Key), filepath.Base(id.PKCS12))
	}
	p("  PKCS#12 password: %s\n", out.Password)
	return err
}
