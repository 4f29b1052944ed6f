package receipt

import (
	"bytes"
	"testing"

	"github.com/avsandare/mm/message"
)

func fuzzSeeds(f *testing.F, answers ...[]byte) {
	for _, a := range answers {
		f.Add(a)
	}
	f.Add([]byte(`<deliverSecureResponse xmlns="` + message.NSServiceV3 + `"><return/></deliverSecureResponse>`))
	f.Add([]byte(`<!DOCTYPE a><a/>`))
	f.Add([]byte(``))
}

// payloadOf strips the test envelope off an answer.
func payloadOf(env []byte) []byte {
	return bytes.TrimSuffix(bytes.TrimPrefix(env, []byte(soapOpen)), []byte(soapClose))
}

func FuzzParseDeliverSecureResponse(f *testing.F) {
	fuzzSeeds(f, payloadOf(deliverAnswer(f, testPerson, true)), payloadOf(deliverAnswer(f, testOrg.RecipientID(), false)))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseDeliverSecureResponse(data)
		if err != nil {
			return
		}
		if len(res.Statuses) == 0 || len(res.Statuses) > maxStatuses {
			t.Fatalf("parsed %d statuses", len(res.Statuses))
		}
		// What the writer accepts reads back the same.
		out, err := AppendDeliverSecureResponse(nil, res)
		if err != nil {
			return
		}
		back, err := ParseDeliverSecureResponse(out)
		if err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, out)
		}
		if back.TransID != res.TransID || len(back.Statuses) != len(res.Statuses) {
			t.Fatalf("round trip changed the result: %+v, then %+v", res, back)
		}
	})
}

func FuzzParseNotifyResponse(f *testing.F) {
	fuzzSeeds(f, payloadOf(notifyAnswer(f, testPerson, true, "SMS", "EMail")), payloadOf(notifyAnswer(f, testPerson2, false)))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseNotifyResponse(data)
		if err != nil {
			return
		}
		for _, s := range res.Statuses {
			if len(s.NotifiedBy) > 2 {
				t.Fatalf("parsed %d channels", len(s.NotifiedBy))
			}
		}
		out, err := AppendNotifyResponse(nil, res)
		if err != nil {
			return
		}
		if _, err := ParseNotifyResponse(out); err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, out)
		}
	})
}

// FuzzProofCheck feeds arbitrary request and answer bodies to Check, which
// reads both, under a receipt whose hash matches the request.
func FuzzProofCheck(f *testing.F) {
	f.Add(deliverRequest(f, testPerson), deliverAnswer(f, testPerson, true))
	f.Add(notifyRequest(f, testPerson), notifyAnswer(f, testPerson, true, "SMS"))
	f.Add([]byte(soapOpen+soapClose), []byte("<"))
	f.Fuzz(func(t *testing.T, req, resp []byte) {
		for _, ch := range []Channel{Digital, Notification} {
			p := &Proof{Receipt: Receipt{
				MessageID: testMsgID, Recipient: testPerson, Channel: ch, State: StateDelivered, Delivered: true,
				TransID: testTransID, SealedSHA256: RequestSHA256(req),
			}, Request: req, Response: resp}
			_ = p.Check()
		}
	})
}
