package mailing

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// PlanConfig says who sends a mailing, when, and how fast.
type PlanConfig struct {
	// Sender is the authority that sends; it is named in the notice and in
	// every delivery's header, whose size it changes. Required.
	Sender message.Sender
	// Mailing is the mailing's name. Required.
	Mailing string
	// Contact says whom the infrastructure should call about the mailing
	// (a name and a telephone number); optional.
	Contact string
	// Start is when the first message leaves. Required.
	Start time.Time
	// Rate is the pace, in messages per second, the mailing is held to; it
	// is also its peak. Required.
	Rate float64
	// Overhead is what a signed request adds around its Delivery; zero
	// means DeliverSecureOverhead (see MeasureOverhead).
	Overhead int
}

// Plan is what the infrastructure asks to be told before a large mailing
// (SPEC §9): when it starts and ends, how many messages, how large they are
// and whether they have attachments. Sizes are of the HTTP request bodies
// that carry the messages (see RequestSize).
type Plan struct {
	Mailing string         `json:"mailing"`
	Sender  message.Sender `json:"-"`
	Contact string         `json:"contact,omitempty"`
	// Messages is how many messages the mailing has.
	Messages int `json:"messages"`
	// ByClass counts the messages per protection class.
	ByClass map[securityclass.Class]int `json:"byClass"`
	// WithAttachments is how many messages have at least one attachment;
	// Attachments how many attachments there are in all.
	WithAttachments int `json:"withAttachments"`
	Attachments     int `json:"attachments"`
	// TotalBytes and LargestBytes are request sizes; LargestID names the
	// largest message.
	TotalBytes   int64  `json:"totalBytes"`
	LargestBytes int    `json:"largestBytes"`
	LargestID    string `json:"largestMessageId,omitempty"`
	// Start and End bound the mailing at Rate messages per second.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Rate  float64   `json:"ratePerSecond"`
}

// NewPlan reads msgs (Source.Messages, after Source.Validate) and adds
// them up without sending anything. Only the totals are kept, so memory
// stays flat however many messages there are. The first error from msgs
// ends it.
func NewPlan(ctx context.Context, msgs iter.Seq2[*message.Message, error], cfg PlanConfig) (*Plan, error) {
	switch {
	case cfg.Mailing == "":
		return nil, errors.New("mailing: plan: mailing name is empty")
	case cfg.Sender.ID == "" || cfg.Sender.Name == "":
		return nil, errors.New("mailing: plan: sender organisation number and name are required")
	case cfg.Start.IsZero():
		return nil, errors.New("mailing: plan: start time is required")
	case !(cfg.Rate > 0) || math.IsInf(cfg.Rate, 0):
		return nil, fmt.Errorf("mailing: plan: rate %v messages per second is not positive", cfg.Rate)
	}
	overhead := cfg.Overhead
	if overhead == 0 {
		overhead = DeliverSecureOverhead
	}
	p := &Plan{Mailing: cfg.Mailing, Sender: cfg.Sender, Contact: cfg.Contact, Start: cfg.Start, Rate: cfg.Rate,
		ByClass: map[securityclass.Class]int{}}
	for m, err := range msgs {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		size, err := RequestSize(cfg.Sender, m, overhead)
		if err != nil {
			return nil, fmt.Errorf("mailing: plan: message %s: %w", m.ID, err)
		}
		p.Messages++
		p.ByClass[m.Class.OrDefault()]++
		if len(m.Attachments) > 0 {
			p.WithAttachments++
			p.Attachments += len(m.Attachments)
		}
		p.TotalBytes += int64(size)
		if size > p.LargestBytes {
			p.LargestBytes, p.LargestID = size, m.ID
		}
	}
	p.End = p.Start.Add(p.Duration())
	return p, nil
}

// Duration is how long the mailing takes at its rate: the last message
// leaves (Messages-1)/Rate seconds after the first, and is given a second
// to be answered.
func (p *Plan) Duration() time.Duration {
	if p.Messages == 0 {
		return 0
	}
	return time.Duration(float64(p.Messages-1)/p.Rate*float64(time.Second)) + time.Second
}

// Average is the mean request size in bytes.
func (p *Plan) Average() int64 {
	if p.Messages == 0 {
		return 0
	}
	return p.TotalBytes / int64(p.Messages)
}
