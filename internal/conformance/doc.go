// Package conformance lets tests check the SDK against independent
// implementations: the official XSD through xmllint, and signatures through
// xmlsec1. A check skips when a tool or ../shared is missing, unless the
// environment variable MM_CONFORMANCE is "require" (as .ci/run sets it); then
// it fails, so that CI can never pass by skipping.
//
//	conformance.ValidateXSD(t, conformance.ServiceXSD, doc)
package conformance
