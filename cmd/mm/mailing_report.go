package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/cobra"
)

// reportStates turns --state into the groups of states to list, in the
// order given: "paper" is every message that went by paper, including
// those an operator declined first; any state word selects that state.
func reportStates(list string) ([][]journal.State, error) {
	var groups [][]journal.State
	for _, word := range strings.Split(list, ",") {
		word = strings.TrimSpace(word)
		switch st := journal.State(word); {
		case word == "paper":
			groups = append(groups, []journal.State{journal.Paper, journal.DeclinedThenPaper})
		case st.Valid():
			groups = append(groups, []journal.State{st})
		default:
			return nil, fmt.Errorf("--state %q: want paper or a state (%s)", word, stateWords())
		}
	}
	return groups, nil
}

func stateWords() string {
	words := make([]string, len(journal.States()))
	for i, s := range journal.States() {
		words[i] = string(s)
	}
	return strings.Join(words, ", ")
}

// reportLine is one message of a report, and its JSON form (one object a
// line).
type reportLine struct {
	State       journal.State `json:"state"`
	MessageID   string        `json:"messageId"`
	Recipient   string        `json:"recipient"`
	Channel     string        `json:"channel,omitempty"`
	Operator    string        `json:"operator,omitempty"`
	PaperReason string        `json:"paperReason,omitempty"`
	Error       string        `json:"error,omitempty"`
	Attempts    int           `json:"attempts"`
	Updated     time.Time     `json:"updated"`
}

// newReportLine shows an entry. Its texts are cleaned again, for journals
// written before Record cleaned them.
func newReportLine(e journal.Entry, showIDs bool) reportLine {
	clean := safetext.Clean
	r := reportLine{State: e.State, MessageID: clean(e.MessageID), Recipient: e.Recipient.Masked(), Channel: string(e.Channel),
		Operator: clean(string(e.Operator.ID)), PaperReason: clean(string(e.PaperReason)), Error: clean(e.Error), Attempts: e.Attempts, Updated: e.Updated}
	if showIDs {
		r.Recipient = e.Recipient.Number()
	}
	return r
}

// detail is the report's last column: why the message stands where it
// does.
func (r reportLine) detail() string {
	var parts []string
	for _, p := range []string{r.PaperReason, r.Error} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if r.State == journal.Unknown || r.State == journal.Sending {
		via := r.Channel
		if r.Operator != "" {
			via += " to " + r.Operator
		}
		parts = append(parts, fmt.Sprintf("(attempts %d, %s)", r.Attempts, via))
	}
	return strings.Join(parts, " ")
}

// writeReport lists the mailing's messages in the groups of states, and
// returns how many it listed.
func writeReport(ctx context.Context, w io.Writer, j journal.Journal, name string, groups [][]journal.State, showIDs, asJSON bool) (int, error) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	enc := json.NewEncoder(w)
	if !asJSON {
		fmt.Fprintln(tw, "STATE\tMESSAGE\tRECIPIENT\tDETAIL")
	}
	n := 0
	for _, states := range groups {
		for e, err := range j.List(ctx, name, journal.Filter{States: states}) {
			if err != nil {
				return n, err
			}
			r := newReportLine(e, showIDs)
			n++
			if asJSON {
				if err := enc.Encode(r); err != nil {
					return n, err
				}
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.State, r.MessageID, r.Recipient, r.detail())
		}
	}
	if asJSON {
		return n, nil
	}
	fmt.Fprintf(tw, "%d message(s)\n", n)
	return n, tw.Flush()
}

func newMailingReportCommand(e *env) *cobra.Command {
	var f journalFlags
	var stateList string
	var showIDs bool
	cmd := &cobra.Command{
		Use:   "report [flags]",
		Short: "the messages sent by paper (and why), failed (and why) and unknown",
		Long: `Report lists the messages of a mailing in the states asked (--state), with why
each stands where it does. Recipients are masked unless --show-ids.

With --json, JSON Lines: one object per message:
  {"state", "messageId", "recipient", "channel", "operator", "paperReason",
   "error", "attempts", "updated"}` + journalExit,
		Example: "  mm mailing report --journal mailing.db --mailing utskick-2026 --state failed,unknown --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			groups, err := reportStates(stateList)
			if err != nil {
				return usagef("%v", err)
			}
			return f.run(cmd, func(ctx context.Context, j journal.Journal) error {
				if _, err := counts(ctx, j, f.mailing); err != nil {
					return err
				}
				_, err := writeReport(ctx, e.stdout, j, f.mailing, groups, showIDs, f.asJSON)
				return err
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&stateList, "state", "paper,failed,unknown", "the states to list, comma-separated: paper (with declined-then-paper), failed, unknown, or any other state")
	cmd.Flags().BoolVar(&showIDs, "show-ids", false, "print recipients' full identity numbers (default: masked, 19530323****)")
	return cmd
}
