// Package telemetry holds the SDK's OpenTelemetry instruments, span and
// attribute names, and the helpers that record them, so that the root,
// far, forward and mailing record the same things the same way. It uses
// the OpenTelemetry API only: a program links an SDK and an exporter of
// its choice and hands their providers to the SDK's configuration.
//
// A *T made from no providers (or the API's no-op ones) is nil, and every
// method of a nil *T returns at once: an SDK without telemetry configured
// pays a nil check. What is recorded never carries personal data: message
// IDs and operator names pass through safetext.Clean, and no identity,
// subject, body or server text is ever an attribute. The list of
// instruments, spans and attributes is in package mm's documentation
// (section Telemetry); names.go holds them.
package telemetry
