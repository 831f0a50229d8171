package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/transport"
)

// Step is one question of a dialog and its answer (the prompt layer's own
// type, so the driver can speak dialogs without importing that layer).
type Step = channel.Step

// Options are the dial and login settings of a run, shared by every
// appliance. It is where ssh_config, a jump host or an inventory would add
// their settings.
type Options struct {
	Identities            []string
	UseAgent              bool
	KnownHosts            string
	AcceptNewHostKeys     bool
	InsecureIgnoreHostKey bool
	LegacyAlgorithms      bool
	// ConnectTimeout bounds the TCP connect, the SSH handshake and the
	// login; LoginTimeout replaces it for the login when a person may be
	// typing a password (the whole run's time).
	ConnectTimeout time.Duration
	LoginTimeout   time.Duration
	StepTimeout    time.Duration
	// TranscriptDir, when set, gets one redacted transcript per session.
	TranscriptDir string
	// Warn receives the transport's warnings (an ignored host key).
	Warn    io.Writer
	Secrets *Secrets
}

// Target is one appliance to log in to. An ssh_config alias or an
// inventory entry would resolve into a Target (and the Options around it)
// before Open; Open itself only dials what it is given.
type Target struct {
	// Name is the transcript's base name (e.g. "esa-10.0.0.1_22").
	Name string
	// Label names the appliance in the channel's errors (the spec as given).
	Label string
	User  string
	Addr  Address
}

// ptyRows is the terminal height asked for. AsyncOS pages long output at
// the terminal's height, and every "-Press Any Key For More-" is one more
// round trip; the channel still answers the pager if it comes.
const ptyRows = 1000

// Session is one logged-in AsyncOS CLI. Its methods are the channel's:
// Run, Dialog, SetMode, Interrupt, BackOut, Prompt.
type Session struct {
	*channel.Channel
	client *transport.Client
	trFile *os.File
	more   more // what Another and Exec need (batch.go)
}

// Close leaves the CLI as an administrator would (exit: nothing pending
// asks nothing, something pending is dropped with the session) and closes
// the channel, transcript and connection.
func (s *Session) Close() error {
	_ = s.Channel.Send("exit", false)
	err := s.Channel.Close()
	if s.trFile != nil {
		s.trFile.Close()
	}
	s.more.closeExec()
	if !s.more.shared {
		s.client.Close()
	}
	return err
}

// Step names, for the errors Open returns: each loses the whole appliance.
const (
	StepConnect    = "connect"
	StepShell      = "open shell"
	StepTranscript = "transcript"
	StepLogin      = "login"
)

// Error is a failed Open: which step, and why (with a hint at the flag
// that may cure it).
type Error struct {
	Step string
	Err  error
}

func (e *Error) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Open dials t, opens a shell with a PTY and learns the prompt, writing a
// transcript "<Name>[.<tag>].transcript" when Options.TranscriptDir is set.
// progress is told "connect" and "login" as they start.
func Open(ctx context.Context, o Options, t Target, tag string, progress func(string)) (*Session, error) {
	if progress == nil {
		progress = func(string) {}
	}
	sec := o.Secrets
	if sec == nil {
		sec = &Secrets{}
	}
	progress(StepConnect)
	cfg := transport.Config{
		User:                  t.User,
		Identities:            o.Identities,
		Password:              sec.password,
		Passphrase:            sec.passphrase,
		UseAgent:              o.UseAgent,
		KnownHostsFile:        o.KnownHosts,
		AcceptNewHostKeys:     o.AcceptNewHostKeys,
		InsecureIgnoreHostKey: o.InsecureIgnoreHostKey,
		LegacyAlgorithms:      o.LegacyAlgorithms,
		Warn:                  o.Warn,
		ConnectTimeout:        o.ConnectTimeout,
	}
	// The transport bounds the TCP connect and the wait for the SSH banner
	// by ConnectTimeout itself; this deadline covers the login too, unless
	// a person may be typing a password.
	loginTimeout := o.ConnectTimeout
	if sec.mayPrompt() && o.LoginTimeout > 0 {
		loginTimeout = o.LoginTimeout
	}
	if loginTimeout <= 0 {
		loginTimeout = transport.DefaultConnectTimeout
	}
	lctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	client, err := transport.Dial(lctx, t.Addr.String(), cfg)
	if err != nil {
		return nil, &Error{StepConnect, withHint(err)}
	}
	shell, err := client.Shell(lctx, transport.PTY{Rows: ptyRows})
	if err != nil {
		client.Close()
		return nil, &Error{StepShell, withHint(err)}
	}
	s := &Session{client: client, more: more{opts: o, target: t, tag: tag, sec: sec}}
	var tr *channel.Transcript
	if o.TranscriptDir != "" {
		s.trFile, err = os.OpenFile(filepath.Join(o.TranscriptDir, TranscriptName(t.Name, tag)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			shell.Close()
			client.Close()
			return nil, &Error{StepTranscript, err}
		}
		tr = channel.NewTranscript(s.trFile)
		sec.redactInto(tr)
	}
	progress(StepLogin)
	s.Channel, err = channel.Open(lctx, shell, shell, channel.Options{
		Transcript:  tr,
		StepTimeout: o.StepTimeout,
		Host:        t.Label,
		Secrets:     sec.known(),
	})
	if err != nil {
		shell.Close()
		if s.trFile != nil {
			s.trFile.Close()
		}
		client.Close()
		return nil, &Error{StepLogin, fmt.Errorf("%w (is this an AsyncOS CLI? check the address and --user)", err)}
	}
	return s, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// TranscriptName is one file per appliance and session: the check's has no
// tag, a fix session's is e.g. "fix1" and a re-check's "recheck1".
func TranscriptName(base, tag string) string {
	name := unsafeName.ReplaceAllString(base, "_")
	if tag != "" {
		name += "." + tag
	}
	return name + ".transcript"
}

// withHint adds, for errors a flag can cure, which flag to look at.
func withHint(err error) error {
	var auth *transport.AuthError
	var dial *transport.DialError
	var notSSH *transport.NotSSHError
	switch {
	case errors.As(err, &auth):
		return fmt.Errorf("%w; check --user and --identity, or set the password variable (--password-env)", err)
	case errors.As(err, &dial):
		return fmt.Errorf("%w; check the address and port, or --connect-timeout", err)
	case errors.As(err, &notSSH):
		return fmt.Errorf("%w; is that the appliance's SSH port?", err)
	}
	return err
}

// IsClosed reports whether err says the session is gone.
func IsClosed(err error) bool {
	var closed *channel.ClosedError
	return errors.As(err, &closed)
}

// IsRefused reports whether AsyncOS refused the command (unknown command,
// usage, restricted mode) and is back at its prompt.
func IsRefused(err error) bool {
	var cmdErr *channel.CommandError
	return errors.As(err, &cmdErr)
}

// IsRestricted reports whether the command runs only in another cluster
// mode than the session's.
func IsRestricted(err error) bool {
	var cmdErr *channel.CommandError
	return errors.As(err, &cmdErr) && cmdErr.Kind == channel.KindRestricted
}
