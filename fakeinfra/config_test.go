package fakeinfra_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func exampleConfig(t *testing.T) *fakeinfra.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "example-config.json"))
	require.NoError(t, err)
	cfg, err := fakeinfra.ParseConfig(data)
	require.NoError(t, err)
	return cfg
}

// The example configuration starts a fake that answers as it says: each
// kind of recipient, the registered senders and intermediaries, and the
// faults, drawn from its seed.
func TestExampleConfig(t *testing.T) {
	t.Parallel()
	infra, err := fakeinfra.NewFromConfig(exampleConfig(t))
	require.NoError(t, err)
	t.Cleanup(infra.Close)

	var who []string
	for _, id := range infra.Identities() {
		who = append(who, string(id.Role)+" "+string(id.Org)+" "+id.Name)
		assert.Equal(t, id.Org, id.Signer.OrgNumber())
	}
	assert.Equal(t, []string{"sender 162021004748 Kommun A", "sender 165590030002 Kommun B", "intermediary 165566778899 Förmedlare AB"}, who)
	assert.Equal(t, []string{"kivra", "minmyndighetspost", "billo", "fortnox"}, infra.Operators())

	c := infra.HTTPClient()
	ids := ""
	for _, id := range []string{alice, bob, carl, "200001012384", "165590040001"} {
		ids += "<recipientId>" + id + "</recipientId>"
	}
	status, env := soapCall(t, c, infra.FaR().Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>165590030002</senderOrgNr>`+ids+`</isReachable>`)
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, reply{status, env}), "Kommun A's certificate may not ask for Kommun B")

	status, env = soapCall(t, c, infra.FaR().Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>162021004748</senderOrgNr>`+ids+`</isReachable>`)
	require.Equal(t, http.StatusOK, status, string(env))
	s := string(payloadOf(t, env))
	for _, want := range []string{
		"<Type>Secure</Type>", "<Type>Not</Type>", "<Type>Anonymous</Type>", "<Pending>true</Pending>",
		"<Name>Kivra</Name>", "<Name>Billo</Name>", "<Name>Min myndighetspost</Name>", "<Name>Fortnox</Name>",
	} {
		assert.Contains(t, s, want)
	}

	// Fortnox is down for ten minutes from the start; Min myndighetspost
	// holds the first call until the client gives up.
	status, _ = post(t, c, infra.OperatorURL("fortnox"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage("165590040001")))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	short := *c
	short.Timeout = 300 * time.Millisecond
	_, _, err = attempt(&short, infra.OperatorURL("minmyndighetspost"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage("200001012384")))
	assert.Error(t, err, "held until the client gave up")

	// Billo loses one answer after storing, and fails a fifth of the calls
	// with fault 1000, drawn from the seed: a fake from the same
	// configuration fails the same calls.
	broker := identityOf(t, infra, "165566778899")
	bc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: broker.TLSCertificate(), Roots: infra.Roots()})
	require.NoError(t, err)
	retries := func(infra *fakeinfra.Infra) string {
		req := sealedRequest(t, infra, broker, infra.Sender(), testMessage(carl))
		var pattern strings.Builder
		for range 20 {
			status, body, err := attempt(bc, infra.OperatorURL("billo"), req)
			switch {
			case err != nil:
				pattern.WriteByte('r')
			case status == http.StatusOK:
				pattern.WriteByte('.')
				return pattern.String()
			default:
				assert.Contains(t, string(body), "<ErrorCode>1000</ErrorCode>")
				pattern.WriteByte('x')
			}
		}
		return pattern.String()
	}
	pattern := retries(infra)
	assert.Equal(t, 1, strings.Count(pattern, "r"), pattern)
	assert.True(t, strings.HasSuffix(pattern, "."), pattern)
	again, err := fakeinfra.NewFromConfig(exampleConfig(t))
	require.NoError(t, err)
	t.Cleanup(again.Close)
	assert.Equal(t, pattern, retries(again), "the same seed strikes the same calls")
	require.Len(t, infra.Mailbox(carl), 1, "stored once, though the answer was lost")
	assert.Equal(t, message.OrgNumber("165566778899"), infra.Mailbox(carl)[0].SealedBy)

	// Carl turns Kommun B away; 200001012384's operator declines although
	// FaR names it.
	infra.ClearFaults()
	res := delivered(t, send(t, bc, infra.OperatorURL("billo"), sealedRequest(t, infra, broker, message.Sender{ID: "165590030002", Name: "Kommun B"}, testMessage(carl))))
	assert.False(t, res.Statuses[0].Delivered, "rejected sender")
	res = delivered(t, send(t, c, infra.OperatorURL("minmyndighetspost"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage("200001012384"))))
	assert.False(t, res.Statuses[0].Delivered, "declined by the operator")
	assert.Len(t, infra.Deliveries(), 1)
}

func identityOf(t *testing.T, infra *fakeinfra.Infra, org string) *sign.Signer {
	t.Helper()
	for _, id := range infra.Identities() {
		if string(id.Org) == org {
			return id.Signer
		}
	}
	t.Fatalf("no identity %s", org)
	return nil
}

