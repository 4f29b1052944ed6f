package securityclass

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Class{"1": Class1, " 2 ": Class2, "3": Class3, "class 3": Class3, "Skyddsklass 1": Class1} {
		got, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0", "4", "three", "class", "-1"} {
		_, err := Parse(in)
		assert.ErrorContains(t, err, "only 1, 2 and 3 exist", in)
	}
}

func TestStringAndDefault(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "class 2", Class2.String())
	assert.Equal(t, "class unset", Class(0).String())
	assert.Equal(t, "class ?(7)", Class(7).String())
	assert.Equal(t, Class3, Class(0).OrDefault())
	assert.Equal(t, Class1, Class1.OrDefault())
	assert.False(t, Class(0).Valid())
	assert.True(t, Class3.Valid())
}

// The table states what each class means; these are the facts SPEC §5 gives.
func TestRules(t *testing.T) {
	t.Parallel()
	r1, ok := Class1.Requirements()
	require.True(t, ok)
	assert.Equal(t, OpNotify, r1.Operation)
	assert.False(t, r1.Signed)
	assert.False(t, r1.AttachmentsAllowed)
	assert.True(t, r1.SenderNotices)
	assert.Equal(t, 2, r1.AssuranceLevel)

	for _, c := range []Class{Class2, Class3} {
		r, ok := c.Requirements()
		require.True(t, ok)
		assert.Equal(t, OpDeliverSecure, r.Operation, c)
		assert.True(t, r.Signed, c)
		assert.True(t, r.AttachmentsAllowed, c)
		assert.True(t, r.NeutralNotifications, c)
		assert.False(t, r.SenderNotices, c)
		assert.Equal(t, 3, r.AssuranceLevel, c)
	}
	r2, _ := Class2.Requirements()
	assert.ElementsMatch(t, []string{"AssuranceLevel", "NeutralNotifications"}, r2.Inferred, "SPEC marks these class-2 facts as inferred")
	r3, _ := Class3.Requirements()
	assert.Empty(t, r3.Inferred)

	d, ok := Class(0).Requirements()
	require.True(t, ok)
	assert.Equal(t, Class3, d.Class, "unset means class 3")
	_, ok = Class(9).Requirements()
	assert.False(t, ok)
	assert.Equal(t, 3, LoginAssurance)
}

func TestTextEncoding(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]Class{"c": Class2})
	require.NoError(t, err)
	assert.JSONEq(t, `{"c":"2"}`, string(b))
	var back map[string]Class
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, Class2, back["c"])
	_, err = json.Marshal(Class(5))
	assert.Error(t, err)
	assert.Error(t, json.Unmarshal([]byte(`"4"`), new(Class)))
}

// Every package asks the table which operation carries a class; the table
// it hands out is a copy, so no caller can change it for the others.
func TestOperationAndRulesAreRead(t *testing.T) {
	t.Parallel()
	assert.Equal(t, OpNotify, Class1.Operation())
	assert.Equal(t, OpDeliverSecure, Class2.Operation())
	assert.Equal(t, OpDeliverSecure, Class3.Operation())
	assert.Equal(t, OpDeliverSecure, Class(0).Operation(), "unset means class 3")
	assert.Equal(t, Operation(""), Class(4).Operation())

	rs := Rules()
	require.Len(t, rs, 3)
	rs[0].Operation, rs[1].Inferred[0] = OpDeliverSecure, "changed"
	assert.Equal(t, OpNotify, Class1.Operation())
	r2, _ := Class2.Requirements()
	assert.Equal(t, "AssuranceLevel", r2.Inferred[0])
}
