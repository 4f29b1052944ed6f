// Package testpki makes the certificates a test of Mina meddelanden needs: a
// CA, organisation certificates with the 16-prefixed organisation number in
// the subject's serialNumber (as Expisoft issues them), and loopback server
// certificates. Keys are generated once per process and handed out again, so
// that starting many fake infrastructures in one test run stays fast.
//
//	ca, _ := testpki.NewCA("Test CA")
//	org, _ := ca.Org("162021004748", "Kommun A")
//	srv, _ := ca.Server("localhost", "127.0.0.1")
package testpki
