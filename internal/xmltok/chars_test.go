package xmltok

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firstNotPlain is the byte-at-a-time definition the SWAR test must match.
func firstNotPlain(b []byte) int {
	for i, c := range b {
		if !isPlain(c) {
			return i
		}
	}
	return len(b)
}

func TestSpecialFindsFirstNotPlainByte(t *testing.T) {
	t.Parallel()
	check := func(w []byte) {
		m := special(binary.LittleEndian.Uint64(w))
		got := 8
		if m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		require.Equal(t, firstNotPlain(w), got, "%q", w)
	}
	// Every byte value at every position, among plain bytes and after a
	// byte that borrows.
	for _, fill := range []byte{'a', ' ', '~', 0x7f} {
		for pos := range 8 {
			for v := range 256 {
				w := []byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[pos] = byte(v)
				check(w)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aZ09 <>&]\t\n\r\x00\x1f\x20\x7f\x80\xc3\xff!")
	for range 200000 {
		w := make([]byte, 8)
		for i := range w {
			w[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(w)
	}
}

func TestNextSpecial(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi&", "abcdefg]xyz", "0123456789abcdef\n", "short\t", "ÅÄÖ"} {
		for i := 0; i <= len(s); i++ {
			assert.Equal(t, i+firstNotPlain([]byte(s[i:])), nextSpecial([]byte(s), i), "%q from %d", s, i)
		}
	}
}

func TestIsChar(t *testing.T) {
	t.Parallel()
	for r, want := range map[rune]bool{
		0: false, 8: false, '\t': true, '\n': true, 0xB: false, '\r': true, 0x1F: false, ' ': true,
		0x7F: true, 0x85: true, 0xD7FF: true, 0xD800: false, 0xDFFF: false, 0xE000: true,
		0xFFFD: true, 0xFFFE: false, 0xFFFF: false, 0x10000: true, 0x10FFFF: true, 0x110000: false,
	} {
		assert.Equal(t, want, isChar(r), "%U", r)
	}
}
