// Package xmlseq reads an XML document strictly in the order an XSD
// sequence prescribes, element by element, for the SDK's hand-written
// parsers of the wire form (package message) and of the operators' answers
// (package receipt). The caller asks for each element in turn — Start, Opt,
// Leaf, End — and the Reader refuses anything else: an element out of
// place, text where only elements belong, a DTD anywhere. Comments,
// processing instructions and white space between elements are skipped.
// Every refusal is an *Error with the path to the element at fault, which
// each package turns into its own error at its API.
//
// A Reader takes tokens from encoding/xml's *xml.Decoder or from
// internal/xmltok, whose text aliases the input, so that a base64 leaf of
// megabytes is read without a copy (Options.Stable, TextBytes).
//
//	r := xmlseq.New(xml.NewDecoder(bytes.NewReader(doc)), xmlseq.Options{MaxText: 1024})
//	if err := r.Start(ns, "Status"); err != nil {
//		return err
//	}
//	id, err := r.Leaf(ns, "RecipientId")
//	if err != nil {
//		return err
//	}
//	if err := r.End(); err != nil {
//		return err
//	}
//	return r.EOF() // nothing but comments and white space after the root
package xmlseq
