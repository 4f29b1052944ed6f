package mailing_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/internal/telemetrytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
)

// identityNumber is a personal or organisation identity number as people
// write it: ten or twelve digits, with or without the separator.
var identityNumber = regexp.MustCompile(`\d{6}[-+]?\d{4}|\d{8}[-+]?\d{4}`)

// Every attribute of every metric point, span, event and link recorded
// while the chaos test's mailing runs (its -short size) holds no identity
// number and no text of a message.
func TestChaosTelemetryHasNoPersonalData(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	_, _, _, rep := chaos(t, 1000, func(c *mm.Config) { c.MeterProvider, c.TracerProvider = rig.Meter, rig.Tracer })
	require.Equal(t, 1000, rep.Done)

	for _, id := range []string{alice, "530323-1855", "19530323-1855", "162021004748"} {
		require.True(t, identityNumber.MatchString(id), "the pattern finds %s", id)
	}
	m := newMessage(alice)
	texts := []string{m.Subject, m.Body.Text, m.Support.Text}
	seen, spans := 0, len(rig.Spans())
	rig.Every(func(where string, kv attribute.KeyValue) {
		seen++
		v := kv.Value.String()
		if identityNumber.MatchString(v) {
			t.Errorf("%s: %s=%q holds an identity number", where, kv.Key, v)
		}
		for _, text := range texts {
			if text != "" && strings.Contains(v, text) {
				t.Errorf("%s: %s=%q holds the message's text", where, kv.Key, v)
			}
		}
	})
	t.Logf("%d attributes of %d spans and every metric point looked at", seen, spans)
	assert.Greater(t, spans, 1000, "a span at least per message")
	assert.Greater(t, seen, 3*spans, "the walk saw the attributes")
}
