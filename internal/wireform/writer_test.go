package wireform_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// item is one token of a document with namespaces resolved, the way every
// namespace-aware reader sees it, whatever the prefixes.
type item struct {
	kind, space, local, text string
	attrs                    string
}

// resolved reads doc with encoding/xml, namespaces resolved, leaving out
// namespace declarations, below depth skip.
func resolved(t *testing.T, doc []byte, skip int) []item {
	t.Helper()
	out := resolvedOrNil(doc, skip)
	require.NotNil(t, out, "not well formed: %s", doc)
	return out
}

const canonicalDoc = `<SignedDelivery xmlns="` + message.NSMessageV3 + `"><Delivery><Header><Sender xmlns="` + message.NSMessageV2 +
	`"><Id xmlns="` + message.NSSender + `">162021004748</Id></Sender></Header><Message><Header><Subject>a &amp; b &lt; c &gt; d "e"</Subject>` +
	`<Empty></Empty><Free xmlns="">no namespace<In xmlns="urn:other" xml:lang="sv">x</In></Free></Header></Message></Delivery>` +
	`<Signature xmlns="` + message.NSDSig + `"><SignedInfo><Reference URI="" Id="a&quot;>b"><Other xmlns="urn:other"><Deep>d</Deep></Other></Reference></SignedInfo></Signature></SignedDelivery>`

// The wire form says the same as the canonical form to any namespace-aware
// reader: same elements in the same namespaces, same attributes and text.
func TestCanonicalIsTheSameDocument(t *testing.T) {
	t.Parallel()
	w := wireform.Readable().NewWriter(len(canonicalDoc))
	w.Open(message.NSServiceV3, "deliverSecure")
	require.NoError(t, w.Canonical([]byte(canonicalDoc), ""))
	w.Close()
	env, err := w.Envelope()
	require.NoError(t, err)
	want := resolved(t, []byte(canonicalDoc), 0)
	assert.Equal(t, want, resolved(t, env, 3), "the body's content")
}

// Every element is prefixed but the one in no namespace; the layout's
// namespaces are declared once, on the envelope, and only those used;
// others are declared where the canonical form declared them; no default
// namespace is declared anywhere.
func TestEveryElementPrefixed(t *testing.T) {
	t.Parallel()
	w := wireform.Readable().NewWriter(0)
	w.Open(message.NSServiceV3, "deliverSecure")
	require.NoError(t, w.Canonical([]byte(canonicalDoc), ""))
	w.Close()
	env, err := w.Envelope()
	require.NoError(t, err)
	s := string(env)
	assert.True(t, strings.HasPrefix(s, `<soap:Envelope xmlns:soap="`+message.NSSOAP+`" xmlns:svc3="`+message.NSServiceV3+
		`" xmlns:msg3="`+message.NSMessageV3+`" xmlns:msg2="`+message.NSMessageV2+`" xmlns:snd="`+message.NSSender+
		`" xmlns:ds="`+message.NSDSig+`"><soap:Body><svc3:deliverSecure><msg3:SignedDelivery><msg3:Delivery>`), s)
	assert.True(t, strings.HasSuffix(s, `</ds:Signature></msg3:SignedDelivery></svc3:deliverSecure></soap:Body></soap:Envelope>`), s)
	assert.NotContains(t, s, "xmlns=", "no default namespace")
	assert.NotContains(t, s, "xmlns:msg=", "unused namespaces are not declared")
	assert.Equal(t, 1, strings.Count(s, `xmlns:msg3=`))
	assert.Contains(t, s, `<Free>no namespace<ns1:In xmlns:ns1="urn:other" xml:lang="sv">x</ns1:In></Free>`)
	assert.Contains(t, s, `<ds:Reference URI="" Id="a&quot;>b"><ns1:Other xmlns:ns1="urn:other"><ns1:Deep>d</ns1:Deep></ns1:Other>`)
	assert.Contains(t, s, `<msg3:Subject>a &amp; b &lt; c &gt; d "e"</msg3:Subject><msg3:Empty></msg3:Empty>`)

	d := xml.NewDecoder(bytes.NewReader(env))
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local != "Free" {
			assert.NotEmpty(t, se.Name.Space, "element %s has no prefix", se.Name.Local)
		}
	}
}

