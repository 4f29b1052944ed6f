package soap

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Retry is why a call makes another attempt, as Config.OnRetry receives
// it.
type Retry struct {
	// Attempt is the number of the attempt about to be made: 2 for the
	// first retry.
	Attempt int
	// Err is the previous attempt's error; nil when its HTTP status alone
	// asked for the retry (Status).
	Err error
	// Status is the HTTP status that asked for the retry (429, 502, 503,
	// 504); zero when Err did.
	Status int
	// Wait is how long was waited before this attempt.
	Wait time.Duration
}

// Failure classes a call's error for telemetry, in words that carry
// nothing a server wrote: Class names what went wrong, the rest are set
// when they apply.
type Failure struct {
	// Class is "fault", "timeout", "canceled", "network", "tls",
	// "redirect", "not_soap", "too_large", "malformed", an HTTP status
	// ("503"), or "other".
	Class string
	// Fault is the fault the server answered with (Class "fault").
	Fault *Fault
	// Status is the HTTP status of an answer that was not SOAP or not
	// 200, zero otherwise.
	Status int
}

// Classify classes err, the error of a Call (or of an attempt, as
// Retry.Err holds it). A nil err has the zero Failure.
func Classify(err error) Failure {
	if err == nil {
		return Failure{}
	}
	if f, ok := errors.AsType[*Fault](err); ok {
		return Failure{Class: "fault", Fault: f}
	}
	if errors.Is(err, context.Canceled) {
		return Failure{Class: "canceled"}
	}
	if re, ok := errors.AsType[*ResponseError](err); ok {
		switch {
		case errors.Is(re.Err, ErrRedirect):
			return Failure{Class: "redirect", Status: re.StatusCode}
		case errors.Is(re.Err, ErrNotSOAP):
			return Failure{Class: "not_soap", Status: re.StatusCode}
		case errors.Is(re.Err, ErrTooLarge):
			return Failure{Class: "too_large", Status: re.StatusCode}
		case errors.Is(re.Err, ErrStatus):
			return Failure{Class: strconv.Itoa(re.StatusCode), Status: re.StatusCode}
		}
		return Failure{Class: "malformed", Status: re.StatusCode}
	}
	switch {
	case errors.Is(err, ErrMalformed):
		return Failure{Class: "malformed"}
	case tlsRefusal(err):
		return Failure{Class: "tls"}
	case errors.Is(err, context.DeadlineExceeded) || timedOut(err):
		return Failure{Class: "timeout"}
	case retryable(err):
		return Failure{Class: "network"}
	}
	return Failure{Class: "other"}
}
