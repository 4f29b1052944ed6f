package xmltok

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScopeMatchesModel drives the scope, past the size where it switches
// from scanning to its index, against a plain list searched from the end.
func TestScopeMatchesModel(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	var s scope
	var model []binding
	var marks []int
	prefixes := []string{"", "a", "b", "c", "d", "e"}
	for step := range 20000 {
		switch op := rng.IntN(10); {
		case op < 4 || len(marks) == 0:
			marks = append(marks, len(model))
			for range rng.IntN(30) {
				p := prefixes[rng.IntN(len(prefixes))]
				uri := fmt.Sprint("urn:", step)
				s.push(p, uri)
				model = append(model, binding{prefix: p, uri: uri})
			}
		default:
			m := marks[len(marks)-1]
			marks = marks[:len(marks)-1]
			s.popTo(m)
			model = model[:m]
		}
		require.Len(t, s.b, len(model))
		for _, p := range append(prefixes, "z") {
			want, wantOK := "", false
			for i := len(model) - 1; i >= 0; i-- {
				if model[i].prefix == p {
					want, wantOK = model[i].uri, true
					break
				}
			}
			got, ok := s.lookup([]byte(p))
			require.Equal(t, wantOK, ok, "step %d prefix %q", step, p)
			require.Equal(t, want, got, "step %d prefix %q", step, p)
		}
	}
}

func TestManyAttributesDuplicate(t *testing.T) {
	t.Parallel()
	doc := `<a xmlns:p="u"` + manyAttrs(30) + ` p:z="1" axx="2"/>`
	got := decodeAll([]byte(doc))
	assert.ErrorContains(t, got.err, "duplicate attribute axx")
	assert.Equal(t, int64(strings.LastIndex(doc, "axx")), got.err.(*SyntaxError).Offset)
	checkAgainstStd(t, []byte(doc))
}