func TestLayouts(t *testing.T) {
	t.Parallel()
	_, err := wireform.NewLayout([]wireform.Prefix{{Name: "s", Namespace: message.NSSOAP}, {Name: "s", Namespace: "urn:x"}})
	assert.ErrorContains(t, err, `prefix "s" appears twice`)
	_, err = wireform.NewLayout([]wireform.Prefix{{Name: "a", Namespace: message.NSSOAP}, {Name: "b", Namespace: message.NSSOAP}})
	assert.ErrorContains(t, err, "appears twice")
	_, err = wireform.NewLayout([]wireform.Prefix{{Name: "a", Namespace: "urn:x"}})
	assert.ErrorContains(t, err, "no prefix for the SOAP envelope namespace")
	for _, bad := range []string{"", "1a", "a:b", "xmlns", "xml", "a b"} {
		_, err = wireform.NewLayout([]wireform.Prefix{{Name: bad, Namespace: message.NSSOAP}})
		assert.ErrorContains(t, err, "not a usable prefix name", bad)
	}
	_, err = wireform.NewLayout([]wireform.Prefix{{Name: "s", Namespace: message.NSSOAP}, {Name: "q", Namespace: `urn:"x"`}})
	assert.ErrorContains(t, err, "without characters to escape")

	l, err := wireform.NewLayout([]wireform.Prefix{{Name: "p6", Namespace: message.NSSOAP}, {Name: "p5", Namespace: message.NSServiceV3}})
	require.NoError(t, err)
	w := l.NewWriter(0)
	w.Open(message.NSServiceV3, "notify")
	w.Close()
	env, err := w.Envelope()
	require.NoError(t, err)
	assert.Equal(t, `<p6:Envelope xmlns:p6="`+message.NSSOAP+`" xmlns:p5="`+message.NSServiceV3+`"><p6:Body><p5:notify></p5:notify></p6:Body></p6:Envelope>`, string(env))
}

// Bytes that are not canonical XML as the SDK writes it are refused, never
// rewritten into something else.
func TestNotCanonicalIsRefused(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"text", "<a>", "<a></b>", "</a>", "<a/>", "<a b='1'></a>", `<a b="1"c="2"></a>`, `<a b="1" xmlns="u"></a>`,
		`<p:a></p:a>`, `<a p:b="1"></a>`, "<!--c--><a></a>", "<a><!--c--></a>", "<?p?><a></a>", `<a b="<"></a>`,
		"<a></a>x", `<a xmlns="u" xmlns="v"></a>`, `<a b></a>`,
	} {
		w := wireform.Readable().NewWriter(0)
		err := w.Canonical([]byte(in), "")
		assert.ErrorIs(t, err, wireform.ErrNotCanonical, "%q", in)
		_, err = w.Envelope()
		assert.Error(t, err, "%q: a failed writer gives no envelope", in)
	}
	w := wireform.Readable().NewWriter(0)
	w.Open(message.NSServiceV3, "a")
	_, err := w.Envelope()
	assert.ErrorContains(t, err, "1 elements left open")
}

// FuzzCanonical: whatever the bytes, Canonical never panics, and what it
// accepts comes out as well-formed XML saying the same thing.
func FuzzCanonical(f *testing.F) {
	f.Add([]byte(canonicalDoc))
	f.Add([]byte(`<a xmlns="urn:x" b="&quot;>"><c xmlns="">t</c></a>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, err := xml.NewDecoder(bytes.NewReader(in)).Token(); err != nil {
			return
		}
		w := wireform.Readable().NewWriter(len(in))
		w.Open(message.NSServiceV3, "x")
		if err := w.Canonical(in, message.NSServiceV3); err != nil {
			return
		}
		w.Close()
		env, err := w.Envelope()
		if err != nil {
			t.Fatal(err)
		}
		wrapped := append(append([]byte(`<x xmlns="`+message.NSServiceV3+`">`), in...), "</x>"...)
		want := resolvedOrNil(wrapped, 0)
		if want == nil {
			return // not well-formed as canonical input: nothing to compare
		}
		got := resolvedOrNil(env, 2)
		if got == nil {
			t.Fatalf("output not well formed: %q", env)
		}
		if len(got) != len(want) {
			t.Fatalf("different documents:\nin  %q\nout %q", in, env)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("token %d differs: %+v vs %+v\nin  %q\nout %q", i, got[i], want[i], in, env)
			}
		}
	})
}

// resolvedOrNil is resolved giving nil for a document that is not well
// formed.
func resolvedOrNil(doc []byte, skip int) []item {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []item
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			return nil
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > skip {
				var attrs []string
				for _, a := range tok.Attr {
					if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
						attrs = append(attrs, a.Name.Space+" "+a.Name.Local+"="+a.Value)
					}
				}
				out = append(out, item{kind: "start", space: tok.Name.Space, local: tok.Name.Local, attrs: strings.Join(attrs, ",")})
			}
		case xml.EndElement:
			if depth > skip {
				out = append(out, item{kind: "end", space: tok.Name.Space, local: tok.Name.Local})
			}
			depth--
		case xml.CharData:
			if depth > skip {
				out = append(out, item{kind: "text", text: string(tok)})
			}
		}
	}
}
