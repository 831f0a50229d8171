package sim

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// waitFor bounds every blocking step of a test.
const waitFor = 10 * time.Second

func startSite(t *testing.T, name string, opts Options) *Site {
	t.Helper()
	return startSiteWith(t, name, nil, opts)
}

// startSiteWith lets a test change the loaded scenario before it starts.
func startSiteWith(t *testing.T, name string, change func(*Scenario), opts Options) *Site {
	t.Helper()
	sc, err := LoadScenario(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	if change != nil {
		change(sc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	site, err := Start(ctx, sc, opts)
	if err != nil {
		cancel()
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		site.Close()
		cancel()
	})
	return site
}

func app(t *testing.T, site *Site, host string) Appliance {
	t.Helper()
	for _, a := range site.Appliances() {
		if a.Hostname == host {
			return a
		}
	}
	t.Fatalf("no appliance %s", host)
	return Appliance{}
}

func dialApp(t *testing.T, ap Appliance, cfg *ssh.ClientConfig) *ssh.Client {
	t.Helper()
	if cfg == nil {
		cfg = &ssh.ClientConfig{User: ap.User, Auth: []ssh.AuthMethod{ssh.Password(ap.Password)}}
	}
	if cfg.HostKeyCallback == nil {
		cfg.HostKeyCallback = ssh.FixedHostKey(ap.HostKey)
	}
	cfg.Timeout = waitFor
	c, err := ssh.Dial("tcp", ap.Addr, cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", ap.Hostname, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// execOn runs a batch command line on one appliance and returns its output.
func execOn(t *testing.T, site *Site, host, cmd string) string {
	t.Helper()
	return execInput(t, site, host, cmd, "")
}

// execInput runs a batch command line with input on stdin, as a script
// answering a dialog would.
func execInput(t *testing.T, site *Site, host, cmd, input string) string {
	t.Helper()
	c := dialApp(t, app(t, site, host), nil)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer sess.Close()
	sess.Stdin = strings.NewReader(input)
	done := make(chan struct{})
	var out []byte
	go func() {
		defer close(done)
		out, err = sess.CombinedOutput(cmd)
	}()
	select {
	case <-done:
	case <-time.After(waitFor):
		c.Close()
		t.Fatalf("exec %q: no answer within %v", cmd, waitFor)
	}
	if err != nil {
		t.Fatalf("exec %q: %v\n%s", cmd, err, out)
	}
	return string(out)
}

// buffer collects a terminal's output and wakes readers on every write.
type buffer struct {
	mu     sync.Mutex
	b      strings.Builder
	notify chan struct{}
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.b.Write(p)
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// term is an interactive PTY shell on one appliance.
type term struct {
	t      *testing.T
	client *ssh.Client
	sess   *ssh.Session
	stdin  interface{ Write([]byte) (int, error) }
	out    *buffer
	pos    int
	done   chan error
}

func openTerm(t *testing.T, site *Site, host string, rows int) *term {
	t.Helper()
	return openTermOn(t, dialApp(t, app(t, site, host), nil), rows)
}

func openTermOn(t *testing.T, c *ssh.Client, rows int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	if err := sess.RequestPty("xterm", rows, 200, ssh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	out := &buffer{notify: make(chan struct{}, 1)}
	sess.Stdout, sess.Stderr = out, out
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatalf("stdin: %v", err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	tm := &term{t: t, client: c, sess: sess, stdin: stdin, out: out, done: make(chan error, 1)}
	go func() { tm.done <- sess.Wait() }()
	t.Cleanup(func() { sess.Close() })
	return tm
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.stdin.Write([]byte(s)); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// expect waits until the output after the last match matches pattern and
// returns the text up to the end of the match.
func (tm *term) expect(pattern string) string {
	tm.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for {
		all := tm.out.String()
		if loc := re.FindStringIndex(all[tm.pos:]); loc != nil {
			got := all[tm.pos : tm.pos+loc[1]]
			tm.pos += loc[1]
			return got
		}
		select {
		case <-tm.out.notify:
		case <-deadline.C:
			tm.t.Fatalf("no %q within %v; output since last match:\n%s", pattern, waitFor, all[tm.pos:])
		}
	}
}

// cmd sends a line and returns the output up to the next match of pattern.
func (tm *term) cmd(line, pattern string) string {
	tm.t.Helper()
	tm.send(line + "\r")
	return tm.expect(pattern)
}

// waitClosed waits for the session to end.
func (tm *term) waitClosed() {
	tm.t.Helper()
	select {
	case <-tm.done:
	case <-time.After(waitFor):
		tm.t.Fatalf("session did not end within %v", waitFor)
	}
}
