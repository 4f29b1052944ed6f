package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/cobra"
)

func init() { register(newLookupCommand) }

var lookupLong = `Lookup asks FaR (isReachable) for the sender whether recipients can get
digital mail, and prints, for each, where a message would go: digitally to an
operator, or on paper and why.

Identities come as arguments, from --ids FILE and, for "-", from standard
input, one per line in any usual form (YYMMDD-NNNN, YYYYMMDD-NNNN,
YYYYMMDDNNNN, coordination numbers alike, NNNNNN-NNNN for organisations);
blank lines and lines starting with # are skipped. Any line that is not an
identity stops the command before FaR is asked, with the line's number.
Personal identity numbers are printed with the last four digits masked unless
--show-ids.

` + connHelp + `

With --json, JSON Lines: one object per identity, in the order asked:
  {"recipient", "digital", "operator": {"id", "name", "serviceAddress",
   "uiAddress"}, "reason", "reasonText", "accountType", "pending",
   "senderAccepted"}` + exitSection(
	"0  every identity was looked up, whatever the answers",
	"1  FaR refused the lookup (a fault about the call, such as a sender it does not know)",
	"2  a wrong command line, or an identity or file that cannot be read",
	"3  FaR could not be reached or trusted, or failed",
)

type lookupFlags struct {
	conn    connFlags
	idsFile string
	asJSON  bool
	showIDs bool
}

func newLookupCommand(e *env) *cobra.Command {
	var f lookupFlags
	cmd := &cobra.Command{
		Use:     "lookup [flags] [ID... | -]",
		Short:   "ask FaR whether recipients can get digital mail, and where",
		Long:    lookupLong,
		Example: "  mm lookup --env test --cert kommun.p12 --password-env P12_PASSWORD 195303231855\n  mm lookup - --json < ids.txt",
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return status(f.run(cmd, e, args))
		},
	}
	f.conn.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&f.idsFile, "ids", "", "a `FILE` of identities, one per line")
	fs.BoolVar(&f.asJSON, "json", false, "print the answers as JSON Lines")
	fs.BoolVar(&f.showIDs, "show-ids", false, "print personal identity numbers whole (default: the last four digits masked)")
	return cmd
}

func (f *lookupFlags) run(cmd *cobra.Command, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	ids, bad := readLookupIDs(args, f.idsFile, e.stdin)
	for _, b := range bad {
		fmt.Fprintln(stderr, "mm lookup:", b)
	}
	if len(bad) > 0 {
		fmt.Fprintln(stderr, "mm lookup: nothing was looked up")
		return exitUsage
	}
	if len(ids) == 0 {
		fmt.Fprintln(stderr, "mm lookup: no identities: give them as arguments, with --ids FILE, or - for standard input")
		return exitUsage
	}
	client, sender, err := lookupClient(&f.conn)
	if err != nil {
		fmt.Fprintln(stderr, "mm lookup:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	got, err := client.IsReachable(ctx, sender, ids...)
	if err != nil {
		fmt.Fprintln(stderr, "mm lookup:", err)
		return failureStatus(err)
	}
	show := func(id message.RecipientID) string {
		if f.showIDs {
			return id.Number()
		}
		return id.Masked()
	}
	if f.asJSON {
		return printLookupJSON(stdout, stderr, got, show)
	}
	digital := 0
	for _, r := range got {
		d := r.Decide()
		if d.Digital {
			digital++
			fmt.Fprintf(stdout, "%-12s  digital  %s (%s)  %s\n", show(r.Recipient), safetext.Clean(d.Operator.Name), d.Operator.ID, safetext.Clean(d.Operator.ServiceAddress))
		} else {
			fmt.Fprintf(stdout, "%-12s  paper    %s\n", show(r.Recipient), d.Reason)
		}
	}
	fmt.Fprintf(stderr, "mm lookup: %d looked up for sender %s: %d digital, %d paper\n", len(got), sender, digital, len(got)-digital)
	return exitOK
}

// readLookupIDs gathers the identities of the arguments ("-" reads
// stdin) and of file, in that order, and describes every one it cannot
// read. A description never shows the line itself: it may be a personal
// identity number with a typo.
func readLookupIDs(args []string, file string, stdin io.Reader) ([]message.RecipientID, []string) {
	var ids []message.RecipientID
	var bad []string
	add := func(s, where string) {
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "#") {
			return
		}
		id, err := message.ParseRecipientID(s)
		if err != nil {
			bad = append(bad, where+": "+err.Error())
			return
		}
		ids = append(ids, id)
	}
	lines := func(r io.Reader, name string) {
		sc := bufio.NewScanner(r)
		for n := 1; sc.Scan(); n++ {
			add(sc.Text(), name+":"+strconv.Itoa(n))
		}
		if err := sc.Err(); err != nil {
			bad = append(bad, name+": "+err.Error())
		}
	}
	for k, a := range args {
		if a == "-" {
			lines(stdin, "stdin")
		} else {
			add(a, "argument "+strconv.Itoa(k+1))
		}
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			bad = append(bad, "--ids: "+err.Error())
		} else {
			lines(f, file)
			_ = f.Close()
		}
	}
	return ids, bad
}

// lookupClient makes a FaR client from the connection flags, and returns
// the sender to ask for.
func lookupClient(conn *connFlags) (*far.Client, message.OrgNumber, error) {
	eps, err := conn.endpoints()
	if err != nil {
		return nil, "", err
	}
	signer, err := conn.signer()
	if err != nil {
		return nil, "", err
	}
	sender, err := conn.senderOf(signer)
	if err != nil {
		return nil, "", err
	}
	roots, err := conn.roots()
	if err != nil {
		return nil, "", err
	}
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: signer.TLSCertificate(), Roots: roots})
	if err != nil {
		return nil, "", err
	}
	c, err := far.New(far.Config{Endpoints: eps, HTTPClient: hc})
	if err != nil {
		return nil, "", err
	}
	return c, sender.ID, nil
}

type lookupJSON struct {
	Recipient      string        `json:"recipient"`
	Digital        bool          `json:"digital"`
	Operator       *operatorJSON `json:"operator,omitempty"`
	Reason         string        `json:"reason,omitempty"`
	ReasonText     string        `json:"reasonText,omitempty"`
	AccountType    string        `json:"accountType"`
	Pending        bool          `json:"pending"`
	SenderAccepted bool          `json:"senderAccepted"`
}

type operatorJSON struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	ServiceAddress string `json:"serviceAddress"`
	UIAddress      string `json:"uiAddress,omitempty"`
}

func printLookupJSON(stdout, stderr io.Writer, got []far.Reachability, show func(message.RecipientID) string) int {
	// JSON Lines: one object per identity, in the order asked.
	enc := json.NewEncoder(stdout)
	for _, r := range got {
		d := r.Decide()
		j := lookupJSON{Recipient: show(r.Recipient), Digital: d.Digital, AccountType: string(r.Type), Pending: r.Pending, SenderAccepted: r.SenderAccepted}
		if r.Operator != nil {
			clean := safetext.Clean // FaR's texts, for whatever shows the JSON
			j.Operator = &operatorJSON{string(r.Operator.ID), clean(r.Operator.Name), clean(r.Operator.ServiceAddress), clean(r.Operator.UIAddress)}
		}
		if !d.Digital {
			j.Reason, j.ReasonText = string(d.Reason), d.Reason.String()
		}
		if err := enc.Encode(j); err != nil {
			fmt.Fprintln(stderr, "mm lookup:", err)
			return exitTrouble
		}
	}
	return exitOK
}
