package main

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/avsandare/mm"
)

// The exit statuses, one contract for every command (exitContract says it
// to the user).
const (
	exitOK      = 0
	exitFailed  = 1 // the thing sent or checked failed: an answer, and it is no
	exitUsage   = 2 // the command line or its input is wrong: fix it
	exitTrouble = 3 // the surroundings failed: try again later, input unchanged
	// exitNotVerifiable is mm verify's status for a proof bundle of a
	// class-1 notification: consistent, but it carries no signature, so it
	// proves nothing anyone could not have made without a key. Neither
	// valid (0) nor invalid (1): a script must not read it as either.
	exitNotVerifiable = 4
)

// exitContract is the contract as mm help and the README state it.
const exitContract = `Exit status, the same for every command:
  0  success: the message went (digitally, as a notification or by paper), the
     signatures are valid, the lookup or check was answered, the work is done
  1  the thing sent or checked failed: a message not sent, a signature invalid,
     FaR or an operator refused the call, mm check found a problem, a mailing
     has failed messages; also a command stopped by a signal before it was done
  2  the command line or its input is wrong: an unknown command or flag, a
     flag's value, an invalid message or mailing line, a file that cannot be
     read or does not hold what it should
  3  the surroundings failed, the input may be fine: FaR, an operator or a
     PostgreSQL journal could not be reached or trusted (network, TLS, a
     server's technical fault after the retries), a delivery's outcome is
     unknown (send again later with the same --id, or --resume a mailing), or
     an output could not be written
  4  mm verify only: a proof bundle of a class-1 notification, which carries
     no signatures and so cannot be verified`

// exitStatus is what a command returns to end with a status other than 0,
// having said why on stderr itself.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// status turns a command's exit status into what its RunE returns.
func status(code int) error {
	if code == exitOK {
		return nil
	}
	return exitStatus(code)
}

// usageError is a mistake on the command line found by a command itself:
// run prints it with the hint to --help, as it does cobra's own, and
// exits with exitUsage.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error {
	return &usageError{fmt.Sprintf(format, a...)}
}

// failureStatus is the status for an error of the SDK that ended a call to
// the infrastructure: exitTrouble when the infrastructure could not be
// reached or trusted, or gave no answer (sdk.Unreachable), exitFailed when
// it answered and refused, or the SDK refused (nothing took the message),
// and for a command stopped by a signal.
func failureStatus(err error) int {
	if errors.Is(err, context.Canceled) {
		return exitFailed
	}
	if sdk.Unreachable(err) {
		return exitTrouble
	}
	return exitFailed
}
