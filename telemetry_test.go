package mm_test

import (
	"context"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/internal/telemetrytest"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The attributes every FaR lookup and every delivery to Kivra carry.
const (
	lookupCall  = "rpc.method=Recipient/isReachable,rpc.system.name=soap,server.address=127.0.0.1"
	deliverCall = "mm.operator=Kivra,rpc.method=Service/deliverSecure,rpc.system.name=soap,server.address=127.0.0.1"
	notifyCall  = "mm.operator=Kivra,rpc.method=Service/notify,rpc.system.name=soap,server.address=127.0.0.1"
)

// The exact metrics and spans of one Send in each way it can end, read
// back from the OpenTelemetry SDK's in-memory reader and recorder.
func TestSendTelemetry(t *testing.T) {
	t.Parallel()
	digitalTree := []string{"mm.send", "mm.send/mm.deliver", "mm.send/mm.deliver/mm.seal", "mm.send/mm.deliver/mm.sign", "mm.send/mm.lookup", "mm.send/mm.validate"}
	for _, tt := range []struct {
		name    string
		setup   func(*fakeinfra.Infra)
		msg     func(string) *message.Message
		ok      bool
		metrics map[string][]string
		tree    []string
		send    string // the mm.send span's attributes, without the message ID
		call    string // the span of the call to the operator, by name
		callIs  string // its attributes, without the message ID
		events  []string
	}{{
		name:  "digital",
		setup: func(i *fakeinfra.Infra) { require.NoError(t, i.AddRecipient(alice, fakeinfra.Mailbox("kivra"))) },
		msg:   newMessage, ok: true,
		metrics: map[string][]string{
			telemetry.MetricSettled: {"mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=delivered: 1"},
			telemetry.MetricCall:    {deliverCall + ": 1", lookupCall + ": 1"},
		},
		tree:   digitalTree,
		send:   "mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=delivered",
		call:   telemetry.SpanDeliver,
		callIs: "mm.class=3," + deliverCall,
	}, {
		name:  "notification",
		setup: func(i *fakeinfra.Infra) { require.NoError(t, i.AddRecipient(alice, fakeinfra.Mailbox("kivra"))) },
		msg:   class1, ok: true,
		metrics: map[string][]string{
			telemetry.MetricSettled: {"mm.channel=notification,mm.class=1,mm.operator=Kivra,mm.state=delivered: 1"},
			telemetry.MetricCall:    {notifyCall + ": 1", lookupCall + ": 1"},
		},
		tree:   []string{"mm.send", "mm.send/mm.lookup", "mm.send/mm.notify", "mm.send/mm.validate"},
		send:   "mm.channel=notification,mm.class=1,mm.operator=Kivra,mm.state=delivered",
		call:   telemetry.SpanNotify,
		callIs: "mm.class=1," + notifyCall,
	}, {
		name:  "paper fallback",
		setup: func(*fakeinfra.Infra) {}, // no mailbox
		msg:   newMessage, ok: true,
		metrics: map[string][]string{
			telemetry.MetricSettled: {"mm.channel=paper,mm.class=3,mm.state=paper: 1"},
			telemetry.MetricCall:    {lookupCall + ": 1"},
			telemetry.MetricPaper:   {"mm.class=3,mm.paper.reason=no-mailbox: 1"},
		},
		tree:   []string{"mm.send", "mm.send/mm.lookup", "mm.send/mm.paper", "mm.send/mm.validate"},
		send:   "mm.channel=paper,mm.class=3,mm.state=paper",
		call:   telemetry.SpanPaper,
		callIs: "mm.paper.reason=no-mailbox",
	}, {
		name: "retried delivery",
		setup: func(i *fakeinfra.Infra) {
			require.NoError(t, i.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
			i.Inject(fakeinfra.HTTPStatus(fakeinfra.OperatorEndpoint("kivra"), 502), fakeinfra.Times(1))
		},
		msg: newMessage, ok: true,
		metrics: map[string][]string{
			telemetry.MetricSettled: {"mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=delivered: 1"},
			telemetry.MetricCall:    {deliverCall + ": 1", lookupCall + ": 1"},
			telemetry.MetricRetries: {"error.type=502,http.response.status_code=502," + deliverCall + ": 1"},
		},
		tree:   digitalTree,
		send:   "mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=delivered",
		call:   telemetry.SpanDeliver,
		callIs: "mm.class=3," + deliverCall,
		events: []string{"retry: error.type=502,http.response.status_code=502,mm.attempt=2"},
	}, {
		name: "application fault",
		setup: func(i *fakeinfra.Infra) {
			require.NoError(t, i.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
			i.Inject(fakeinfra.OperatorFault("kivra", fault.CodeUnsupportedMIMEType))
		},
		msg: newMessage,
		metrics: map[string][]string{
			telemetry.MetricSettled: {"mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=failed: 1"},
			telemetry.MetricCall: {
				"error.type=fault,mm.fault.kind=application,mm.operator=Kivra,rpc.method=Service/deliverSecure,rpc.response.status_code=5019,rpc.system.name=soap,server.address=127.0.0.1: 1",
				lookupCall + ": 1",
			},
			telemetry.MetricFaults: {"mm.fault.kind=application,mm.operator=Kivra,rpc.method=Service/deliverSecure,rpc.response.status_code=5019,rpc.system.name=soap,server.address=127.0.0.1: 1"},
		},
		tree:   digitalTree,
		send:   "mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=failed",
		call:   telemetry.SpanDeliver,
		callIs: "mm.class=3," + deliverCall,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rig := telemetrytest.New(t)
			s := start(t, func(c *mm.Config) { c.MeterProvider, c.TracerProvider = rig.Meter, rig.Tracer })
			tt.setup(s.Infra)
			m := tt.msg(alice)
			// The caller's span is the parent: context flows from ctx.
			ctx, parent := rig.Tracer.Tracer("caller").Start(context.Background(), "caller")
			_, err := s.Sender.Send(ctx, m)
			parent.End()
			assert.Equal(t, tt.ok, err == nil, "%v", err)

			assert.Equal(t, tt.metrics, rig.Points())
			tree := append([]string{"caller"}, under("caller/", tt.tree)...)
			assert.Equal(t, sorted(tree), rig.Tree())

			span, attrs := rig.Span(telemetry.SpanSend, telemetry.KeyMessageID)
			assert.Equal(t, tt.send, attrs)
			assert.Equal(t, trace.SpanKindInternal, span.SpanKind())
			assert.Equal(t, m.ID, idOf(span.Attributes()), "mm.send carries the message ID")
			assert.Equal(t, parent.SpanContext().TraceID(), span.SpanContext().TraceID())
			wantStatus := codes.Unset
			if !tt.ok {
				wantStatus = codes.Error
			}
			assert.Equal(t, wantStatus, span.Status().Code)

			call, attrs := rig.Span(tt.call, telemetry.KeyMessageID)
			assert.Equal(t, tt.callIs, attrs)
			assert.Equal(t, m.ID, idOf(call.Attributes()))
			var events []string
			for _, e := range call.Events() {
				events = append(events, e.Name+": "+telemetrytest.Attrs(e.Attributes, telemetry.KeyWait))
			}
			assert.Equal(t, tt.events, events)
		})
	}
}

// Without providers nothing is recorded and the caller's span is left as
// it is: Send starts no span of its own.
func TestSendWithoutTelemetry(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	ctx, parent := rig.Tracer.Tracer("caller").Start(context.Background(), "caller")
	_, err := s.Sender.Send(ctx, newMessage(alice))
	parent.End()
	require.NoError(t, err)
	assert.Equal(t, []string{"caller"}, rig.Tree(), "no span but the caller's")
	assert.Empty(t, rig.Points())
	assert.Nil(t, s.Sender.Config().MeterProvider)
	assert.Nil(t, s.Sender.Config().TracerProvider)
}

// A delivery is in flight, per operator, from the request until its end:
// counted while the operator holds it, and no longer once Send returns
// (here cancelled: the message may have landed).
func TestDeliveriesInFlight(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	s := start(t, func(c *mm.Config) { c.MeterProvider, c.TracerProvider = rig.Meter, rig.Tracer })
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	s.Infra.Inject(fakeinfra.Latency(fakeinfra.OperatorEndpoint("kivra"), 10*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.Sender.Send(ctx, newMessage(alice))
		done <- err
	}()
	for s.Infra.Requests(fakeinfra.OperatorEndpoint("kivra")) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	assert.Equal(t, []string{deliverCall + ": 1"}, rig.Points()[telemetry.MetricActive])
	cancel()
	assert.ErrorIs(t, <-done, mm.ErrMaybeDelivered)
	points := rig.Points()
	assert.Empty(t, points[telemetry.MetricActive], "none in flight")
	assert.Equal(t, []string{"mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=unknown: 1"}, points[telemetry.MetricSettled])
}
