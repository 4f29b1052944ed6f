package xmltok

import (
	"bytes"
	"runtime"
	"testing"
	"time"
)

// seeds returns the documents every fuzz target starts from: the corpus of
// well-formed documents, the malformed ones, and fragments meant to be
// recombined.
func seeds() [][]byte {
	var out [][]byte
	for _, doc := range wellFormed {
		out = append(out, []byte(doc))
	}
	for _, m := range malformed {
		out = append(out, []byte(m.doc))
	}
	for _, s := range []string{
		"<a>\r</a>", "<a>]]]></a>", "<a>&#x10FFFF;&#1114111;</a>", "<a x='&#x20;'/>",
		"<!DOCTYPE a [<!ENTITY e '<!-- \"'><!-- -- -->]><a/>", "<!DOCTYPE a [<?pi '?>]>]><a/>",
		"<?xml version='1.0'?>\r\n<!--\r\n--><a/>", "<a\u00b7/>", "<\u0e01\u0e31/>",
		"<a><![CDATA[]]]]><![CDATA[>]]></a>", "<a xmlns:p='u'><p:b xmlns:p='v'/></a>",
		"<a>\xc2\x80\xef\xbf\xbd\xf0\x90\x80\x80</a>", "<a b='\t\r\n'>\t\r\n</a>",
	} {
		out = append(out, []byte(s))
	}
	return out
}

// FuzzAgainstEncodingXML is the differential test: see checkAgainstStd.
// It also checks that Skip agrees with Token, and, by running at all,
// that no input panics.
func FuzzAgainstEncodingXML(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstStd(t, data)
		checkSkip(t, data)
	})
}

// FuzzLinearTime repeats the middle of an input many times between its
// head and tail and checks that decoding eight times the input takes
// nowhere near sixty-four times as long: nothing may be quadratic.
func FuzzLinearTime(f *testing.F) {
	for _, s := range []struct{ head, body, tail string }{
		{"<a>", "<b/>", "</a>"},
		{"<a ", "x1='' ", "/>"},
		{"<a>", "<p:b xmlns:p='u'>", ""},
		{"<r xmlns:a='u'>", "<a:b>", ""},
		{"<a>", "]", "</a>"},
		{"<a>", "&amp;\r\n", "</a>"},
		{"<a><!--", "- ", "--></a>"},
		{"<!DOCTYPE a [", "<!--", "]><a/>"},
		{"<a>", "<![CDATA[]]", "]]></a>"},
		{"<a>", "<a>", ""},
	} {
		f.Add([]byte(s.head), []byte(s.body), []byte(s.tail))
	}
	f.Fuzz(func(t *testing.T, head, body, tail []byte) {
		if len(body) == 0 || len(body) > 64 || len(head)+len(tail) > 256 {
			return
		}
		n := 64 << 10 / len(body)
		var small, large time.Duration
		// Linear is a ratio of 8, quadratic 64. Even CPU time is
		// noisy (caches, the GC), so only a ratio far above linear that
		// holds on every try counts.
		for range 3 {
			small, large = decodeTime(head, body, tail, n), decodeTime(head, body, tail, 8*n)
			if large <= 32*small || large <= 20*time.Millisecond {
				return
			}
		}
		t.Fatalf("%d repetitions took %v, %d took %v", n, small, 8*n, large)
	})
}

// decodeTime returns the least CPU time of a few runs of Token over head,
// body n times, and tail.
func decodeTime(head, body, tail []byte, n int) time.Duration {
	doc := append(append(bytes.Clone(head), bytes.Repeat(body, n)...), tail...)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := time.Duration(1 << 62)
	for range 3 {
		start := threadCPUTime()
		d := NewDecoder(doc, Options{})
		for {
			if _, err := d.Token(); err != nil {
				break
			}
		}
		best = min(best, threadCPUTime()-start)
	}
	return best
}
