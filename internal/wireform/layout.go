package wireform

import (
	"fmt"

	"github.com/avsandare/mm/message"
)

// Prefix binds a namespace to the prefix the wire form writes it with.
type Prefix struct {
	Name      string
	Namespace string
}

// Layout is a set of prefixes a request is written with. It is immutable
// and safe for concurrent use.
type Layout struct {
	prefixes []Prefix
	index    map[string]int // namespace → position in prefixes
	soap     int
	longest  int // length of the longest prefix name
	declLen  int // length of every declaration together
}

// NewLayout returns a layout of the given prefixes. Each prefix and each
// namespace may appear once, and the SOAP 1.1 envelope namespace must be
// among them.
func NewLayout(prefixes []Prefix) (*Layout, error) {
	l := &Layout{prefixes: append([]Prefix(nil), prefixes...), index: map[string]int{}, soap: -1}
	names := map[string]bool{}
	for i, p := range l.prefixes {
		if !isNCName(p.Name) || p.Name == "xml" || p.Name == "xmlns" {
			return nil, fmt.Errorf("wireform: prefix %q is not a usable prefix name", p.Name)
		}
		if p.Namespace == "" || !isPlainURI(p.Namespace) {
			return nil, fmt.Errorf("wireform: prefix %q: namespace %q must be a URI without characters to escape", p.Name, p.Namespace)
		}
		if names[p.Name] {
			return nil, fmt.Errorf("wireform: prefix %q appears twice", p.Name)
		}
		if _, dup := l.index[p.Namespace]; dup {
			return nil, fmt.Errorf("wireform: namespace %q appears twice", p.Namespace)
		}
		names[p.Name] = true
		l.index[p.Namespace] = i
		l.longest = max(l.longest, len(p.Name))
		l.declLen += len(` xmlns:="`) + len(p.Name) + len(p.Namespace) + 1
		if p.Namespace == message.NSSOAP {
			l.soap = i
		}
	}
	if l.soap < 0 {
		return nil, fmt.Errorf("wireform: no prefix for the SOAP envelope namespace %s", message.NSSOAP)
	}
	return l, nil
}

// readable is the layout the SDK sends with: the short names SPEC §3 reads
// the namespaces by.
var readable = mustLayout([]Prefix{
	{"soap", message.NSSOAP},
	{"svc3", message.NSServiceV3},
	{"msg3", message.NSMessageV3},
	{"msg2", message.NSMessageV2},
	{"msg", message.NSMessage},
	{"snd", message.NSSender},
	{"ofm3", message.NSOfficialMatterV3},
	{"nf3", message.NSNotificationV3},
	{"nf2", message.NSNotificationV2},
	{"ds", message.NSDSig},
})

// Readable is the layout of every request the SDK sends: soap, svc3, msg3,
// msg2, msg, snd, ofm3, nf3, nf2 and ds, as SPEC §3 names the namespaces
// (the reasons are in package sign's documentation).
func Readable() *Layout { return readable }

func mustLayout(p []Prefix) *Layout {
	l, err := NewLayout(p)
	if err != nil {
		panic(err) // a constant table
	}
	return l
}

// isNCName reports whether s is an ASCII XML name without a colon, which
// is all a prefix of this package needs to be.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// isPlainURI reports whether s can be written as an attribute value as it
// is: printable ASCII without &, <, " or white space.
func isPlainURI(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '&' || c == '<' || c == '"' {
			return false
		}
	}
	return true
}
