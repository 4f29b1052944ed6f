package xmltok

import "encoding/xml"

// Most documents use a few names, namespace names and attribute values
// many times over, and every token returned as an xml.Token costs an
// allocation to box. The caches below keep what was made last for each
// slot of a small direct-mapped table, so that repeats cost a comparison
// instead of an allocation. A miss replaces the slot: memory stays bounded
// however many distinct names a hostile document uses, and no lookup
// costs more than hashing a few bytes and one comparison.

const (
	cacheBits = 7
	cacheSets = 1 << cacheBits
)

// slot picks the cache set for b from its length and four of its bytes:
// enough to tell apart the names of real documents, and cheap.
func slot[T string | []byte](b T) int {
	n := len(b)
	if n == 0 {
		return 0
	}
	h := uint64(n) | uint64(b[0])<<8 | uint64(b[n-1])<<16 | uint64(b[n/2])<<24 | uint64(b[n/4])<<32
	return int(h * 0x9E3779B97F4A7C15 >> (64 - cacheBits))
}

// stringCache holds strings made from input bytes, two per set, the more
// recently used first: with two ways, names only evict each other when
// three of them meet in one set.
type stringCache [cacheSets][2]string

// get returns b as a string, made again only on a miss.
func (c *stringCache) get(b []byte) string {
	set := &c[slot(b)]
	switch string(b) { // compiles to comparisons, not a conversion
	case set[0]:
	case set[1]:
		set[0], set[1] = set[1], set[0]
	default:
		set[1], set[0] = set[0], string(b)
	}
	return set[0]
}

// tokenCache holds boxed tokens: end tags, start tags without attributes
// and short runs of white space, as they recur in indented documents.
// Sharing one boxed value between returns is invisible to callers, who can
// only copy it out; an empty Attr slice and clipped CharData have no
// capacity to be appended into.
type tokenCache struct {
	end   [cacheSets]xml.Token
	start [cacheSets]xml.Token
	space [cacheSets]xml.Token
}

func nameSlot(n xml.Name) int {
	return (slot(n.Local) + len(n.Space)) & (cacheSets - 1)
}

func (c *tokenCache) endElement(n xml.Name) xml.Token {
	e := &c.end[nameSlot(n)]
	if t, ok := (*e).(xml.EndElement); !ok || t.Name != n {
		*e = xml.EndElement{Name: n}
	}
	return *e
}

func (c *tokenCache) startElement(n xml.Name) xml.Token {
	e := &c.start[nameSlot(n)]
	if t, ok := (*e).(xml.StartElement); !ok || t.Name != n {
		*e = xml.StartElement{Name: n, Attr: []xml.Attr{}}
	}
	return *e
}

// charData returns text, which must not need decoding, as a token.
func (c *tokenCache) charData(text []byte) xml.Token {
	e := &c.space[slot(text)]
	if t, ok := (*e).(xml.CharData); !ok || string(t) != string(text) {
		*e = xml.CharData(text)
	}
	return *e
}

// intern returns the name b as a string.
func (d *Decoder) intern(b []byte) string { return d.names.get(b) }

// valueString converts an attribute value. Short values go through a cache
// of their own (namespace names and enumerated values repeat as names do);
// long ones rarely repeat.
func (d *Decoder) valueString(v []byte) string {
	if len(v) <= 64 {
		return d.values.get(v)
	}
	return string(v)
}
