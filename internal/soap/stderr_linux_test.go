package soap

import (
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// captureStderr runs f with file descriptor 2 redirected to a pipe and
// returns what was written to it.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	saved, err := syscall.Dup(2)
	require.NoError(t, err)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	require.NoError(t, dup2(int(w.Fd()), 2))
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	defer func() {
		_ = dup2(saved, 2)
		_ = syscall.Close(saved)
	}()
	f()
	require.NoError(t, dup2(saved, 2))
	require.NoError(t, w.Close())
	out := <-done
	_ = r.Close()
	return string(out)
}

// dup2 with Dup3, which every Linux architecture has (arm64 lacks Dup2).
func dup2(from, to int) error { return syscall.Dup3(from, to, 0) }
