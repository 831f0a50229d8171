package transport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// proxyStderrTail is how much of a ProxyCommand's stderr is kept, for the
// error when the connection fails; the rest is dropped, not shown.
const proxyStderrTail = 4096

// proxyGrace is how long a ProxyCommand has to end after SIGHUP (what
// ssh(1) sends it) before it is killed.
const proxyGrace = 2 * time.Second

// hangup is what ssh(1) sends its ProxyCommand when it is done; where a
// system cannot send it (Windows), the command is killed at once.
var hangup os.Signal = syscall.SIGHUP

// proxyWaitDelay bounds the wait for the command's stderr after it exited,
// which a child it left behind may hold open.
const proxyWaitDelay = time.Second

// proxyConn is a ProxyCommand's stdin and stdout as a connection. Closing it
// ends the command and reaps it; it is reaped as soon as it exits anyway.
type proxyConn struct {
	cmd    *exec.Cmd
	r      *os.File // the command's stdout
	w      *os.File // the command's stdin
	stderr *tailWriter
	remote net.Addr

	once    sync.Once
	done    chan struct{} // closed once the command is reaped
	waitErr error         // set before done is closed
	stopped atomic.Bool   // Close found it running
	gone    atomic.Bool   // it closed its stdout or stdin (mostly: it exited) first
}

// startProxy runs command as ssh(1) runs a ProxyCommand: "exec command" in
// the user's shell, so no shell lingers. The command stays in this process
// group, as under ssh(1), so that it can still ask on the terminal (an
// inner ssh's passphrase) and a Ctrl-C reaches it too.
func startProxy(command, hostport string, hideEnv []string) (*proxyConn, error) {
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	p := &proxyConn{r: outR, w: inW, stderr: &tailWriter{max: proxyStderrTail}, done: make(chan struct{})}
	p.cmd = exec.Command(shell, "-c", "exec "+command)
	p.cmd.Env = sshconfig.EnvWithout(os.Environ(), hideEnv...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, p.stderr
	p.cmd.WaitDelay = proxyWaitDelay
	err = p.cmd.Start()
	// The child has its own copies; ours would keep its stdin from ending.
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, fmt.Errorf("start %s: %w", shell, err)
	}
	p.remote = proxyRemote(hostport)
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// proxyRemote is the address the command was asked to reach, as a TCP
// address because knownhosts accepts no other kind.
func proxyRemote(hostport string) net.Addr {
	host, port, _ := net.SplitHostPort(hostport)
	n, _ := strconv.Atoi(port)
	return &net.TCPAddr{IP: net.ParseIP(host), Port: n}
}

func (p *proxyConn) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if errors.Is(err, io.EOF) {
		p.gone.Store(true)
	}
	return n, err
}

func (p *proxyConn) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		p.gone.Store(true)
	}
	return n, err
}

// Close ends the command's stdin and stdout, sends SIGHUP as ssh(1) does,
// kills it if it is still there after proxyGrace, and returns once it has
// been reaped.
func (p *proxyConn) Close() error {
	p.once.Do(func() {
		p.w.Close()
		p.r.Close()
		select {
		case <-p.done:
			return
		default:
		}
		p.stopped.Store(true)
		if err := p.cmd.Process.Signal(hangup); err != nil {
			p.cmd.Process.Kill() // no SIGHUP on this system
		}
		t := time.NewTimer(proxyGrace)
		defer t.Stop()
		select {
		case <-p.done:
		case <-t.C:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return nil
}

func (p *proxyConn) LocalAddr() net.Addr  { return &net.TCPAddr{} }
func (p *proxyConn) RemoteAddr() net.Addr { return p.remote }

// The deadlines that matter are timerConn's, which wraps this connection;
// pipes take these where the system can.
func (p *proxyConn) SetDeadline(t time.Time) error {
	return errors.Join(p.r.SetReadDeadline(t), p.w.SetWriteDeadline(t))
}
func (p *proxyConn) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p *proxyConn) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }

// exit says how the command ended, once it has: "" while it runs, or when
// Close ended it (it had not closed its stdout or stdin first, or Close's
// signal killed it), since then its status is our doing.
func (p *proxyConn) exit() string {
	select {
	case <-p.done:
	default:
		return ""
	}
	ours := p.stopped.Load() && !p.gone.Load()
	// ErrWaitDelay: it exited 0, and a child it left still held stderr.
	if p.waitErr == nil || errors.Is(p.waitErr, exec.ErrWaitDelay) {
		if ours {
			return ""
		}
		return "exit status 0"
	}
	var ee *exec.ExitError
	if !errors.As(p.waitErr, &ee) {
		return p.waitErr.Error()
	}
	if ours || p.stopped.Load() && ee.ExitCode() == -1 {
		return ""
	}
	return ee.String()
}

// explain turns a failure before the SSH banner into a *ProxyError that
// quotes the command's stderr; later failures (host key, login) are the
// appliance's and stay as they are. Call it after Close.
func (p *proxyConn) explain(hostport string, err error) error {
	var ns *NotSSHError
	if !errors.As(err, &ns) {
		return err
	}
	return &ProxyError{Addr: hostport, Exit: p.exit(), Stderr: p.stderr.lastLines(),
		Timeout: ns.Timeout, Got: ns.Got, Err: ns.Err}
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(b), nil
}

// stderrLines and maxStderr bound what of the stderr an error quotes: the
// last lines, joined into one, and of that the end, which is where a
// command says why it gave up.
const (
	stderrLines = 3
	maxStderr   = 300
)

// lastLines is the last few non-blank lines written, without control
// characters, joined by " | " and cut to maxStderr, for a one-line error.
func (w *tailWriter) lastLines() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var keep []string
	lines := bytes.Split(w.buf, []byte("\n"))
	for i := len(lines) - 1; i >= 0 && len(keep) < stderrLines; i-- {
		s := strings.TrimSpace(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				return -1
			}
			return r
		}, string(lines[i])))
		if s != "" {
			keep = append(keep, s)
		}
	}
	slices.Reverse(keep)
	s := strings.Join(keep, " | ")
	if len(s) > maxStderr {
		cut := len(s) - maxStderr
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		s = "…" + s[cut:]
	}
	return s
}
