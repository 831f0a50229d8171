package cli

import (
	"bytes"
	"errors"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the only way commands touch the terminal, so tests can swap
// in buffers and decide what counts as a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	// termFd is the descriptor used for password prompts; -1 when none.
	termFd int
	// interrupted, when set, ends a password prompt (Ctrl-C): the terminal
	// gets its echo back and the prompt returns at once.
	interrupted <-chan struct{}
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		termFd:    int(os.Stdin.Fd()),
	}
}

// Test returns streams backed by buffers, none of them a terminal.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, termFd: -1}, in, out, errOut
}

func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetTTY lets tests pretend the streams are terminals.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// ReadSecret reads a line without echo from the terminal on stdin. It fails
// when stdin is not a terminal, so a secret is never read from a pipe by
// accident.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	if !s.stdinTTY || s.termFd < 0 {
		return "", errNoTerminal
	}
	_, _ = io.WriteString(s.ErrOut, prompt)
	state, _ := term.GetState(s.termFd)
	type secret struct {
		b   []byte
		err error
	}
	got := make(chan secret, 1)
	go func() {
		b, err := term.ReadPassword(s.termFd)
		got <- secret{b, err}
	}()
	var r secret
	select {
	case r = <-got:
	case <-s.interrupted:
		// The read stays blocked until the process exits; the terminal
		// must not stay without echo meanwhile.
		if state != nil {
			_ = term.Restore(s.termFd, state)
		}
		r.err = errInterrupted
	}
	_, _ = io.WriteString(s.ErrOut, "\n")
	if r.err != nil {
		return "", r.err
	}
	return string(r.b), nil
}

// errInterrupted is a prompt ended by Ctrl-C.
var errInterrupted = errors.New("interrupted")
