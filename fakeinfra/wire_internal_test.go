package fakeinfra

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoOver starts a loopback listener whose connections delay their bytes
// by oneWay each way and echo what they read; it returns a client
// connection to it.
func echoOver(t *testing.T, oneWay time.Duration) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dl := delayListener{Listener: ln, oneWay: oneWay}
	t.Cleanup(func() { dl.Close() })
	go func() {
		for {
			c, err := dl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// Eight MiB written in odd pieces come back whole and in order: the delay
// keeps the bytes as they were sent.
func TestDelayConnKeepsOrder(t *testing.T) {
	t.Parallel()
	c := echoOver(t, 5*time.Millisecond)
	data := make([]byte, 8<<20)
	_, _ = rand.Read(data)
	go func() {
		rest := data
		for n := 1; len(rest) > 0; n = n*7%65521 + 1 {
			n = min(n, len(rest))
			if _, err := c.Write(rest[:n]); err != nil {
				return
			}
			rest = rest[n:]
		}
	}()
	got := make([]byte, len(data))
	_, err := io.ReadFull(c, got)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "the echo differs from what was sent")
}

// An echo over the emulated wire takes at least the round trip: the bytes
// are held rtt/2 on the way in and rtt/2 on the way out.
func TestDelayConnCostsTheRoundTrip(t *testing.T) {
	t.Parallel()
	const rtt = 80 * time.Millisecond
	c := echoOver(t, rtt/2)
	for range 3 {
		start := time.Now()
		_, err := c.Write([]byte("ping"))
		require.NoError(t, err)
		got := make([]byte, 4)
		_, err = io.ReadFull(c, got)
		require.NoError(t, err)
		assert.Equal(t, "ping", string(got))
		assert.GreaterOrEqual(t, time.Since(start), rtt, "an echo came back sooner than a round trip")
	}
}

// A read deadline ends a Read that waits for bytes still on the wire, and
// Close ends one that waits for bytes not sent; bytes written before a
// Close still arrive.
func TestDelayConnDeadlinesAndClose(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	dl := delayListener{Listener: ln, oneWay: time.Hour}
	client, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	server, err := dl.Accept()
	require.NoError(t, err)

	_, err = client.Write([]byte("held for an hour"))
	require.NoError(t, err)
	require.NoError(t, server.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err = server.Read(make([]byte, 16))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	var ne net.Error
	require.True(t, errors.As(err, &ne), "%T", err)
	assert.True(t, ne.Timeout())

	require.NoError(t, server.SetReadDeadline(time.Time{}))
	done := make(chan error, 1)
	go func() {
		_, err := server.Read(make([]byte, 16))
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	require.NoError(t, server.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, net.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("Close left a Read waiting")
	}
	assert.ErrorIs(t, server.Close(), net.ErrClosed, "a second Close")
	_, err = server.Write([]byte("x"))
	assert.ErrorIs(t, err, net.ErrClosed)
}

// What the server writes just before it closes reaches the client, after
// the one-way delay, and then the client sees the end of the stream.
func TestDelayConnFlushesOnClose(t *testing.T) {
	t.Parallel()
	const oneWay = 30 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	dl := delayListener{Listener: ln, oneWay: oneWay}
	client, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	server, err := dl.Accept()
	require.NoError(t, err)

	start := time.Now()
	_, err = server.Write([]byte("last words"))
	require.NoError(t, err)
	require.NoError(t, server.Close())
	got, err := io.ReadAll(client)
	require.NoError(t, err)
	assert.Equal(t, "last words", string(got))
	assert.GreaterOrEqual(t, time.Since(start), oneWay)
}
