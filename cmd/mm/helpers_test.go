package main

import (
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
