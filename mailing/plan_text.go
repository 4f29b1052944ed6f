package mailing

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the notice gives Swedish time wherever it is made

	"github.com/avsandare/mm/securityclass"
)

// Text renders the plan as the short notice an agency e-mails to the
// infrastructure before a large mailing: English, with the Swedish field
// names in parentheses, times in Swedish time.
func (p *Plan) Text() string {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.UTC // embedded by time/tzdata; kept for safety
	}
	when := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
	var rows [][2]string
	add := func(label, value string) { rows = append(rows, [2]string{label, value}) }

	add("Sender (Avsändare)", fmt.Sprintf("%s, %s", p.Sender.Name, p.Sender.ID))
	add("Mailing (Utskick)", p.Mailing)
	if p.Contact != "" {
		add("Contact (Kontaktperson)", p.Contact)
	}
	add("Start (Start)", when(p.Start))
	add("End, estimated (Beräknat slut)", fmt.Sprintf("%s (after %s)", when(p.End), humanDuration(p.Duration())))
	add("Messages (Antal meddelanden)", group(int64(p.Messages)))
	add("Peak rate (Högsta takt)", fmt.Sprintf("%s per second (%s per hour)", trimFloat(p.Rate), group(int64(p.Rate*3600+0.5))))
	add("Size per message (Storlek per meddelande)", fmt.Sprintf("average %s, largest %s", bytesText(p.Average()), bytesText(int64(p.LargestBytes))))
	add("Total volume (Total datamängd)", bytesText(p.TotalBytes))
	add("With attachments (Med bilagor)", fmt.Sprintf("%s messages (%s), %s files in all",
		group(int64(p.WithAttachments)), percent(p.WithAttachments, p.Messages), group(int64(p.Attachments))))
	var classes []string
	for _, c := range []securityclass.Class{securityclass.Class3, securityclass.Class2, securityclass.Class1} {
		classes = append(classes, fmt.Sprintf("%s: %s", c, group(int64(p.ByClass[c]))))
	}
	add("Protection class (Skyddsklass)", strings.Join(classes, ", "))

	width := 0
	for _, r := range rows {
		width = max(width, len([]rune(r[0])))
	}
	var b strings.Builder
	b.WriteString("Notice of a large mailing (Avisering av massutskick)\n\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s:%s %s\n", r[0], strings.Repeat(" ", width-len([]rune(r[0]))), r[1])
	}
	b.WriteString("\nSizes are of the requests on the wire: signed and sealed deliveries in their SOAP envelopes.\n")
	return b.String()
}

// MarshalJSON writes the plan with the sender as {id, name} and the
// derived figures beside the counted ones.
func (p *Plan) MarshalJSON() ([]byte, error) {
	type plain Plan // without this method
	type sender struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	return json.Marshal(struct {
		Sender sender `json:"sender"`
		*plain
		AverageBytes    int64   `json:"averageBytes"`
		DurationSeconds float64 `json:"durationSeconds"`
	}{sender{string(p.Sender.ID), p.Sender.Name}, (*plain)(p), p.Average(), p.Duration().Seconds()})
}

// group writes n with a space between groups of three digits, as Swedish
// readers and most standards bodies do.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func percent(part, whole int) string {
	if whole == 0 {
		return "0 %"
	}
	return fmt.Sprintf("%.0f %%", 100*float64(part)/float64(whole))
}

// bytesText writes a size in binary units, the ones the 2 MB (2 MiB)
// limit is counted in.
func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0 && m == 0:
		return "less than a minute"
	case h == 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
