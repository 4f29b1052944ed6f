package paperdir

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paperCrashDirEnv hands the helper process its directory. Only this test
// file reads it; library code reads no environment.
const paperCrashDirEnv = "MM_TEST_PAPER_CRASH_DIR"

// TestPaperDirectoryCrashHelper is not a test of its own: run as a child
// process by TestPaperDirectorySurvivesKill, it starts writing a message,
// says so once the body and an attachment are on disk, and waits to be
// killed.
func TestPaperDirectoryCrashHelper(t *testing.T) {
	dir := os.Getenv(paperCrashDirEnv)
	if dir == "" {
		t.Skip("helper process for TestPaperDirectorySurvivesKill")
	}
	p, err := New(dir, Config{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	p.afterFile = func(name string) error {
		if name == "attachments/beslut.pdf" {
			fmt.Println("written", name)
			time.Sleep(time.Minute) // killed here
		}
		return nil
	}
	err = p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox)
	fmt.Println("finished", err) // never reached when the parent kills in time
	os.Exit(3)
}

// TestPaperDirectorySurvivesKill kills a writer with SIGKILL in the middle
// of a message and checks that no folder appears under the message ID, that
// readers ignore the leftover, that Clean removes it at the next start, and
// that the message can then be written whole.
func TestPaperDirectorySurvivesKill(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "paper")
	cmd := exec.Command(os.Args[0], "-test.run=^TestPaperDirectoryCrashHelper$", "-test.v")
	cmd.Env = append(os.Environ(), paperCrashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
wait:
	for {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "helper ended before it wrote anything")
			require.NotContains(t, line, "finished")
			if line == "written attachments/beslut.pdf" {
				break wait
			}
		case <-deadline:
			t.Fatal("helper did not start writing within 30s")
		}
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred cleanup runs
	assert.Error(t, cmd.Wait())
	for range lines { // drain, so the reader goroutine ends
	}

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	tmp := entries[0].Name()
	assert.True(t, strings.HasPrefix(tmp, ".tmp-"+paperTestID+"-"), tmp)
	_, err = os.Stat(filepath.Join(dir, paperTestID))
	assert.True(t, os.IsNotExist(err), "no folder under the message ID")
	_, err = os.Stat(filepath.Join(dir, tmp, "attachments", "beslut.pdf"))
	assert.NoError(t, err, "the crash hit mid-write")
	_, err = os.Stat(filepath.Join(dir, tmp, "manifest.json"))
	assert.True(t, os.IsNotExist(err))

	// Next start: readers see nothing, Clean removes the leftover, and the
	// message is written whole.
	p, err := New(dir, Config{})
	require.NoError(t, err)
	defer p.Close()
	list, err := p.List()
	require.NoError(t, err)
	assert.Empty(t, list)
	n, err := p.Clean(0)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox))
	list, err = p.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, paperTestID, list[0].MessageID)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}
