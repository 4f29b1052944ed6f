package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// connFlags are the flags every command that talks to the infrastructure
// shares: where, as whom, trusting what.
type connFlags struct {
	env, farURL             string
	p12, passwordEnv        string
	certPEM, keyPEM, caFile string
	sender, senderName      string
	localNets               networksFlag
}

// connHelp is what the help of every command that takes the connection
// flags says of them.
const connHelp = `Connection flags: where FaR is (--env test|production, or --far URL: FaR's base
URL, from which …/Recipient/v3 and …/Authority are derived, or the Recipient v3
URL itself); as whom (--cert FILE.p12 with --password-env VAR, or --cert-pem and
--key-pem); trusting what (--ca CA.pem, default the system's roots). --sender
defaults to the organisation number in the certificate; an intermediary names
the sender it acts for.`

func (c *connFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&c.env, "env", "", "preset endpoints: `test` or production")
	fs.StringVar(&c.farURL, "far", "", "FaR base `URL` (…/Recipient/v3 and …/Authority are derived), or the Recipient v3 URL itself")
	fs.StringVar(&c.p12, "cert", "", "the organisation certificate and key as PKCS#12 (.p12/.pfx) `FILE`")
	fs.StringVar(&c.passwordEnv, "password-env", "", "name of the environment `VARIABLE` holding the PKCS#12 password")
	fs.StringVar(&c.certPEM, "cert-pem", "", "the organisation certificate chain as PEM `FILE` (instead of --cert)")
	fs.StringVar(&c.keyPEM, "key-pem", "", "its private key as PEM `FILE`")
	fs.StringVar(&c.caFile, "ca", "", "PEM `FILE` of the CA certificates to trust (default: the system's)")
	fs.StringVar(&c.sender, "sender", "", "the sender's organisation number `ORGNR` (default: the certificate's)")
	fs.StringVar(&c.senderName, "sender-name", "", "the sender's `NAME`, as recipients see it")
	fs.Var(&c.localNets, "allow-local-network", "a loopback, link-local or private `NETWORK` (CIDR, or one address) operators may be reached in, such as a fake's 127.0.0.1 (repeatable); refused otherwise")
	_ = cmd.RegisterFlagCompletionFunc("env", cobra.FixedCompletions([]string{"test", "production"}, cobra.ShellCompDirectiveNoFileComp))
	for _, name := range []string{"cert", "cert-pem", "key-pem", "ca"} {
		_ = cmd.MarkFlagFilename(name)
	}
}

// config is the Sender's configuration the flags describe; withFaR also
// resolves the endpoints (a dry run contacts nothing and needs none).
func (c *connFlags) config(withFaR bool) (cfg sdk.Config, err error) {
	if cfg.Signer, err = c.signer(); err != nil {
		return cfg, err
	}
	if cfg.Sender, err = c.senderOf(cfg.Signer); err != nil {
		return cfg, err
	}
	if cfg.Roots, err = c.roots(); err != nil {
		return cfg, err
	}
	cfg.AllowLocalOperatorNetworks = c.localNets
	if withFaR {
		cfg.FaR, err = c.endpoints()
	}
	return cfg, err
}

// networksFlag collects network prefixes; a bare address is a network of
// one.
type networksFlag []netip.Prefix

