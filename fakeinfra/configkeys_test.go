package fakeinfra

import (
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
