package main

import (
	"errors"
	"fmt"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
)

// What mm verify says of a document whose signatures verified: plain
// "valid" only when the certificate chains were checked too. With
// --insecure-skip-chain the signatures match the certificates in the
// document, which anyone can make: it must never read as "valid".
const (
	resultValid          = "valid"
	resultChainUnchecked = "signature valid, certificate chain NOT checked"
	resultInvalid        = "invalid"
)

func verdict(skipChain bool) string {
	if skipChain {
		return resultChainUnchecked
	}
	return resultValid
}

// refusal is a rule of the contracts a verified delivery breaks, for which
// an operator refuses it whatever its signatures, with the fault it
// answers.
type refusal struct {
	Message string `json:"message"`
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Found   string `json:"found"`
	Fault   int    `json:"fault"`
}

func (r refusal) String() string {
	return fmt.Sprintf("message %s: %s must be %s, got %s; operators answer fault %d (maximum exceeded, §4.17)", r.Message, r.Field, r.Rule, r.Found, r.Fault)
}

// operatorRefusals checks a verified delivery against the size limit an
// operator enforces on each message (SPEC §3 "Size", §4.17: 2 MB on the
// wire, attachments included, refused with fault 5005), measured as the
// SDK measures it before sending. A signature says who made a delivery,
// not that an operator will take it.
func operatorRefusals(d *message.Delivery) []refusal {
	var out []refusal
	for _, m := range d.Messages {
		for _, err := range unjoin(m.Validate()) {
			var ve *message.ValidationError
			if errors.As(err, &ve) && errors.Is(err, message.ErrTooLarge) {
				out = append(out, refusal{Message: m.ID, Field: ve.Field, Rule: ve.Rule, Found: ve.Value, Fault: soap.CodeMaximumExceeded})
			}
		}
	}
	return out
}

// unjoin lists the problems of a Validate error: the errors errors.Join
// put together, or err itself (a *ValidationError unwraps to its
// sentinels, not to problems).
func unjoin(err error) []error {
	if _, one := err.(*message.ValidationError); !one {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			return j.Unwrap()
		}
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
