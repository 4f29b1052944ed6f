package fakeinfra

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A configuration reads the same in camelCase, the convention of every
// JSON of mm, as in the snake_case of earlier versions; a field given in
// both spellings is a mistake.
func TestConfigKeysCamelAndSnake(t *testing.T) {
	t.Parallel()
	camel, err := ParseConfig([]byte(`{"operatorStrictness": "after-soap-decoding",
		"operators": [{"name": "kivra", "id": "165568402266", "displayName": "Kivra"}],
		"recipients": [{"id": "195303231855", "mailbox": "kivra", "accountType": "Secure", "declinedByOperator": true}],
		"faults": [{"target": "operator/kivra", "kind": "reset", "afterStore": true}]}`))
	require.NoError(t, err)
	snake, err := ParseConfig([]byte(`{"operator_strictness": "after-soap-decoding",
		"operators": [{"name": "kivra", "id": "165568402266", "display_name": "Kivra"}],
		"recipients": [{"id": "195303231855", "mailbox": "kivra", "account_type": "Secure", "declined_by_operator": true}],
		"faults": [{"target": "operator/kivra", "kind": "reset", "after_store": true}]}`))
	require.NoError(t, err)
	assert.Equal(t, snake, camel)
	assert.Equal(t, "Kivra", camel.Operators[0].DisplayName)
	assert.True(t, camel.Recipients[0].DeclinedByOperator)
	assert.True(t, camel.Faults[0].AfterStore)

	_, err = ParseConfig([]byte(`{"recipients": [{"id": "195303231855", "account_type": "Secure", "accountType": "Secure"}]}`))
	ce, ok := err.(*ConfigError)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "recipients[0].account_type", ce.Path)
	assert.Contains(t, err.Error(), "given twice, also as accountType")

	_, err = ParseConfig([]byte(`{"recipent": []}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "operatorStrictness", "the known fields are named in camelCase")
	assert.NotContains(t, err.Error(), "operator_strictness")
}

// The example configuration as files were written before the keys became
// camelCase (testdata/example-config-snake-case.json, kept as it was)
// reads to the same configuration as today's example.
func TestExampleConfigSnakeCaseStillReads(t *testing.T) {
	t.Parallel()
	read := func(name string) *Config {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		cfg, err := ParseConfig(data)
		require.NoError(t, err, name)
		return cfg
	}
	old, now := read("example-config-snake-case.json"), read("example-config.json")
	assert.Equal(t, old, now)
	assert.Equal(t, "Kivra", now.Operators[0].DisplayName, "a key that changed spelling is read, not dropped")
}
