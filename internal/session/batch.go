package session

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
	"github.com/pvo-doctor/pvo-doctor/internal/transport"
)

// more is what a session keeps to open more CLI sessions and exec requests
// over its SSH connection, without another login.
type more struct {
	opts   Options
	target Target
	tag    string
	sec    *Secrets
	shared bool // the connection is another session's: Close leaves it open

	mu     sync.Mutex
	execTr *outfile.File
}

// Another opens one more CLI session (a shell on a PTY, its prompt
// learned) over s's SSH connection: AsyncOS sees another CLI session, the
// SSH server no new login. tag names its transcript. Closing it leaves s's
// connection open; closing s closes both.
func (s *Session) Another(ctx context.Context, tag string) (*Session, error) {
	o, t := s.more.opts, s.more.target
	ctx, cancel := context.WithTimeout(ctx, loginTimeoutOf(o))
	defer cancel()
	shell, err := s.client.Shell(ctx, transport.PTY{Rows: ptyRows})
	if err != nil {
		return nil, &Error{StepShell, err}
	}
	n := &Session{client: s.client, more: more{opts: o, target: t, tag: tag, sec: s.more.sec, shared: true}}
	var tr *channel.Transcript
	if o.TranscriptDir != "" {
		n.trFile, err = outfile.Create(filepath.Join(o.TranscriptDir, TranscriptName(t.Name, tag)))
		if err != nil {
			shell.Close()
			return nil, &Error{StepTranscript, err}
		}
		tr = channel.NewTranscript(n.trFile)
		s.more.sec.redactInto(tr)
	}
	n.Channel, err = channel.Open(ctx, shell, shell, channel.Options{
		Transcript: tr, StepTimeout: o.StepTimeout, Host: t.Label, Secrets: s.more.sec.known()})
	if err != nil {
		shell.Close()
		if n.trFile != nil {
			n.trFile.Close()
		}
		return nil, &Error{StepLogin, err}
	}
	return n, nil
}

func loginTimeoutOf(o Options) time.Duration {
	if o.ConnectTimeout > 0 {
		return o.ConnectTimeout
	}
	return transport.DefaultConnectTimeout
}

// Exec runs one command line as an SSH exec request over s's connection
// (AsyncOS's batch form: `ssh host "version"`): one round trip, no prompt,
// no PTY and so no pager, and stdin closed at once, so a command that asks
// a question reads end-of-input and no answer is ever typed ahead. Line
// ends become "\n" and secrets are redacted. The request and its output go
// to "<name>[.tag].exec.transcript" when transcripts are on.
func (s *Session) Exec(ctx context.Context, command string) (string, error) {
	out, err := s.client.Exec(ctx, command)
	text := strings.ReplaceAll(string(out), "\r\n", "\n")
	for _, sec := range s.more.sec.known() {
		text = strings.ReplaceAll(text, sec, "***")
	}
	s.execRecord(command, text, err)
	if err != nil {
		return text, fmt.Errorf("%q: %w", command, err)
	}
	return text, nil
}

// execRecord writes one exec request to the exec transcript, in the
// channel's record format ("x" marks the request).
func (s *Session) execRecord(command, text string, err error) {
	m := &s.more
	if m.opts.TranscriptDir == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.execTr == nil {
		f, ferr := outfile.Create(filepath.Join(m.opts.TranscriptDir, TranscriptName(m.target.Name, joinTag(m.tag, "exec"))))
		if ferr != nil {
			return
		}
		m.execTr = f
	}
	now := func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
	var b strings.Builder
	fmt.Fprintf(&b, "%s x %s\n", now(), command)
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fmt.Fprintf(&b, "%s < %s\n", now(), l)
	}
	if err != nil {
		fmt.Fprintf(&b, "%s ! %s\n", now(), err)
	}
	_, _ = m.execTr.WriteString(b.String())
}

func (m *more) closeExec() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.execTr != nil {
		m.execTr.Close()
		m.execTr = nil
	}
}

func joinTag(tag, more string) string {
	if tag == "" {
		return more
	}
	return tag + "-" + more
}