func (n *networksFlag) String() string {
	parts := make([]string, len(*n))
	for i, p := range *n {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// Type names the value in pflag's messages.
func (n *networksFlag) Type() string { return "network" }

var _ pflag.Value = (*networksFlag)(nil)

func (n *networksFlag) Set(v string) error {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		ip, ierr := netip.ParseAddr(v)
		if ierr != nil {
			return fmt.Errorf("%q is neither a network (127.0.0.1/32) nor an address", v)
		}
		p = netip.PrefixFrom(ip, ip.BitLen())
	}
	*n = append(*n, p.Masked())
	return nil
}

// endpoints resolves --env and --far.
func (c *connFlags) endpoints() (far.Endpoints, error) {
	switch {
	case c.farURL != "" && c.env != "":
		return far.Endpoints{}, errors.New("give --far or --env, not both")
	case c.farURL != "":
		return farEndpoints(c.farURL), nil
	case c.env == "test":
		return far.Test(), nil
	case c.env == "production":
		return far.Production(), nil
	case c.env != "":
		return far.Endpoints{}, fmt.Errorf("--env %q: want test or production", c.env)
	}
	return far.Endpoints{}, errors.New("where is FaR? give --env test|production or --far URL")
}

// farEndpoints derives both services from a base URL, or from the
// Recipient v3 URL.
func farEndpoints(u string) far.Endpoints {
	base := strings.TrimSuffix(u, "/")
	base = strings.TrimSuffix(base, "/Recipient/v3")
	return far.Endpoints{Recipient: base + "/Recipient/v3", Authority: base + "/Authority"}
}

// signer loads the organisation certificate. The PKCS#12 password comes
// from the environment variable --password-env names, never from a flag
// (flags show in process lists).
func (c *connFlags) signer() (*sign.Signer, error) {
	switch {
	case c.p12 != "" && (c.certPEM != "" || c.keyPEM != ""):
		return nil, errors.New("give --cert or --cert-pem/--key-pem, not both")
	case c.p12 != "":
		data, err := os.ReadFile(c.p12)
		if err != nil {
			return nil, fmt.Errorf("--cert: %w", err)
		}
		if kinds := pemKinds(data); kinds != "" {
			return nil, fmt.Errorf("--cert %s holds PEM (%s), not PKCS#12: give the certificate chain with --cert-pem and its private key with --key-pem", c.p12, kinds)
		}
		password := ""
		if c.passwordEnv != "" {
			var ok bool
			if password, ok = os.LookupEnv(c.passwordEnv); !ok {
				return nil, fmt.Errorf("--password-env: the environment variable %s is not set", c.passwordEnv)
			}
		}
		signer, err := sign.LoadPKCS12(data, password)
		switch {
		case err == nil:
			return signer, nil
		case !strings.Contains(err.Error(), "asn1: "):
			return nil, fmt.Errorf("--cert %s (PKCS#12, .p12/.pfx): %w", c.p12, err)
		}
		// Not PKCS#12 at all: the decoder's structure dump helps nobody.
		if _, cerr := x509.ParseCertificate(data); cerr == nil {
			return nil, fmt.Errorf("--cert %s holds a DER certificate, not PKCS#12: give the certificate chain as PEM with --cert-pem and its private key with --key-pem", c.p12)
		}
		return nil, fmt.Errorf("--cert %s is not a PKCS#12 file (.p12/.pfx): it does not decode as one", c.p12)
	case c.certPEM != "" && c.keyPEM != "":
		cert, err := os.ReadFile(c.certPEM)
		if err != nil {
			return nil, fmt.Errorf("--cert-pem: %w", err)
		}
		key, err := os.ReadFile(c.keyPEM)
		if err != nil {
			return nil, fmt.Errorf("--key-pem: %w", err)
		}
		s, err := sign.LoadPEM(cert, key)
		if err != nil {
			return nil, fmt.Errorf("--cert-pem and --key-pem: %w", err)
		}
		return s, nil
	case c.certPEM != "" || c.keyPEM != "":
		return nil, errors.New("--cert-pem and --key-pem go together")
	}
	return nil, errors.New("no certificate: give --cert FILE.p12 (with --password-env VAR) or --cert-pem and --key-pem")
}

// pemKinds lists the types of the PEM blocks in data ("CERTIFICATE,
// PRIVATE KEY"), or "" when it holds none: a PKCS#12 file is binary DER.
func pemKinds(data []byte) string {
	var kinds []string
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil && len(kinds) == 0 && bytes.Contains(data, []byte("-----BEGIN ")) {
			return "a PEM block that does not decode"
		}
		if b == nil {
			return strings.Join(kinds, ", ")
		}
		if !slices.Contains(kinds, b.Type) {
			kinds = append(kinds, b.Type)
		}
	}
}

// roots reads --ca, or returns the system's roots.
func (c *connFlags) roots() (*x509.CertPool, error) {
	if c.caFile == "" {
		return nil, nil
	}
	return loadRoots("--ca", []string{c.caFile})
}

// senderOf is the sender to send as: --sender, or the certificate's.
func (c *connFlags) senderOf(s *sign.Signer) (message.Sender, error) {
	org := s.OrgNumber()
	if c.sender != "" {
		var err error
		if org, err = message.ParseOrgNumber(c.sender); err != nil {
			return message.Sender{}, fmt.Errorf("--sender: %w", err)
		}
	}
	name := c.senderName
	if name == "" {
		if o := s.Certificate().Subject.Organization; len(o) > 0 {
			name = o[0]
		} else {
			name = s.Certificate().Subject.CommonName
		}
	}
	return message.Sender{ID: org, Name: name}, nil
}
