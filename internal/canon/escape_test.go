package canon

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIndexTextMatchesIndexAny(t *testing.T) {
	t.Parallel()
	inputs := []string{"", "a", "&", "abcdefgh", "abcdefgh&", "abcdefg<h", "\rabc", "åäö>", strings.Repeat("x", 100) + "\r", strings.Repeat("QUJD", 999)}
	for k := 0; k < 64; k++ {
		for _, c := range "&<>\r" {
			inputs = append(inputs, strings.Repeat("é", k/2)+strings.Repeat("z", k%2)+string(c)+"&")
		}
	}
	for _, in := range inputs {
		assert.Equal(t, strings.IndexAny(in, "&<>\r"), indexText(in), "%q", in)
	}
}

func FuzzIndexText(f *testing.F) {
	f.Add("abc&def")
	f.Add(strings.Repeat("A", 17) + ">")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := indexText(s), strings.IndexAny(s, "&<>\r"); got != want {
			t.Fatalf("indexText(%q) = %d, want %d", s, got, want)
		}
	})
}

func BenchmarkText(b *testing.B) {
	s := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 60_000)
	w := New(make([]byte, 0, len(s)+100), "")
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		w.Buf = w.Buf[:0]
		w.Text(s)
	}
}
