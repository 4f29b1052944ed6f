package paperdir_test

import (
	"context"
	"fmt"
	"os"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
)

// A letter for the print provider: the Sender hands it over (as its
// Config.Paper); the print provider reads the folders back.
func Example() {
	dir, _ := os.MkdirTemp("", "paper")
	defer os.RemoveAll(dir)
	paper, err := paperdir.New(dir, paperdir.Config{})
	if err != nil {
		panic(err)
	}
	defer paper.Close()

	m := &message.Message{
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
		Attachments: []message.Attachment{
			{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 beslut")},
		},
	}
	m.SetDefaults()
	if err := paper.SendPaper(context.Background(), m, message.PaperNoMailbox); err != nil {
		panic(err)
	}
	// Handing the same letter over again writes nothing: one letter.
	_ = paper.SendPaper(context.Background(), m, message.PaperNoMailbox)

	// The print provider's side.
	manifests, err := paperdir.Read(os.DirFS(dir))
	if err != nil {
		panic(err)
	}
	for _, man := range manifests {
		fmt.Println(man.Recipient, man.Subject, "–", man.ReasonText) // the manifest holds the full number; printing masks it
		fmt.Println(man.Body.Path, man.Attachments[0].Path, man.Attachments[0].Size, "bytes")
	}
	// Output:
	// 19530323**** Beslut om bygglov – the recipient has no digital mailbox
	// body.txt attachments/beslut.pdf 15 bytes
}