// Every mistake is a *ConfigError naming the JSON path at fault, and
// nothing starts.
func TestConfigErrorsNameThePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, path, want string
	}{
		{"unknown top field", `{"recipent": []}`, "recipent", "unknown field"},
		{"unknown nested field", `{"recipients": [{"id": "195303231855"}, {"id": "198101052382", "mailbx": "kivra"}]}`, "recipients[1].mailbx", "unknown field"},
		{"wrong type", `{"recipients": [{"id": "195303231855", "pending": "yes"}]}`, "recipients[0].pending", "want true or false"},
		{"not an array", `{"faults": {"target": "far/recipient"}}`, "faults", "want an array"},
		{"not an object", `[]`, "", "want an object"},
		{"fraction of a seed", `{"seed": 1.5}`, "seed", "want a whole number"},
		{"syntax", "{\n \"seed\": 1\n \"x\": 2}", "", "line 3, column 2"},
		{"trailing data", `{} {}`, "", "invalid character"},
		{"bad recipient", `{"recipients": [{"id": "19530323-1856"}]}`, "recipients[0].id", "check digit"},
		{"twice", `{"recipients": [{"id": "195303231855"}, {"id": "530323-1855"}]}`, "recipients[1].id", "the same recipient as recipients[0]"},
		{"no such operator", `{"recipients": [{"id": "195303231855", "mailbox": "kivr"}]}`, "recipients[0].mailbox", `no operator "kivr" (have kivra, minmyndighetspost, billo, fortnox)`},
		{"account type", `{"recipients": [{"id": "195303231855", "account_type": "secure"}]}`, "recipients[0].accountType", "want Secure, Anonymous or Not"},
		{"bad reject", `{"recipients": [{"id": "195303231855", "rejects": ["162021004748", "12"]}]}`, "recipients[0].rejects[1]", "digits"},
		{"sender org", `{"sender": {"org": "195303231855", "name": "Kommun A"}}`, "sender.org", ""},
		{"sender name", `{"senders": [{"org": "165590030002", "name": "B"}]}`, "senders[0].name", "2 to 256 characters"},
		{"intermediary sender", `{"intermediaries": [{"org": "165566778899", "name": "Förmedlare AB", "senders": ["x"]}]}`, "intermediaries[0].senders[0]", ""},
		{"no operators", `{"operators": []}`, "operators", "at least one operator"},
		{"operator twice", `{"operators": [{"name": "a", "id": "165568402266"}, {"name": "a", "id": "162021006883"}]}`, "operators[1].name", "given twice"},
		{"operator name", `{"operators": [{"name": "a/b", "id": "165568402266"}]}`, "operators[0].name", "without spaces or slashes"},
		{"operator id", `{"operators": [{"name": "a", "id": "1"}]}`, "operators[0].id", ""},
		{"fault target", `{"faults": [{"target": "operator/kivr", "kind": "reset"}]}`, "faults[0].target", "operator/NAME with NAME one of kivra"},
		{"fault kind", `{"faults": [{"target": "far/recipient", "kind": "crash", "delay": "1s"}]}`, "faults[0].kind", `"crash": want soap-fault`},
		{"code missing", `{"faults": [{"target": "far/recipient", "kind": "soap-fault"}]}`, "faults[0].code", "required for kind soap-fault"},
		{"code elsewhere", `{"faults": [{"target": "far/recipient", "kind": "reset", "code": 5006}]}`, "faults[0].code", "only for kind soap-fault"},
		{"code range", `{"faults": [{"target": "far/recipient", "kind": "soap-fault", "code": 10000}]}`, "faults[0].code", "0 to 4999"},
		{"status range", `{"faults": [{"target": "far/authority", "kind": "http-status", "status": 200}]}`, "faults[0].status", "400 to 599"},
		{"delay", `{"faults": [{"target": "far/authority", "kind": "latency", "delay": "soon"}]}`, "faults[0].delay", "positive duration"},
		{"delay missing", `{"faults": [{"target": "far/authority", "kind": "latency"}]}`, "faults[0].delay", "required for kind latency"},
		{"times", `{"faults": [{"target": "far/authority", "kind": "reset", "times": -1}]}`, "faults[0].times", "positive count"},
		{"fraction", `{"faults": [{"target": "far/authority", "kind": "reset", "fraction": 1.5}]}`, "faults[0].fraction", "at most 1"},
		{"for", `{"faults": [{"target": "far/authority", "kind": "reset", "for": "-1s"}]}`, "faults[0].for", "positive duration"},
		{"round trip", `{"round_trip": "50"}`, "roundTrip", "want a duration such as 50ms"},
		{"negative round trip", `{"round_trip": "-5ms"}`, "roundTrip", "want a duration"},
		{"retain", `{"retain": -1}`, "retain", "want 0 (keep everything) or a positive count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := fakeinfra.ParseConfig([]byte(tc.json))
			require.Error(t, err)
			ce, ok := errors.AsType[*fakeinfra.ConfigError](err)
			require.True(t, ok, "%T: %v", err, err)
			assert.Equal(t, tc.path, ce.Path, err.Error())
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A configuration checked by NewFromConfig refuses the same way, and the
// empty configuration is the default fake.
func TestNewFromConfig(t *testing.T) {
	t.Parallel()
	_, err := fakeinfra.NewFromConfig(&fakeinfra.Config{Recipients: []fakeinfra.RecipientConfig{{ID: "x"}}})
	ce, ok := errors.AsType[*fakeinfra.ConfigError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "recipients[0].id", ce.Path)

	infra, err := fakeinfra.NewFromConfig(&fakeinfra.Config{})
	require.NoError(t, err)
	defer infra.Close()
	assert.Equal(t, fakeinfra.DefaultSenderOrg, infra.Sender().ID)
	assert.Len(t, infra.Operators(), 4)
	require.Len(t, infra.Identities(), 1)
	assert.Equal(t, fakeinfra.RoleSender, infra.Identities()[0].Role)
}
