// Package canon writes XML directly in the canonical, prefix-free form that
// Mina meddelanden signs (SPEC §4, quirk 1), so that the bytes written are
// the bytes digested. It is shared by the wire form (package message), the
// signer (package sign) and the SOAP envelopes; no user needs it.
//
//	w := canon.New(nil, "")
//	w.Open("Seal", message.NSMessageV3)
//	w.Leaf("SignaturesOK", message.NSMessage, "true")
//	w.Close("Seal")
//	// w.Buf holds <Seal xmlns="…"><SignaturesOK xmlns="…">true</SignaturesOK></Seal>
package canon
