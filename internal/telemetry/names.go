package telemetry

import (
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// ScopeName is the instrumentation scope of every meter and tracer.
const ScopeName = "github.com/avsandare/mm"

// Instrument names. rpc.client.call.duration is OpenTelemetry's semantic
// convention (v1.43.0, RPC); the rest are the SDK's own, under mm.
const (
	MetricSettled  = "mm.messages.settled"
	MetricCall     = "rpc.client.call.duration"
	MetricRetries  = "mm.retries"
	MetricFaults   = "mm.faults"
	MetricActive   = "mm.deliveries.active"
	MetricPaper    = "mm.paper.handoffs"
	MetricJournal  = "mm.journal.write.duration"
	MetricProgress = "mm.mailing.messages"
)

// Span names.
const (
	SpanSend      = "mm.send"
	SpanValidate  = "mm.validate"
	SpanLookup    = "mm.lookup"
	SpanAccounts  = "mm.accounts"
	SpanAuthority = "mm.authority"
	SpanSign      = "mm.sign"
	SpanSeal      = "mm.seal"
	SpanVerify    = "mm.verify"
	SpanDeliver   = "mm.deliver"
	SpanNotify    = "mm.notify"
	SpanPaper     = "mm.paper"
	SpanBatch     = "mm.mailing.batch"
	EventRetry    = "retry"
)

// The RPC methods (rpc.method): the service and operation of the
// contracts.
const (
	MethodIsReachable     = "Recipient/isReachable"
	MethodIsRegistered    = "Recipient/isRegistered"
	MethodDeliverSecure   = "Service/deliverSecure"
	MethodNotify          = "Service/notify"
	MethodAuthorityPrefix = "Authority/"
	rpcSystem             = "soap"
	faultKindTechnical    = "technical"
	faultKindApplication  = "application"
	ProgressDone          = "done"
	ProgressRemaining     = "remaining"
)

// Attribute keys: the semantic conventions' where they exist, mm.* for the
// rest.
const (
	KeyMessageID   = attribute.Key("mm.message.id")
	KeyClass       = attribute.Key("mm.class")
	KeyChannel     = attribute.Key("mm.channel")
	KeyState       = attribute.Key("mm.state")
	KeyOperator    = attribute.Key("mm.operator")
	KeyPaperReason = attribute.Key("mm.paper.reason")
	KeyFaultKind   = attribute.Key("mm.fault.kind")
	KeyMailing     = attribute.Key("mm.mailing")
	KeyProgress    = attribute.Key("mm.mailing.progress")
	KeyRecipients  = attribute.Key("mm.recipients")
	KeyBatchSize   = attribute.Key("mm.batch.messages")
	KeyAttempts    = attribute.Key("mm.attempts")
	KeyAttempt     = attribute.Key("mm.attempt")
	KeyWait        = attribute.Key("mm.retry.wait")

	KeyErrorType  = semconv.ErrorTypeKey
	KeyRPCSystem  = semconv.RPCSystemNameKey
	KeyRPCMethod  = semconv.RPCMethodKey
	KeyRPCStatus  = semconv.RPCResponseStatusCodeKey
	KeyServer     = semconv.ServerAddressKey
	KeyHTTPStatus = semconv.HTTPResponseStatusCodeKey
)
