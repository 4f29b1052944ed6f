package fakeinfra

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"sync"

	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"software.sslmate.com/src/go-pkcs12"
)

// Role is what an organisation is to the fake's Authority register.
type Role string

// Roles of identities.
const (
	RoleSender       Role = "sender"
	RoleIntermediary Role = "intermediary"
)

// Identity is an organisation certificate the fake's CA issued — the
// default sender's, or one made by AddSender or AddIntermediary — with its
// key: what a client needs to connect to the fake and to sign. Clients in
// other processes get it as files ("mm fake serve" writes them).
type Identity struct {
	// Role is what the Authority register knows the organisation as; empty
	// for a certificate Issue made.
	Role Role
	Org  message.OrgNumber
	Name string
	// Signer holds the key and the chain (the certificate, then the CA).
	Signer *sign.Signer
}

// CertPEM is the certificate chain in PEM, the organisation certificate
// first and the CA after it.
func (id Identity) CertPEM() []byte {
	var out []byte
	for _, c := range id.Signer.Chain() {
		out = append(out, testpki.CertPEM(c)...)
	}
	return out
}

// KeyPEM is the private key in unencrypted PKCS#8 PEM.
func (id Identity) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(id.Signer.TLSCertificate().PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("fakeinfra: key of %s: %w", id.Org, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// PKCS12 is the key and the chain in a PKCS#12 file protected by password,
// made as current OpenSSL makes them (AES-256-CBC, PBKDF2, HMAC-SHA-256):
// the form organisation certificates are usually delivered in.
func (id Identity) PKCS12(password string) ([]byte, error) {
	chain := id.Signer.Chain()
	b, err := pkcs12.Modern2023.Encode(id.Signer.TLSCertificate().PrivateKey, chain[0], chain[1:], password)
	if err != nil {
		return nil, fmt.Errorf("fakeinfra: PKCS#12 of %s: %w", id.Org, err)
	}
	return b, nil
}

// Issue makes a new organisation certificate for org and name from the
// fake's CA, with its key, and registers nothing: a stranger the Authority
// register does not know, or a renewed certificate of an organisation it
// does (AddSender and AddIntermediary register organisations). Every call
// issues a fresh certificate.
func (i *Infra) Issue(org message.OrgNumber, name string) (Identity, error) {
	leaf, err := i.pki.ca.Org(string(org), name)
	if err != nil {
		return Identity{}, fmt.Errorf("fakeinfra: certificate for %s: %w", org, err)
	}
	s, err := sign.NewSigner(leaf.Key, leaf.Chain)
	if err != nil {
		return Identity{}, fmt.Errorf("fakeinfra: signer for %s: %w", org, err)
	}
	return Identity{Org: org, Name: name, Signer: s}, nil
}

// identities are the organisation certificates handed out, in the order
// first added.
type identities struct {
	mu   sync.Mutex
	list []Identity
}

// add records id, replacing an identity of the same organisation and role.
func (s *identities) add(id Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := slices.IndexFunc(s.list, func(o Identity) bool { return o.Org == id.Org && o.Role == id.Role })
	if k >= 0 {
		s.list[k] = id
		return
	}
	s.list = append(s.list, id)
}

// Identities lists the organisation certificates the fake handed out: the
// default sender's first, then those of AddSender and AddIntermediary in
// the order they were added.
func (i *Infra) Identities() []Identity {
	i.ids.mu.Lock()
	defer i.ids.mu.Unlock()
	return slices.Clone(i.ids.list)
}
