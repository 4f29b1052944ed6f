package mm_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The library depends on the OpenTelemetry API only: no SDK, no exporter
// (those are the program's choice; cmd/mm links its own).
func TestLibraryLinksOnlyTheOpenTelemetryAPI(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{".", "./mailing", "./far", "./forward"} {
		deps := strings.Fields(goTool(t, "list", "-deps", pkg))
		api := false
		for _, d := range deps {
			api = api || d == "go.opentelemetry.io/otel/metric"
			for _, banned := range []string{"go.opentelemetry.io/otel/sdk", "go.opentelemetry.io/otel/exporters", "prometheus"} {
				assert.False(t, strings.HasPrefix(d, banned) || strings.Contains(d, "/"+banned), "%s links %s", pkg, d)
			}
		}
		assert.True(t, api, "%s links the metric API", pkg)
	}
}
