package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
	"github.com/pvo-doctor/pvo-doctor/internal/transport"
)

// Step is one question of a dialog and its answer (the prompt layer's own
// type, so the driver can speak dialogs without importing that layer).
type Step = channel.Step

// Options are the dial and login settings of a run, shared by every
// appliance; a Target's ssh_config host completes them per appliance.
type Options struct {
	// HideEnv names the password variables a ProxyCommand must not inherit
	// (the appliance's own and the run's are hidden as well).
	HideEnv               []string
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
	// Explicit says which of these settings the command line set itself:
	// those win over a Target's ssh_config host.
	Explicit Explicit
}

// Explicit says which Options the command line set itself.
type Explicit = transport.Explicit

// Target is one appliance to log in to, resolved before Open (through
// ssh_config and the inventory); Open itself only dials what it is given.
type Target struct {
	// Name is the transcript's base name (e.g. "esa-10.0.0.1_22").
	Name string
	// Label names the appliance in the channel's errors (the spec as given).
	Label string
	User  string
	Addr  Address
	// SSH, when set, is the appliance as ssh_config resolved it: its keys,
	// known_hosts, host key policy, connect timeout and jump hosts complete
	// Options where the command line did not set them. Jump hosts are
	// offered keys only, never the appliance's password.
	SSH *sshconfig.Host
	// PasswordEnv names this appliance's password variable (an inventory's
	// password_env); "" = the run's (Secrets.PasswordEnv).
	PasswordEnv string
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
	trFile *outfile.File
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
		Password:              func() (string, error) { return sec.passwordFor(t.PasswordEnv, t.User+"@"+t.Addr.String()) },
		Passphrase:            sec.passphrase,
		UseAgent:              o.UseAgent,
		KnownHostsFile:        o.KnownHosts,
		AcceptNewHostKeys:     o.AcceptNewHostKeys,
		InsecureIgnoreHostKey: o.InsecureIgnoreHostKey,
		LegacyAlgorithms:      o.LegacyAlgorithms,
		Warn:                  o.Warn,
		ConnectTimeout:        o.ConnectTimeout,
		HideEnv:               append(slices.Clip(o.HideEnv), sec.PasswordEnv, t.PasswordEnv),
	}
	// The transport bounds the TCP connect and the wait for the SSH banner
	// by ConnectTimeout itself; this deadline covers the login too, unless
	// a person may be typing a password.
	loginTimeout := o.ConnectTimeout
	addr := t.Addr.String()
	if t.SSH != nil {
		addr, cfg = transport.WithSSHConfig(cfg, *t.SSH, o.Explicit)
		if !o.Explicit.ConnectTimeout && t.SSH.ConnectTimeout > 0 {
			loginTimeout = t.SSH.ConnectTimeout
		}
	}
	if sec.mayPrompt(t.PasswordEnv) && o.LoginTimeout > 0 {
		loginTimeout = o.LoginTimeout
	}
	if loginTimeout <= 0 {
		loginTimeout = transport.DefaultConnectTimeout
	}
	// Each jump host is one more connect, handshake and login on the way.
	loginTimeout *= time.Duration(1 + len(cfg.Jumps))
	lctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	client, err := transport.Dial(lctx, addr, cfg)
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
		s.trFile, err = outfile.Create(filepath.Join(o.TranscriptDir, TranscriptName(t.Name, tag)))
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
		return nil, &Error{StepLogin, loginHint(err)}
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

// loginHint adds to a failed login the question it most often means,
// except where the appliance itself said what is wrong: a demand for a new
// password is an AsyncOS CLI, and its own words are the whole story.
func loginHint(err error) error {
	var pc *channel.PasswordChangeError
	if errors.As(err, &pc) {
		return err
	}
	return fmt.Errorf("%w (is this an AsyncOS CLI? check the address and --user)", err)
}

// withHint adds, for errors a flag can cure, which flag to look at. A
// jump host's failure is checked first: its inner error (an AuthError at
// the bastion, say) is about the jump host, whose login --user and the
// password do not serve.
func withHint(err error) error {
	var jump *transport.JumpError
	var auth *transport.AuthError
	var dial *transport.DialError
	var notSSH *transport.NotSSHError
	var hostKey *transport.HostKeyError
	switch {
	case errors.As(err, &jump):
		hint := "check -J/--jump or ProxyJump in ssh_config (-F)"
		switch {
		case errors.As(jump.Err, &auth):
			hint = "a jump host is offered keys only (ssh-agent, --identity, its IdentityFile), never the appliance's password; check its user in -J or ssh_config"
		case errors.As(jump.Err, &hostKey):
			hint = "a jump host's key is verified against known_hosts like the appliance's"
		case errors.As(jump.Err, &dial):
			hint = dialHint(dial)
		}
		return fmt.Errorf("%w; %s", err, hint)
	case errors.As(err, &auth):
		return fmt.Errorf("%w; check --user and --identity, or set the password variable (--password-env)", err)
	case errors.As(err, &hostKey):
		return err // its message says what to do
	case errors.As(err, &dial):
		return fmt.Errorf("%w; %s", err, dialHint(dial))
	case errors.As(err, &notSSH):
		return fmt.Errorf("%w; is that the appliance's SSH port?", err)
	}
	return err
}

// WithStepTimeout lets each wait of a command run under ctx take up to d
// instead of Options.StepTimeout: a commit may take minutes.
func WithStepTimeout(ctx context.Context, d time.Duration) context.Context {
	return channel.WithStepTimeout(ctx, d)
}

// dialHint is the advice for one kind of failed TCP connect.
func dialHint(e *transport.DialError) string {
	switch e.Kind {
	case transport.DialRefused:
		return "nothing listens there: check the address and port"
	case transport.DialTimeout:
		return "no answer: check the address, a firewall on the way, or --connect-timeout"
	case transport.DialDNS:
		return "check the host name, or the Host alias and HostName in ssh_config"
	}
	return "check the address and port, or --connect-timeout"
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
