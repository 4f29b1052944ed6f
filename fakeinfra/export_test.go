package fakeinfra

import "github.com/avsandare/mm/internal/testpki"

// CAOf hands this package's tests the fake's certificate authority, for
// certificates Issue does not make (other key types).
func CAOf(i *Infra) *testpki.CA { return i.pki.ca }
