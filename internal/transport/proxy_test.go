//go:build unix

package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be a ProxyCommand: with PVO_TEST_NETCAT set
// it is a netcat to that address instead of the tests.
func TestMain(m *testing.M) {
	if addr := os.Getenv("PVO_TEST_NETCAT"); addr != "" {
		os.Exit(netcat(addr))
	}
	os.Exit(m.Run())
}

// netcat copies stdin to addr and addr to stdout until either ends. It
// writes its pid to $PVO_TEST_PIDFILE and appends its arguments to
// $PVO_TEST_LOG first, and reaches nothing but 127.0.0.1.
func netcat(addr string) int {
	if f := os.Getenv("PVO_TEST_PIDFILE"); f != "" {
		if err := os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "netcat:", err)
			return 1
		}
	}
	if f := os.Getenv("PVO_TEST_LOG"); f != "" {
		log, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, "netcat:", err)
			return 1
		}
		fmt.Fprintln(log, strings.Join(os.Args[1:], " "))
		log.Close()
	}
	if f := os.Getenv("PVO_TEST_ENVLOG"); f != "" {
		if err := os.WriteFile(f, []byte(strings.Join(os.Environ(), "\n")), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "netcat:", err)
			return 1
		}
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		fmt.Fprintf(os.Stderr, "netcat: %s: only 127.0.0.1 in tests\n", addr)
		return 2
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "netcat:", err)
		return 1
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(c, os.Stdin); done <- struct{}{} }()
	go func() { io.Copy(os.Stdout, c); done <- struct{}{} }()
	<-done
	return 0
}

