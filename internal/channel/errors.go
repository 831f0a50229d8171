package channel

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Kinds of AsyncOS refusal in CommandError.Kind.
const (
	KindUnknown    = "unknown"    // "Unknown command or missing feature key: foo"
	KindRestricted = "restricted" // `This command is restricted to "machine" mode.`
	KindUsage      = "usage"      // a usage or "Invalid arguments" reply
)

// CommandError is AsyncOS refusing a command. The session is fine and back
// at the main prompt; only this command did not run.
type CommandError struct {
	Command string
	Kind    string
	Line    string // the appliance's own words
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("%s: %s command: %s", e.Command, e.Kind, e.Line)
}

// TimeoutError is a read that did not see what it waited for in time.
type TimeoutError struct {
	Host    string
	Waiting string        // what the read waited for
	After   time.Duration // how long it waited
	Tail    string        // the last 200 characters read, secrets redacted
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%stimed out after %s waiting for %s; last read: %s",
		hostPrefix(e.Host), e.After.Round(time.Millisecond), e.Waiting, quote(e.Tail))
}

// Timeout marks it as a timeout for callers that test net.Error style.
func (e *TimeoutError) Timeout() bool { return true }

// Unwrap lets errors.Is(err, context.DeadlineExceeded) hold.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// ClosedError is the connection ending (EOF or a read error) while the
// channel waited for output. Err is the transport's error, often io.EOF.
type ClosedError struct {
	Host    string
	Waiting string
	Err     error
	Tail    string
}

func (e *ClosedError) Error() string {
	return fmt.Sprintf("%sconnection closed while waiting for %s: %v; last read: %s",
		hostPrefix(e.Host), e.Waiting, e.Err, quote(e.Tail))
}

func (e *ClosedError) Unwrap() error { return e.Err }

// UnexpectedPromptError is a question no dialog step expected. The channel
// is left at that question: BackOut or Interrupt brings it back.
//
// Abandoned means the channel left the question with Ctrl-C (never Enter
// or yes) and is back at the main prompt: nothing was answered to it.
type UnexpectedPromptError struct {
	Command   string
	Prompt    string // the question paragraph ending in the prompt
	Expected  []string
	Abandoned bool
}

func (e *UnexpectedPromptError) Error() string {
	want := "no question"
	if len(e.Expected) > 0 {
		want = strings.Join(e.Expected, " or ")
	}
	left := ""
	if e.Abandoned {
		left = "; left it with Ctrl-C"
	}
	cmd := e.Command
	if cmd == "" {
		cmd = "back out"
	}
	return fmt.Sprintf("%s: unexpected prompt %s (expected %s)%s", cmd, quote(e.Prompt), want, left)
}

// PasswordChangeError is an appliance demanding a new password before the
// first prompt. The channel never answers it: the session is over.
type PasswordChangeError struct {
	Host   string
	Prompt string // e.g. "Old Password:"
}

func (e *PasswordChangeError) Error() string {
	return fmt.Sprintf("%sthe account's password has expired and the appliance asks for a new one (%s); change it by hand, pvo-doctor never changes a password",
		hostPrefix(e.Host), quote(e.Prompt))
}

func hostPrefix(h string) string {
	if h == "" {
		return ""
	}
	return h + ": "
}

// tail200 is the end of s, at most 200 characters, for error messages.
func tail200(s string) string {
	r := []rune(s)
	if len(r) > 200 {
		r = r[len(r)-200:]
	}
	return string(r)
}
