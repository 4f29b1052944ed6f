package main

import "github.com/avsandare/mm/message"

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
