package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

func testDelivery() *message.Delivery {
	m := &message.Message{
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
	}
	m.SetDefaults()
	return message.NewDelivery(message.Sender{ID: "162021004748", Name: "Kommun A"}, m)
}

// paperLetters counts the letters paperdir.Dir finished in dir: its
// unfinished work is in hidden (dot) folders.
func paperLetters(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	letters := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			letters++
		}
	}
	return letters
}

// fakeCommand runs "mm fake ARGS..." until ctx ends.
func fakeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runContext(ctx, append([]string{"fake"}, args...), nil, stdout, stderr)
}

// runFake runs "mm fake ARGS..." as main does, stopped by a signal.
func runFake(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(append([]string{"fake"}, args...), stdin, stdout, stderr)
}
