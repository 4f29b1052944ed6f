package sign

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// worstCases are crafted inputs of just under the 16 MiB verify limit, each
// stressing one dimension: filler repeated inside the signed content (the
// signature is then checked, and fails, after everything is read and
// canonicalised) or inside the SOAP Header (outside the signatures, needing
// no key; both levels verify).
func worstCases(t testing.TB, c *creds) map[string][]byte {
	const limit = 16 << 20
	body := wireBody(t.(*testing.T), c)
	envelope := soapEnvelope(body)
	signed := signedDoc(t.(*testing.T), c)
	// fill repeats unit between head and tail up to the limit.
	fill := func(doc []byte, at, head, unit, tail string) []byte {
		i := bytes.Index(doc, []byte(at))
		require.Positive(t, i, at)
		n := (limit - len(doc) - len(head) - len(tail)) / len(unit)
		var b bytes.Buffer
		b.Grow(limit)
		b.Write(doc[:i])
		b.WriteString(head)
		b.WriteString(strings.Repeat(unit, n))
		b.WriteString(tail)
		b.Write(doc[i:])
		require.LessOrEqual(t, b.Len(), limit)
		return b.Bytes()
	}
	var attrs, decls strings.Builder
	for i := range 255 {
		fmt.Fprintf(&attrs, ` a%d=""`, i)
		fmt.Fprintf(&decls, ` xmlns:p%d="u"`, i)
	}
	manyAttrs := `<x xmlns="urn:x"` + attrs.String() + `/>`
	manyDecls := `<x xmlns="urn:x"` + decls.String() + `/>`
	// Just under the element limit, with the rest of the size in text.
	element := "<a>" + strings.Repeat("x", 29) + "</a>"
	deep := strings.Repeat(`<a xmlns="urn:x">`, 50) + strings.Repeat(`</a>`, 50)
	prefixedDeep := strings.Repeat(`<p:a xmlns:p="urn:x" xmlns:q="urn:y">`, 50) + strings.Repeat(`</p:a>`, 50)
	return map[string][]byte{
		"attributes in signed content":    fill(signed, "<Header>", "", manyAttrs, ""),
		"attributes in the SOAP Header":   fill(envelope, "</Header>", "", manyAttrs, ""),
		"declarations in signed content":  fill(signed, "<Header>", "", manyDecls, ""),
		"declarations in the SOAP Header": fill(envelope, "</Header>", "", manyDecls, ""),
		"deep in signed content":          fill(signed, "<Header>", "", deep, ""),
		"prefixed deep in the Header":     fill(envelope, "</Header>", "", prefixedDeep, ""),
		"many elements in the Header":     fill(envelope, "</Header>", `<e xmlns="urn:x">`, element, "</e>"),
		"many elements, signed":           fill(signed, "<Header>", `<e xmlns="urn:x">`, element, "</e>"),
		"too many elements":               fill(envelope, "</Header>", `<e xmlns="urn:x">`, "<a/>", "</e>"),
		"long name in the Header":         fill(envelope, "</Header>", "<", "n", ` xmlns="urn:x"/>`),
		"huge text in the Header":         fill(envelope, "</Header>", `<t xmlns="urn:x">`, "x&amp;", "</t>"),
		"huge text, signed":               fill(signed, "Beslut om", "", "x&lt;", ""),
		"CDATA runs in a DigestValue":     fill(signed, "</DigestValue>", "", "<![CDATA[]]>", ""),
		"comments in the Header":          fill(envelope, "</Header>", "", "<!---->", ""),
	}
}

// processCPU is the CPU time the process has used, user and system,
// garbage collection on other threads included.
func processCPU(t testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Every input up to the size limit is decided — accepted or refused —
// within one second of CPU and 200 MB of allocation: nothing Verify does
// grows faster than the document. CPU time, not wall time, and the better
// of two runs, so that other processes on a shared machine count as little
// as they can; the test is not parallel, so that the process's CPU time is
// Verify's, garbage collection included. Under the race detector, which
// slows everything several times over, only the allocation bound holds.
func TestWorstCasesAreDecidedInBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 16 MiB documents")
	}
	c := testCreds(t)
	for name, doc := range worstCases(t, c) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu := processCPU(t)
		_, err := Verify(doc, opts(c))
		cpu = processCPU(t) - cpu
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		if !raceEnabled {
			runtime.GC()
			again := processCPU(t)
			_, _ = Verify(doc, opts(c))
			cpu = min(cpu, processCPU(t)-again)
			assert.Less(t, cpu, time.Second, name)
		}
		t.Logf("%-32s %5.1f MiB  refused %-5v  cpu %v  alloc %d MB", name, float64(len(doc))/(1<<20), err != nil, cpu.Round(time.Millisecond), alloc>>20)
		assert.Less(t, alloc, uint64(200<<20), name)
	}
}
