// Package xmltok reads XML from memory as encoding/xml's tokens, fast and
// strictly. It exists because verifying a delivery reads the same document
// several times and encoding/xml's Token, which handles text one byte at a
// time, spends about 26 ms per pass over a 2 MB delivery that is mostly one
// base64 attachment; xmltok finds text with bytes.IndexByte, checks it
// eight bytes at a time and returns it as a slice of the input, so the
// same pass takes about 1 ms. It also refuses what encoding/xml lets pass
// and a signature verifier must not: undeclared prefixes, duplicate
// attributes, a second root, text outside the root.
//
// Callers switch by changing the constructor; the tokens are the same
// types with the same names and namespaces:
//
//	d := xmltok.NewDecoder(doc, xmltok.Options{})
//	for {
//		tok, err := d.Token()
//		if errors.Is(err, io.EOF) {
//			break
//		}
//		if err != nil {
//			return err // wraps xmltok.ErrSyntax; *xmltok.SyntaxError has the offset
//		}
//		switch t := tok.(type) {
//		case xml.StartElement:
//			// t.Name.Space is the namespace URI, as with encoding/xml
//		case xml.Directive:
//			return errors.New("DTDs are not allowed")
//		}
//	}
//
// # Same as encoding/xml
//
// On every well-formed document Token returns what encoding/xml's Token
// returns with Strict set, no Entity map and no CharsetReader, token for
// token, except as listed under "Differences" below. In particular: one
// CharData per run of text between markup and one per CDATA section; \r\n
// and \r in text become \n; entity and character references are decoded;
// <a/> is a StartElement and an EndElement; the XML declaration is a
// ProcInst; a DOCTYPE is a Directive, returned and never processed. Names
// resolve as in encoding/xml: an element's Space is its namespace URI (the
// default namespace included), an unprefixed attribute's Space is empty,
// xml:lang has Space "http://www.w3.org/XML/1998/namespace", and namespace
// declarations stay among the attributes as {Space: "xmlns", Local: "p"}
// for xmlns:p and {Local: "xmlns"} for xmlns. Names are checked against
// XML 1.0 Fourth Edition, Appendix B, as encoding/xml checks them (the
// tables are generated from encoding/xml; see gen_names.go).
//
// # Differences
//
// Deliberate differences on well-formed documents, each what the XML
// specification requires and what xmlsec1 (libxml2) does:
//   - Attribute values are normalised (XML 1.0 §3.3.3): a literal tab,
//     newline, carriage return or \r\n becomes one space; the same
//     characters written as references (&#9; &#10; &#13;) stay. encoding/xml
//     keeps them, which makes a canonical form differ from xmlsec1's. A
//     namespace URI is an attribute value too, so the same holds for Space.
//   - Line ends are normalised in comments, processing instructions and
//     DOCTYPEs too (XML 1.0 §2.11), not only in text.
//   - A UTF-8 byte order mark at the start is skipped, not returned as text.
//
// # Stricter than encoding/xml
//
// Token refuses, with an error wrapping ErrSyntax, everything encoding/xml
// refuses and also:
//   - a document without exactly one root element; text, references or
//     CDATA outside it (only white space, comments, PIs and one DOCTYPE
//     before the root may stand there); a DOCTYPE after another or after
//     the root started; <!ENTITY and other declarations outside a DOCTYPE;
//   - an undeclared namespace prefix (encoding/xml keeps the prefix as the
//     Space); names like ":a" and "a:"; xmlns:p=""; xmlns:p="xmlns" (the
//     attributes of p would carry the Space that marks declarations); the
//     xmlns prefix declared or used on an element, or an element named
//     xmlns (which encoding/xml leaves out of the default namespace); the
//     xml prefix bound to another namespace or the xml and xmlns namespaces
//     bound to another prefix; a colon in a PI target;
//   - two attributes with the same expanded name, or no white space
//     between attributes;
//   - invalid UTF-8 or characters outside XML's Char production in
//     comments, PIs and DOCTYPEs (encoding/xml checks only text and
//     attribute values), and character references to surrogates
//     (encoding/xml turns &#xD800; into U+FFFD);
//   - an XML declaration anywhere but at the very start, one that does not
//     follow the grammar (version 1.0 first and required, then encoding,
//     which must be UTF-8, then standalone yes or no), and the PI target
//     xml in any other case (XML, Xml); no white space between a PI target
//     and its content, or after <!DOCTYPE;
//   - elements nested deeper than Options.MaxDepth, and start tags with
//     more than Options.MaxAttrs attributes.
//
// # Tokens and the input
//
// CharData, Comment, ProcInst.Inst and Directive are sub-slices of the
// input whenever nothing in them needed decoding, and new slices
// otherwise; they are never overwritten, so unlike encoding/xml's they stay
// valid after the next call to Token, and no caller needs xml.CopyToken.
// Their capacity is clipped, so appending to them cannot write into the
// input. They must not be modified, and the input must not be modified
// while they are in use. Tokens that carry only a name, and runs of
// indentation, may be shared between calls: their values are equal, which
// is all a caller can observe.
//
// Nothing in the decoder recurses, no step costs more than linear time in
// the input (duplicate attributes are found with a set once a start tag has
// more than a few), and memory beyond the tokens returned is bounded by the
// depth of nesting and the namespace declarations in scope.
package xmltok
