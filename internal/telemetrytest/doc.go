// Package telemetrytest records what the SDK reports to OpenTelemetry in
// memory, for tests: a MeterProvider read by the SDK's ManualReader and a
// TracerProvider whose spans a tracetest.SpanRecorder keeps, with
// summaries that tests compare exactly. Only tests import it: the SDK
// itself depends on the OpenTelemetry API alone.
package telemetrytest
