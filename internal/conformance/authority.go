package conformance

import (
	"path/filepath"
	"testing"
)

// AuthorityXSD returns the path of contracts/authority/Authority-wrappers.xsd:
// the Authority service's wrappers (getSenders, getDispatchers,
// isSenderAccepted, their responses and the getSendersFault and
// getDispatchersFault details) in http://minameddelanden.gov.se/Authority,
// with unqualified return and arg0, on top of the official item types. It
// validates one element: a request, an answer, or a fault's detail
// element.
func AuthorityXSD(t testing.TB) string {
	t.Helper()
	return filepath.Join(SharedDir(t), "contracts", "authority", "Authority-wrappers.xsd")
}