// netcatCommand is a ProxyCommand running this binary as a netcat to addr
// (tokens allowed); pidFile, when set, receives its pid.
func netcatCommand(t testing.TB, addr, pidFile string, env ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := "env PVO_TEST_NETCAT=" + addr
	if pidFile != "" {
		env = append(env, "PVO_TEST_PIDFILE="+pidFile)
	}
	for _, e := range env {
		cmd += " " + shellQuote(e)
	}
	return cmd + " " + shellQuote(exe)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func readPid(t testing.TB, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the ProxyCommand left no pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// reaped reports whether pid is gone: a zombie still answers signal 0.
func reaped(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

// unreachable is the appliance's address as the configuration names it;
// nothing listens there, so only the ProxyCommand can reach the server.
const unreachable = "127.0.0.1:1"

func TestProxyCommand(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	pidFile := filepath.Join(t.TempDir(), "pid")
	// known_hosts has the key under the appliance's name only.
	cfg := pwConfig(knownHostsFile(t, entry(unreachable, testEd25519().PublicKey())))
	var calls atomic.Int32
	cfg.Password = countingPassword(testPassword, &calls)
	cfg.ProxyCommand = netcatCommand(t, s.addr, pidFile)
	c, err := Dial(testCtx(t), unreachable, cfg)
	if err != nil {
		t.Fatalf("dial through ProxyCommand: %v", err)
	}
	roundTrip(t, c)
	if n := calls.Load(); n != 1 {
		t.Errorf("password asked %d times, want 1: it is the appliance's own session", n)
	}
	pid := readPid(t, pidFile)
	if reaped(pid) {
		t.Fatal("the ProxyCommand is gone while its connection is open")
	}
	c.Close()
	if !reaped(pid) {
		t.Errorf("ProxyCommand %d not reaped when Close returned", pid)
	}

	t.Run("host key of the proxy's destination is not the appliance's", func(t *testing.T) {
		cfg := pwConfig(knownHostsFile(t, entry(s.addr, testEd25519().PublicKey())))
		cfg.ProxyCommand = netcatCommand(t, s.addr, "")
		_, err := Dial(testCtx(t), unreachable, cfg)
		var hk *HostKeyError
		if !errors.As(err, &hk) || hk.Problem != HostKeyUnknown || hk.Host != "[127.0.0.1]:1" {
			t.Errorf("err = %v, want an unknown host key for [127.0.0.1]:1", err)
		}
	})
}

// The ProxyCommand inherits pvo-doctor's environment except the password
// variables: ssh(1) has none to hand on, and a proxy may log its
// environment.
func TestProxyCommandSeesNoPassword(t *testing.T) {
	t.Setenv("PVO_TEST_SECRET_PW", "hunter2")
	t.Setenv("PVO_TEST_OTHER", "kept")
	s := startServer(t, serverOpts{password: testPassword})
	envLog := filepath.Join(t.TempDir(), "env")
	cfg := pwConfig(knownHostsFile(t, entry(unreachable, testEd25519().PublicKey())))
	cfg.ProxyCommand = netcatCommand(t, s.addr, "", "PVO_TEST_ENVLOG="+envLog)
	cfg.HideEnv = []string{"PVO_TEST_SECRET_PW"}
	c, err := Dial(testCtx(t), unreachable, cfg)
	if err != nil {
		t.Fatalf("dial through ProxyCommand: %v", err)
	}
	roundTrip(t, c)
	c.Close()
	b, err := os.ReadFile(envLog)
	if err != nil {
		t.Fatal(err)
	}
	env := strings.Split(string(b), "\n")
	if slices.ContainsFunc(env, func(kv string) bool { return strings.Contains(kv, "hunter2") }) {
		t.Error("the ProxyCommand saw the password variable")
	}
	if !slices.Contains(env, "PVO_TEST_OTHER=kept") {
		t.Error("the ProxyCommand lost the rest of the environment")
	}
}

func TestProxyCommandFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, command string
		check         func(*ProxyError) bool
		msg           string
	}{
		{"exits with a message", `sh -c 'echo first >&2; echo "nc: connect to 10.1.1.1 port 22 (tcp) failed: Connection refused" >&2; exit 3'`,
			func(e *ProxyError) bool {
				return e.Exit == "exit status 3" && e.Stderr == "first | nc: connect to 10.1.1.1 port 22 (tcp) failed: Connection refused"
			},
			`ProxyCommand for 127.0.0.1:1 ended (exit status 3) before the ssh banner; its stderr ends: "first | nc: connect to 10.1.1.1 port 22 (tcp) failed: Connection refused"`},
		{"no such command", "pvo-doctor-no-such-command",
			func(e *ProxyError) bool {
				return e.Exit == "exit status 127" && strings.Contains(e.Stderr, "not found")
			},
			"ended (exit status 127) before the ssh banner; its stderr ends: "},
		// It answers the banner as a web proxy would; one that exits before
		// reading may have its reply unread, and is "ended" as above.
		{"not ssh", `sh -c 'read banner; printf "HTTP/1.0 400 Bad Request\r\n\r\n"'`,
			func(e *ProxyError) bool { return e.Got == "HTTP/1.0 400 Bad Request" },
			`did not carry ssh (it sent "HTTP/1.0 400 Bad Request")`},
		{"closes its output", `tail -f /dev/null >/dev/null`,
			func(e *ProxyError) bool { return e.Exit == "" },
			"ProxyCommand for 127.0.0.1:1 closed its output before the ssh banner"},
		{"long stderr", `sh -c 'for i in 1 2 3 4; do printf "line $i\r\n"; done >&2; printf "%0400d\n\n" 0 >&2; exit 1'`,
			func(e *ProxyError) bool {
				return len(e.Stderr) == maxStderr+len("…") && strings.HasPrefix(e.Stderr, "…0") && !strings.Contains(e.Stderr, "line")
			},
			`its stderr ends: "…000`},
		{"last lines", `sh -c 'for i in 1 2 3 4; do echo "line $i"; done >&2; exit 1'`,
			func(e *ProxyError) bool { return e.Stderr == "line 2 | line 3 | line 4" },
			`its stderr ends: "line 2 | line 3 | line 4"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := pwConfig(knownHostsFile(t))
			cfg.ProxyCommand = tc.command
			_, err := Dial(testCtx(t), unreachable, cfg)
			var pe *ProxyError
			if !errors.As(err, &pe) || !tc.check(pe) {
				t.Fatalf("err = %#v (%v)", pe, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.msg) || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("message %q, want one line with %q", msg, tc.msg)
			}
			if errors.As(err, new(*NotSSHError)) {
				t.Error("a ProxyCommand failure reads as the appliance's port not speaking ssh")
			}
		})
	}
}

// silentProxy is a ProxyCommand to a loopback server that accepts and never
// speaks; accepted gets a value once the command has connected (its pid is
// in pidFile by then).
func silentProxy(t *testing.T) (command, pidFile string, accepted <-chan struct{}) {
	t.Helper()
	addr, accepted := silentListener(t, "")
	pidFile = filepath.Join(t.TempDir(), "pid")
	return netcatCommand(t, addr, pidFile), pidFile, accepted
}

func TestProxyCommandTimeout(t *testing.T) {
	t.Parallel()
	command, pidFile, _ := silentProxy(t)
	cfg := pwConfig(knownHostsFile(t))
	cfg.ProxyCommand = command
	cfg.ConnectTimeout = 300 * time.Millisecond
	_, err := Dial(testCtx(t), unreachable, cfg)
	var pe *ProxyError
	if !errors.As(err, &pe) || pe.Timeout <= 0 || pe.Timeout > 300*time.Millisecond || pe.Exit != "" {
		t.Fatalf("err = %v, want a silent ProxyCommand stopped after 300ms", err)
	}
	if pid := readPid(t, pidFile); !reaped(pid) {
		t.Errorf("ProxyCommand %d not reaped after the connect timeout", pid)
	}

	// One that ignores SIGHUP is killed after proxyGrace. (Its stdout,
	// kept on fd 3, is one tail does not watch for a closed pipe.)
	pidFile = filepath.Join(t.TempDir(), "pid")
	cfg.ProxyCommand = fmt.Sprintf(`sh -c 'echo $$ > %s; trap "" HUP; exec tail -f /dev/null 3>&1 >/dev/null'`, pidFile)
	cfg.ConnectTimeout = 100 * time.Millisecond
	if _, err := Dial(testCtx(t), unreachable, cfg); !errors.As(err, &pe) || pe.Timeout == 0 {
		t.Fatalf("err = %v, want a silent ProxyCommand", err)
	}
	if pid := readPid(t, pidFile); !reaped(pid) {
		t.Errorf("ProxyCommand %d that ignores SIGHUP not reaped", pid)
	}
}

func TestProxyCommandCancel(t *testing.T) {
	t.Parallel()
	command, pidFile, accepted := silentProxy(t)
	cfg := pwConfig(knownHostsFile(t))
	cfg.ProxyCommand = command
	ctx, cancel := context.WithCancel(testCtx(t))
	errc := make(chan error, 1)
	go func() {
		_, err := Dial(ctx, unreachable, cfg)
		errc <- err
	}()
	select {
	case <-accepted:
	case err := <-errc:
		t.Fatalf("dial ended before the ProxyCommand connected: %v", err)
	case <-testCtx(t).Done():
		t.Fatal("the ProxyCommand never connected")
	}
	cancel() // what Ctrl-C does to the run's context
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if pid := readPid(t, pidFile); !reaped(pid) {
		t.Errorf("ProxyCommand %d not reaped after cancel", pid)
	}
}

// TestProxyCommandLeavesNothing runs alone (not parallel), so that any
// goroutine of a ProxyCommand left after these dials is one of theirs.
func TestProxyCommandLeavesNothing(t *testing.T) {
	s := startServer(t, serverOpts{password: testPassword})
	cfg := pwConfig(knownHostsFile(t, entry(unreachable, testEd25519().PublicKey())))
	cfg.ProxyCommand = netcatCommand(t, s.addr, "")
	for range 3 {
		c, err := Dial(testCtx(t), unreachable, cfg)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, c)
		c.Close()
	}
	command, _, _ := silentProxy(t)
	cfg.ProxyCommand, cfg.ConnectTimeout = command, 100*time.Millisecond
	if _, err := Dial(testCtx(t), unreachable, cfg); !errors.As(err, new(*ProxyError)) {
		t.Fatalf("silent: %v", err)
	}
	// A child the command leaves behind holding its stderr does not keep
	// the command from being reaped (for proxyWaitDelay at most).
	grandchild := filepath.Join(t.TempDir(), "pid")
	t.Cleanup(func() {
		if b, err := os.ReadFile(grandchild); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	cfg.ProxyCommand = fmt.Sprintf(`sh -c 'tail -f /dev/null </dev/null >/dev/null & echo $! > %s; exec %s'`,
		grandchild, strings.ReplaceAll(netcatCommand(t, s.addr, ""), "'", `'\''`))
	cfg.ConnectTimeout = 0
	c, err := Dial(testCtx(t), unreachable, cfg)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c)
	c.Close()

	t.Setenv("SHELL", filepath.Join(t.TempDir(), "no-shell"))
	if _, err := Dial(testCtx(t), unreachable, cfg); !errors.As(err, new(*ProxyError)) || !strings.Contains(err.Error(), "start "+os.Getenv("SHELL")) {
		t.Fatalf("no shell: %v", err)
	}
	// A goroutine that has just handed over its result may not have
	// returned yet: let it run, a bounded number of times.
	frame, stacks := proxyGoroutine()
	for i := 0; i < 100 && frame != ""; i++ {
		runtime.Gosched()
		frame, stacks = proxyGoroutine()
	}
	if frame != "" {
		t.Errorf("a goroutine in %s is left:\n%s", frame, stacks)
	}
}

// proxyGoroutine names a ProxyCommand frame some goroutine is in, if any,
// with all stacks. A goroutine that is exiting shows only runtime frames
// and the line that names who created it.
func proxyGoroutine() (frame, stacks string) {
	buf := make([]byte, 1<<20)
	stacks = string(buf[:runtime.Stack(buf, true)])
	var frames []string
	for _, line := range strings.Split(stacks, "\n") {
		if !strings.HasPrefix(line, "created by ") {
			frames = append(frames, line)
		}
	}
	running := strings.Join(frames, "\n")
	for _, f := range []string{"transport.startProxy", "transport.(*proxyConn)", "os/exec."} {
		if strings.Contains(running, f) {
			return f, stacks
		}
	}
	return "", stacks
}

func TestJumpHostThroughProxyCommand(t *testing.T) {
	t.Parallel()
	js := startJumpSite(t)
	// The first hop is reached by its ProxyCommand and known by the name
	// the configuration gives it.
	first := js.hop(unreachable)
	first.Config.KnownHostsFile = knownHostsFile(t, entry(unreachable, testECDSA().PublicKey()))
	first.Config.ProxyCommand = netcatCommand(t, js.j1.addr, "")
	// Hosts reached through a jump host do not run theirs, as under ssh -J.
	second := js.hop(js.j2.addr)
	second.Config.ProxyCommand = "false"
	cfg := pwConfig(js.knownHosts)
	cfg.ProxyCommand = "false"
	cfg.Jumps = []Jump{first, second}
	roundTrip(t, dialOK(t, js.target, cfg))
	if got := js.j1.forwards(); !slices.Equal(got, []string{js.j2.addr}) {
		t.Errorf("j1 forwarded to %q, want j2", got)
	}
	if got := js.j2.forwards(); !slices.Equal(got, []string{js.target.addr}) {
		t.Errorf("j2 forwarded to %q, want the target", got)
	}

	// A failing first hop's ProxyCommand is that hop's failure.
	first.Config.ProxyCommand = "false"
	cfg.Jumps = []Jump{first}
	_, err := Dial(testCtx(t), js.target.addr, cfg)
	var je *JumpError
	var pe *ProxyError
	if !errors.As(err, &je) || je.Hop != 1 || !errors.As(err, &pe) || pe.Exit != "exit status 1" {
		t.Errorf("err = %v, want the first hop's ProxyCommand ending", err)
	}
}
