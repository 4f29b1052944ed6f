package canon

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWriterNamespacesAndEscaping(t *testing.T) {
	t.Parallel()
	w := New(nil, "")
	w.Open("A", "urn:a")
	w.Leaf("B", "urn:a", "x & y < z > w\r\n")
	w.Open("C", "urn:c")
	w.Leaf("D", "urn:c", "")
	w.OptLeaf("E", "urn:c", "")
	w.OpenAttrs("F", "urn:a", "Algorithm", `a"b&c<d`+"\t\n\r")
	w.Close("F")
	w.Close("C")
	w.Open("G", "urn:a")
	w.Base64([]byte("hello"))
	w.Close("G")
	w.Open("H", "urn:a")
	w.MD5Hex([]byte("hello"))
	w.Close("H")
	w.Raw([]byte("<I></I>"))
	w.Close("A")
	want := `<A xmlns="urn:a"><B>x &amp; y &lt; z &gt; w&#xD;` + "\n" + `</B><C xmlns="urn:c"><D></D>` +
		`<F xmlns="urn:a" Algorithm="a&quot;b&amp;c&lt;d&#x9;&#xA;&#xD;"></F></C><G>aGVsbG8=</G>` +
		`<H>5D41402ABC4B2A76B9719D911017C592</H><I></I></A>`
	assert.Equal(t, want, string(w.Buf))
	assert.Equal(t, len(want), w.Len())
}

func TestCountingMatchesWriting(t *testing.T) {
	t.Parallel()
	write := func(w *Writer) {
		w.Open("A", "urn:a")
		w.Leaf("B", "urn:b", "å & <>\r")
		w.Base64(make([]byte, 1000))
		w.MD5Hex([]byte("x"))
		w.OpenAttrs("C", "urn:a", "k", "\"v\"")
		w.Close("C")
		w.Close("A")
	}
	real := New(nil, "")
	write(real)
	counter := New(nil, "")
	counter.Counting = true
	write(counter)
	assert.Equal(t, len(real.Buf), counter.Len())
	assert.Empty(t, counter.Buf)
}
