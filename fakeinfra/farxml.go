package fakeinfra

import (
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

// The answers are written here, not borrowed from package far (which only
// reads them), so that the fake and the client are two implementations of
// the contracts; both are held against the official XSD and the real
// samples.

const (
	nsRV3  = message.NSRecipientV3
	nsR    = message.NSRecipient
	nsAuth = message.NSAuthorityService
)

const dateTimeLayout = "2006-01-02T15:04:05.000-07:00"

// writeAccount writes the children of an AccountStatus, inside whatever
// element carries them.
func writeAccount(w *canon.Writer, a far.Account) {
	w.Leaf("RecipientId", nsR, string(a.Recipient))
	w.Leaf("Type", nsR, string(a.Type))
	w.Leaf("Pending", nsR, boolText(a.Pending))
	if op := a.Operator; op != nil {
		w.Open("ServiceSupplier", nsR)
		w.Leaf("Id", nsR, string(op.ID))
		w.Leaf("Name", nsR, op.Name)
		w.OptLeaf("Logo", nsR, op.Logo)
		w.Leaf("ServiceAdress", nsR, op.ServiceAddress)
		w.OptLeaf("UIAdress", nsR, op.UIAddress)
		w.Leaf("InternalServiceAdress", nsR, "")
		w.Close("ServiceSupplier")
	}
	if !a.LastRegistration.IsZero() {
		w.Leaf("LastRegistration", nsR, a.LastRegistration.Format(dateTimeLayout))
	}
}

func appendIsReachableResponse(dst []byte, rs []far.Reachability) []byte {
	w := canon.New(dst, "")
	w.Open("isReachableResponse", nsRV3)
	for _, r := range rs {
		w.Open("return", nsRV3)
		w.Open("AccountStatus", nsR)
		writeAccount(w, r.Account)
		w.Close("AccountStatus")
		w.Leaf("SenderAccepted", nsR, boolText(r.SenderAccepted))
		if !r.LastSenderAcceptChange.IsZero() {
			w.Leaf("LastSenderAcceptChange", nsR, r.LastSenderAcceptChange.Format(dateTimeLayout))
		}
		w.Close("return")
	}
	w.Close("isReachableResponse")
	return w.Buf
}

// appendIsRegisteredResponse writes isRegisteredResponse, whose return
// elements have AccountStatus's content.
func appendIsRegisteredResponse(dst []byte, as []far.Account) []byte {
	w := canon.New(dst, "")
	w.Open("isRegisteredResponse", nsRV3)
	for _, a := range as {
		w.Open("return", nsRV3)
		writeAccount(w, a)
		w.Close("return")
	}
	w.Close("isRegisteredResponse")
	return w.Buf
}

// The Authority answers hold unqualified return elements (SPEC §2): the
// writer undeclares the default namespace for them.

func appendSendersResponse(dst []byte, ss []far.RegisteredSender) []byte {
	w := canon.New(dst, "")
	w.Open("getSendersResponse", nsAuth)
	for _, s := range ss {
		w.Open("return", "")
		w.Leaf("Id", message.NSSender, string(s.ID))
		w.Leaf("Name", message.NSSender, s.Name)
		w.Close("return")
	}
	w.Close("getSendersResponse")
	return w.Buf
}

func appendDispatchersResponse(dst []byte, ds []far.Dispatcher) []byte {
	w := canon.New(dst, "")
	w.Open("getDispatchersResponse", nsAuth)
	for _, d := range ds {
		w.Open("return", "")
		w.Leaf("Id", message.NSDispatcher, string(d.ID))
		w.Leaf("Name", message.NSDispatcher, d.Name)
		for _, s := range d.Senders {
			w.Leaf("Senders", message.NSDispatcher, string(s))
		}
		w.Close("return")
	}
	w.Close("getDispatchersResponse")
	return w.Buf
}

func appendSenderAcceptedResponse(dst []byte, accepted bool) []byte {
	w := canon.New(dst, "")
	w.Open("isSenderAcceptedResponse", nsAuth)
	w.Leaf("return", "", boolText(accepted))
	w.Close("isSenderAcceptedResponse")
	return w.Buf
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
