package cli

import (
	"errors"
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// Exit codes, as documented in the README and DESIGN.md.
const (
	ExitOK         = 0 // every rule passed or does not apply
	ExitFailed     = 1 // at least one rule failed
	ExitUsage      = 2 // usage error
	ExitIncomplete = 3 // no rule failed, but some could not be decided
	// ExitReportLost: a --report file could not be written at the end (the
	// report went to stdout); after --fix, the fixes were applied.
	ExitReportLost = 4
	// ExitInterrupted: Ctrl-C (SIGINT) or SIGTERM stopped the run; the
	// partial report was written. 128+2, as a shell reports SIGINT.
	ExitInterrupted = 130
)

// errNoTerminal is what ReadSecret returns without a terminal; the session
// layer turns it into advice on where else a secret can come from.
var errNoTerminal = session.ErrNoTerminal

// ExitError carries an exit code up to Main. A nil Err means the code is a
// verdict, not an error, and nothing more is printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usage gives a driver's ErrUsage error exit code 2; others pass unchanged.
func usage(err error) error {
	if errors.Is(err, diagnose.ErrUsage) {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return err
}

// usageError marks an error as the user's mistake on the command line (exit 2).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}
