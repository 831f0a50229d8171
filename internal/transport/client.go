package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Client is a logged-in SSH connection to one appliance.
type Client struct {
	ssh  *ssh.Client
	addr string
	hops []*ssh.Client // jump host connections, first to last
}

// Close ends the connection, every shell on it and the jump host
// connections under it.
func (c *Client) Close() error {
	err := c.ssh.Close()
	for i := len(c.hops) - 1; i >= 0; i-- {
		c.hops[i].Close()
	}
	return err
}

// ServerVersion is the server's SSH banner, e.g. "SSH-2.0-OpenSSH_7.9".
func (c *Client) ServerVersion() string { return string(c.ssh.ServerVersion()) }

// PTY is the terminal the shell asks for. Zero fields take the defaults
// vt100, 200 columns, 24 rows; wide lines keep AsyncOS from wrapping tables.
type PTY struct {
	Term       string
	Cols, Rows int
}

func (p PTY) withDefaults() PTY {
	if p.Term == "" {
		p.Term = "vt100"
	}
	if p.Cols <= 0 {
		p.Cols = 200
	}
	if p.Rows <= 0 {
		p.Rows = 24
	}
	return p
}

// openSession opens a session channel, giving up when ctx ends; a session
// that arrives after that is closed.
func (c *Client) openSession(ctx context.Context, setup func(*ssh.Session) error) (*ssh.Session, error) {
	type result struct {
		s   *ssh.Session
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := c.ssh.NewSession()
		if err == nil && setup != nil {
			if err = setup(s); err != nil {
				s.Close()
			}
		}
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil {
				r.s.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// Shell opens an interactive shell on a PTY. ctx bounds the opening only;
// the shell lives until Close or the remote end. Whatever the server echoes
// comes back through Read as is.
func (c *Client) Shell(ctx context.Context, pty PTY) (*Shell, error) {
	pty = pty.withDefaults()
	sh := &Shell{done: make(chan struct{})}
	sh.out.cond = sync.NewCond(&sh.out.mu)
	var stdin io.WriteCloser
	sess, err := c.openSession(ctx, func(s *ssh.Session) error {
		modes := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
		if err := s.RequestPty(pty.Term, pty.Rows, pty.Cols, modes); err != nil {
			return fmt.Errorf("request pty: %w", err)
		}
		var err error
		if stdin, err = s.StdinPipe(); err != nil {
			return err
		}
		s.Stdout = &sh.out
		s.Stderr = &sh.out
		if err := s.Shell(); err != nil {
			return fmt.Errorf("start shell: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open shell on %s: %w", c.addr, err)
	}
	sh.sess, sh.stdin = sess, stdin
	go func() {
		err := sess.Wait()
		sh.out.finish()
		sh.waitErr = err
		close(sh.done)
	}()
	return sh, nil
}

// Shell is an interactive session: Read returns stdout and stderr merged,
// Write sends to stdin. Output is buffered, so Done closes as soon as the
// remote side ends even if nobody reads; Read then drains the rest and
// returns io.EOF.
type Shell struct {
	sess    *ssh.Session
	stdin   io.WriteCloser
	out     outBuffer
	done    chan struct{}
	waitErr error
}

func (s *Shell) Read(p []byte) (int, error)  { return s.out.Read(p) }
func (s *Shell) Write(p []byte) (int, error) { return s.stdin.Write(p) }

// Done is closed when the remote side has ended the session.
func (s *Shell) Done() <-chan struct{} { return s.done }

// Err is how the session ended (nil, *ssh.ExitError, *ssh.ExitMissingError);
// meaningful once Done is closed.
func (s *Shell) Err() error {
	select {
	case <-s.done:
		return s.waitErr
	default:
		return nil
	}
}

// Close ends the session; a blocked Read returns io.EOF.
func (s *Shell) Close() error {
	s.out.finish()
	err := s.sess.Close()
	if err == io.EOF {
		return nil // already closed by the remote side
	}
	return err
}

// maxBuffered is where the output buffer stops absorbing and pushes back on
// the SSH channel, so a runaway server cannot exhaust memory.
const maxBuffered = 16 << 20

// outBuffer joins stdout and stderr without making the session wait for a
// reader.
type outBuffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    bytes.Buffer
	closed bool
}

func (b *outBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.buf.Len() >= maxBuffered && !b.closed {
		b.cond.Wait()
	}
	if b.closed {
		return len(p), nil // nobody will read it
	}
	b.buf.Write(p)
	b.cond.Broadcast()
	return len(p), nil
}

func (b *outBuffer) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.buf.Len() == 0 && !b.closed {
		b.cond.Wait()
	}
	if b.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, _ := b.buf.Read(p)
	b.cond.Broadcast()
	return n, nil
}

func (b *outBuffer) finish() {
	b.mu.Lock()
	b.closed = true
	b.cond.Broadcast()
	b.mu.Unlock()
}

// Exec runs one command without a PTY (AsyncOS "batch" mode) and returns its
// combined output. Cancelling ctx closes the session and returns what
// arrived so far with ctx's error.
func (c *Client) Exec(ctx context.Context, cmd string) ([]byte, error) {
	sess, err := c.openSession(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("exec on %s: %w", c.addr, err)
	}
	defer sess.Close()
	var out lockedBuffer
	sess.Stdout, sess.Stderr = &out, &out
	if err := sess.Start(cmd); err != nil {
		return nil, fmt.Errorf("exec on %s: %w", c.addr, err)
	}
	waited := make(chan error, 1)
	go func() { waited <- sess.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		sess.Close()
		<-waited
		err = ctx.Err()
	}
	if err != nil {
		return out.Bytes(), fmt.Errorf("exec on %s: %w", c.addr, err)
	}
	return out.Bytes(), nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
