package transport

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

const testPassword = "s3cret-Pa55"

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// pwConfig logs in as admin with testPassword and uses no default identity
// files, so that tests never read the real ~/.ssh.
func pwConfig(knownHosts string) Config {
	return Config{
		User:           "admin",
		Identities:     []string{},
		Password:       func() (string, error) { return testPassword, nil },
		KnownHostsFile: knownHosts,
	}
}

// baseConfig is pwConfig trusting the server's default host key.
func baseConfig(t testing.TB, s *testServer) Config {
	return pwConfig(knownHostsFile(t, entry(s.addr, testEd25519().PublicKey())))
}

func countingPassword(pw string, calls *atomic.Int32) func() (string, error) {
	return func() (string, error) {
		calls.Add(1)
		return pw, nil
	}
}

func noPassword(t testing.TB) func() (string, error) {
	return func() (string, error) {
		t.Error("password asked for")
		return "", errors.New("no password in this test")
	}
}

// roundTrip opens a shell, runs one line through it and exits.
func roundTrip(t testing.TB, c *Client) {
	t.Helper()
	sh, err := c.Shell(testCtx(t), PTY{})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	e := newExpect(t, sh)
	e.until("test> ")
	if _, err := sh.Write([]byte("status\r")); err != nil {
		t.Fatal(err)
	}
	e.until("you said status\r\ntest> ")
	sh.Write([]byte("exit\r"))
	select {
	case <-sh.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("shell not done after exit")
	}
	e.eof()
	if err := sh.Err(); err != nil {
		t.Errorf("shell ended with %v", err)
	}
}

func dialOK(t testing.TB, s *testServer, cfg Config) *Client {
	t.Helper()
	c, err := Dial(testCtx(t), s.addr, cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestPasswordLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword, kbdPassword: testPassword})
	cfg := baseConfig(t, s)
	var calls atomic.Int32
	cfg.Password = countingPassword(testPassword, &calls)
	c := dialOK(t, s, cfg)
	roundTrip(t, c)
	if n := calls.Load(); n != 1 {
		t.Errorf("password callback called %d times, want 1", n)
	}
	if p := s.lastPTY(); p != (ptyRequest{"vt100", 200, 24}) {
		t.Errorf("pty = %+v, want vt100 200x24", p)
	}
	if v := c.ServerVersion(); !strings.HasPrefix(v, "SSH-2.0-") {
		t.Errorf("server version %q", v)
	}
}

func TestKeyboardInteractiveLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{kbdPassword: testPassword})
	cfg := baseConfig(t, s)
	var calls atomic.Int32
	cfg.Password = countingPassword(testPassword, &calls)
	roundTrip(t, dialOK(t, s, cfg))
	if n := calls.Load(); n != 1 {
		t.Errorf("password callback called %d times, want 1", n)
	}
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword, kbdPassword: testPassword})
	cfg := baseConfig(t, s)
	var calls atomic.Int32
	cfg.Password = countingPassword("wrong-Hunter2", &calls)
	_, err := Dial(testCtx(t), s.addr, cfg)
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *AuthError", err)
	}
	if !strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "wrong-Hunter2") {
		t.Errorf("message %q: want the method, not the secret", err)
	}
	if calls.Load() != 1 {
		t.Errorf("password callback called %d times, want 1", calls.Load())
	}
	// The refused password must not be sent again by keyboard-interactive.
	if n := s.passwordTries(); n != 1 {
		t.Errorf("server saw %d password attempts, want 1", n)
	}
}

func TestNoMethodLeft(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{authorized: []ssh.PublicKey{testRSA().PublicKey()}})
	cfg := baseConfig(t, s)
	cfg.Password = noPassword(t)
	_, err := Dial(testCtx(t), s.addr, cfg)
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "server accepts publickey") {
		t.Fatalf("err = %v, want *AuthError naming publickey", err)
	}
}

func writeKey(t testing.TB, signerKey any, passphrase string) string {
	t.Helper()
	var block []byte
	if passphrase == "" {
		b, err := ssh.MarshalPrivateKey(signerKey, "test")
		if err != nil {
			t.Fatal(err)
		}
		block = pemEncode(b)
	} else {
		b, err := ssh.MarshalPrivateKeyWithPassphrase(signerKey, "test", []byte(passphrase))
		if err != nil {
			t.Fatal(err)
		}
		block = pemEncode(b)
	}
	f := filepath.Join(t.TempDir(), "id_test")
	if err := os.WriteFile(f, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPublicKeyFile(t *testing.T) {
	t.Parallel()
	key := ed25519Key()
	s := startServer(t, serverOpts{authorized: []ssh.PublicKey{newSigner(key).PublicKey()}, password: testPassword})
	cfg := baseConfig(t, s)
	cfg.Identities = []string{writeKey(t, key, "")}
	cfg.Password = noPassword(t)
	roundTrip(t, dialOK(t, s, cfg))
}

func TestEncryptedKeyFile(t *testing.T) {
	t.Parallel()
	key := ed25519Key()
	s := startServer(t, serverOpts{authorized: []ssh.PublicKey{newSigner(key).PublicKey()}})
	file := writeKey(t, key, "open sesame")

	cfg := baseConfig(t, s)
	cfg.Identities = []string{file}
	var asked []string
	cfg.Passphrase = func(f string) (string, error) {
		asked = append(asked, f)
		return "open sesame", nil
	}
	roundTrip(t, dialOK(t, s, cfg))
	if len(asked) != 1 || asked[0] != file {
		t.Errorf("passphrase asked for %v, want once for %s", asked, file)
	}

	t.Run("wrong passphrase", func(t *testing.T) {
		cfg.Passphrase = func(string) (string, error) { return "not-it-42", nil }
		_, err := Dial(testCtx(t), s.addr, cfg)
		var ae *AuthError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), "wrong passphrase") {
			t.Fatalf("err = %v, want *AuthError about the passphrase", err)
		}
		if strings.Contains(err.Error(), "not-it-42") {
			t.Errorf("message %q holds the passphrase", err)
		}
	})

	t.Run("key not accepted asks nothing", func(t *testing.T) {
		other := startServer(t, serverOpts{password: testPassword})
		cfg := baseConfig(t, other)
		cfg.Identities = []string{file}
		cfg.Passphrase = func(string) (string, error) {
			t.Error("passphrase asked for a key the server does not take")
			return "", errors.New("no")
		}
		var calls atomic.Int32
		cfg.Password = countingPassword(testPassword, &calls)
		dialOK(t, other, cfg).Close()
	})
}

// startAgent serves an ssh-agent holding keys on a socket in a temp dir.
func startAgent(t *testing.T, keys ...any) string {
	t.Helper()
	ring := agent.NewKeyring()
	for _, k := range keys {
		if err := ring.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				agent.ServeAgent(ring, c)
				c.Close()
			}()
		}
	}()
	return sock
}

func TestAgent(t *testing.T) {
	t.Parallel()
	key := ed25519Key()
	sock := startAgent(t, key)
	s := startServer(t, serverOpts{authorized: []ssh.PublicKey{newSigner(key).PublicKey()}})
	cfg := baseConfig(t, s)
	cfg.UseAgent = true
	cfg.AgentSocket = sock
	cfg.Password = noPassword(t)
	roundTrip(t, dialOK(t, s, cfg))

	cfg.UseAgent = false
	if _, err := Dial(testCtx(t), s.addr, cfg); !errors.As(err, new(*AuthError)) {
		t.Errorf("without the agent: err = %v, want *AuthError", err)
	}
}

func TestIdentitiesOnly(t *testing.T) {
	t.Parallel()
	good, other := ed25519Key(), ed25519Key()
	sock := startAgent(t, good, other)
	s := startServer(t, serverOpts{authorized: []ssh.PublicKey{newSigner(good).PublicKey()}})
	cfg := baseConfig(t, s)
	cfg.UseAgent, cfg.AgentSocket, cfg.Password = true, sock, noPassword(t)

	// Only the other key's file is named: the agent's good key is not offered.
	cfg.Identities = []string{writeKey(t, other, "")}
	cfg.IdentitiesOnly = true
	if _, err := Dial(testCtx(t), s.addr, cfg); !errors.As(err, new(*AuthError)) {
		t.Errorf("IdentitiesOnly offered an agent key no identity names: err = %v", err)
	}
	cfg.IdentitiesOnly = false
	roundTrip(t, dialOK(t, s, cfg))

	// The good key's file is encrypted and nobody can type its passphrase:
	// the agent's copy of that key is what logs in.
	cfg.Identities = []string{writeKey(t, good, "unknown passphrase")}
	cfg.IdentitiesOnly = true
	cfg.Passphrase = func(string) (string, error) {
		t.Error("passphrase asked although the agent holds the key")
		return "", errors.New("no passphrase in this test")
	}
	roundTrip(t, dialOK(t, s, cfg))
}

func TestKnownHosts(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	fp := ssh.FingerprintSHA256(testEd25519().PublicKey())
	host := knownhosts.Normalize(s.addr) // [127.0.0.1]:port

	dial := func(t *testing.T, lines ...string) error {
		t.Helper()
		cfg := pwConfig(knownHostsFile(t, lines...))
		c, err := Dial(testCtx(t), s.addr, cfg)
		if err == nil {
			c.Close()
		}
		return err
	}

	t.Run("bracketed host and port", func(t *testing.T) {
		if !strings.HasPrefix(host, "[127.0.0.1]:") {
			t.Fatalf("entry host %q", host)
		}
		if err := dial(t, "# comment", entry(s.addr, testEd25519().PublicKey())); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("hashed", func(t *testing.T) {
		line := knownhosts.HashHostname(host) + " " + string(ssh.MarshalAuthorizedKey(testEd25519().PublicKey()))
		if err := dial(t, strings.TrimSpace(line)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		// The same host on port 22 is another entry.
		err := dial(t, knownhosts.Line([]string{"127.0.0.1"}, testEd25519().PublicKey()))
		var he *HostKeyError
		if !errors.As(err, &he) || he.Problem != HostKeyUnknown {
			t.Fatalf("err = %v, want unknown *HostKeyError", err)
		}
		for _, want := range []string{host, fp, "--accept-new-host-keys", "--known-hosts"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q lacks %q", err, want)
			}
		}
	})
	t.Run("changed", func(t *testing.T) {
		err := dial(t, "# first", entry(s.addr, testEd25519b().PublicKey()))
		var he *HostKeyError
		if !errors.As(err, &he) || he.Problem != HostKeyChanged {
			t.Fatalf("err = %v, want changed *HostKeyError", err)
		}
		for _, want := range []string{host, fp, "known_hosts:2"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q lacks %q", err, want)
			}
		}
	})
}

// TestRecordedAlgorithmsOnly is the x/crypto/ssh pitfall: the server has
// several key types, known_hosts records one, and the client must not let
// the server pick another.
func TestRecordedAlgorithmsOnly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		server   []ssh.Signer
		recorded ssh.Signer
	}{
		{"rsa entry, ecdsa+rsa server", []ssh.Signer{testECDSA(), testRSA()}, testRSA()},
		{"rsa entry, ed25519+rsa server", []ssh.Signer{testEd25519(), testRSA()}, testRSA()},
		{"ed25519 entry, rsa+ed25519 server", []ssh.Signer{testRSA(), testEd25519()}, testEd25519()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serverOpts{hostKeys: tc.server, password: testPassword})
			cfg := pwConfig(knownHostsFile(t, entry(s.addr, tc.recorded.PublicKey())))
			dialOK(t, s, cfg).Close()
		})
	}

	t.Run("recorded type no longer offered", func(t *testing.T) {
		t.Parallel()
		s := startServer(t, serverOpts{hostKeys: []ssh.Signer{testECDSA()}, password: testPassword})
		cfg := pwConfig(knownHostsFile(t, entry(s.addr, testEd25519().PublicKey())))
		_, err := Dial(testCtx(t), s.addr, cfg)
		var he *HostKeyError
		if !errors.As(err, &he) || he.Problem != HostKeyChanged || !strings.Contains(err.Error(), "ecdsa-sha2-nistp256") {
			t.Fatalf("err = %v, want changed *HostKeyError naming the offered type", err)
		}
	})
}

func TestAcceptNewHostKeys(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	file := filepath.Join(t.TempDir(), "sub", "known_hosts")
	cfg := pwConfig(file)
	cfg.AcceptNewHostKeys = true

	dialOK(t, s, cfg).Close()
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(file)
	if want := entry(s.addr, testEd25519().PublicKey()) + "\n"; string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}

	// Known now: accepted without writing again.
	cfg.AcceptNewHostKeys = false
	dialOK(t, s, cfg).Close()

	// A changed key is refused even with AcceptNewHostKeys.
	cfg.AcceptNewHostKeys = true
	s.setHostKeys(testEd25519b())
	_, err = Dial(testCtx(t), s.addr, cfg)
	var he *HostKeyError
	if !errors.As(err, &he) || he.Problem != HostKeyChanged {
		t.Fatalf("err = %v, want changed *HostKeyError", err)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(after, data) {
		t.Errorf("known_hosts changed after a rejected key: %q", after)
	}
}

func TestAcceptNewAppendsAfterUnterminatedLine(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	file := filepath.Join(t.TempDir(), "known_hosts")
	other := knownhosts.Line([]string{"other.example"}, testRSA().PublicKey())
	if err := os.WriteFile(file, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := pwConfig(file)
	cfg.AcceptNewHostKeys = true
	dialOK(t, s, cfg).Close()
	data, _ := os.ReadFile(file)
	if want := other + "\n" + entry(s.addr, testEd25519().PublicKey()) + "\n"; string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}
}

func TestInsecureIgnoreHostKeyWarns(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	var warn bytes.Buffer
	cfg := pwConfig(filepath.Join(t.TempDir(), "absent"))
	cfg.InsecureIgnoreHostKey, cfg.Warn = true, &warn
	for range 2 {
		dialOK(t, s, cfg).Close()
	}
	lines := strings.Split(strings.TrimSpace(warn.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "not verifying the host key") ||
		!strings.Contains(lines[1], ssh.FingerprintSHA256(testEd25519().PublicKey())) {
		t.Errorf("warnings = %q, want one per dial with the fingerprint", warn.String())
	}
	if _, err := os.Stat(cfg.KnownHostsFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("insecure mode touched known_hosts: %v", err)
	}
}

func TestLegacyAlgorithms(t *testing.T) {
	t.Parallel()
	legacyRSA, err := ssh.NewSignerWithAlgorithms(testRSA().(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA})
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverOpts{hostKeys: []ssh.Signer{legacyRSA}, password: testPassword, legacyOnly: true})
	cfg := pwConfig(knownHostsFile(t, entry(s.addr, testRSA().PublicKey())))

	_, err = Dial(testCtx(t), s.addr, cfg)
	var ne *NegotiationError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want *NegotiationError", err)
	}
	for _, want := range []string{"diffie-hellman-group14-sha1", "--legacy-ssh-algorithms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}

	cfg.LegacyAlgorithms = true
	roundTrip(t, dialOK(t, s, cfg))
}

func TestLegacyHostKeyOnly(t *testing.T) {
	t.Parallel()
	// A modern kex but an ssh-rsa-only host key: the failure is about the
	// host key and still points at the flag, not at a changed key.
	legacyRSA, err := ssh.NewSignerWithAlgorithms(testRSA().(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA})
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverOpts{hostKeys: []ssh.Signer{legacyRSA}, password: testPassword})
	cfg := pwConfig(knownHostsFile(t, entry(s.addr, testRSA().PublicKey())))
	_, err = Dial(testCtx(t), s.addr, cfg)
	var ne *NegotiationError
	if !errors.As(err, &ne) || ne.What != "host key" || !strings.Contains(err.Error(), "ssh-rsa") {
		t.Fatalf("err = %v, want host key *NegotiationError", err)
	}
	cfg.LegacyAlgorithms = true
	dialOK(t, s, cfg).Close()
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(testCtx(t), addr, pwConfig(knownHostsFile(t)))
	var de *DialError
	if !errors.As(err, &de) || de.Kind != DialRefused || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v, want refused *DialError", err)
	}
}

// silentServer accepts TCP and then says nothing, or says greeting.
func silentServer(t testing.TB, greeting string) string {
	addr, _ := silentListener(t, greeting)
	return addr
}

// silentListener is silentServer that also tells each accepted connection.
func silentListener(t testing.TB, greeting string) (string, <-chan struct{}) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan struct{}, 16)
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			if greeting != "" {
				c.Write([]byte(greeting))
				c.Close()
			}
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	return ln.Addr().String(), accepted
}

func TestNotSSH(t *testing.T) {
	t.Parallel()
	t.Run("silent, connect timeout", func(t *testing.T) {
		t.Parallel()
		addr := silentServer(t, "")
		cfg := pwConfig(knownHostsFile(t))
		cfg.ConnectTimeout = 200 * time.Millisecond
		_, err := Dial(testCtx(t), addr, cfg)
		var ne *NotSSHError
		if !errors.As(err, &ne) || ne.Timeout != 200*time.Millisecond {
			t.Fatalf("err = %v, want *NotSSHError after 200ms", err)
		}
	})
	t.Run("silent, context deadline", func(t *testing.T) {
		t.Parallel()
		addr := silentServer(t, "")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		cfg := pwConfig(knownHostsFile(t))
		_, err := Dial(ctx, addr, cfg)
		var ne *NotSSHError
		if !errors.As(err, &ne) || ne.Timeout <= 0 || ne.Timeout > time.Second {
			t.Fatalf("err = %v, want *NotSSHError within the context deadline", err)
		}
	})
	t.Run("speaks http", func(t *testing.T) {
		t.Parallel()
		addr := silentServer(t, "HTTP/1.0 400 Bad Request\r\n\r\n")
		cfg := pwConfig(knownHostsFile(t))
		_, err := Dial(testCtx(t), addr, cfg)
		var ne *NotSSHError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), "HTTP/1.0 400") {
			t.Fatalf("err = %v, want *NotSSHError quoting the reply", err)
		}
	})
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	addr := silentServer(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Dial(ctx, addr, pwConfig(knownHostsFile(t)))
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("dial ignored the cancelled context")
	}
}

func TestExec(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	cfg := baseConfig(t, s)
	c := dialOK(t, s, cfg)
	out, err := c.Exec(testCtx(t), "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "ran: version\n") || !strings.Contains(string(out), "note\n") {
		t.Errorf("output %q lacks stdout or stderr", out)
	}
}

func TestShellCloseUnblocksRead(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	cfg := baseConfig(t, s)
	c := dialOK(t, s, cfg)
	sh, err := c.Shell(testCtx(t), PTY{Term: "xterm", Cols: 132, Rows: 50})
	if err != nil {
		t.Fatal(err)
	}
	e := newExpect(t, sh)
	e.until("test> ")
	if p := s.lastPTY(); p != (ptyRequest{"xterm", 132, 50}) {
		t.Errorf("pty = %+v", p)
	}
	if err := sh.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	e.eof()
}

func TestSplitHostPort(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		host string
		port int
		bad  bool
	}{
		{"mx1.example.com", "mx1.example.com", 22, false},
		{"mx1.example.com:2222", "mx1.example.com", 2222, false},
		{"10.0.0.1", "10.0.0.1", 22, false},
		{"[2001:db8::1]:830", "2001:db8::1", 830, false},
		{"[2001:db8::1]", "2001:db8::1", 22, false},
		{"2001:db8::1", "2001:db8::1", 22, false},
		{"", "", 0, true},
		{"host:0", "", 0, true},
		{"host:70000", "", 0, true},
		{"host:ssh", "", 0, true},
		{":22", "", 0, true},
		{"fe80::zz", "", 0, true},
	}
	for _, tc := range cases {
		h, p, err := SplitHostPort(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("SplitHostPort(%q) = %q, %d; want an error", tc.in, h, p)
			}
			continue
		}
		if err != nil || h != tc.host || p != tc.port {
			t.Errorf("SplitHostPort(%q) = %q, %d, %v; want %q, %d", tc.in, h, p, err, tc.host, tc.port)
		}
	}
}

func TestHostKeyAlgorithmsFor(t *testing.T) {
	t.Parallel()
	got := strings.Join(hostKeyAlgorithmsFor([]string{ssh.KeyAlgoRSA, ssh.KeyAlgoED25519, ssh.KeyAlgoRSA}, false), ",")
	if want := "rsa-sha2-512,rsa-sha2-256,ssh-ed25519"; got != want {
		t.Errorf("secure = %s, want %s", got, want)
	}
	got = strings.Join(hostKeyAlgorithmsFor([]string{ssh.KeyAlgoRSA}, true), ",")
	if want := "rsa-sha2-512,rsa-sha2-256,ssh-rsa"; got != want {
		t.Errorf("legacy = %s, want %s", got, want)
	}
}

func TestSecureDefaultsOfferNoSHA1(t *testing.T) {
	t.Parallel()
	a := algorithms(false)
	all := strings.Join(append(append(append(a.KeyExchanges, a.Ciphers...), a.MACs...), a.HostKeys...), ",")
	for _, weak := range []string{"sha1", "cbc", "ssh-rsa,", "hmac-sha1"} {
		if strings.Contains(all+",", weak) {
			t.Errorf("default algorithms offer %s: %s", weak, all)
		}
	}
}

func BenchmarkDialShellFirstByte(b *testing.B) {
	s := startServer(b, serverOpts{password: testPassword})
	cfg := baseConfig(b, s)
	cfg.Password = func() (string, error) { return testPassword, nil }
	ctx := testCtx(b)
	buf := make([]byte, 64)
	for b.Loop() {
		c, err := Dial(ctx, s.addr, cfg)
		if err != nil {
			b.Fatal(err)
		}
		sh, err := c.Shell(ctx, PTY{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sh.Read(buf); err != nil {
			b.Fatal(err)
		}
		sh.Close()
		c.Close()
	}
}

func TestDialErrorKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	cases := []struct {
		err  error
		kind DialFailure
		msg  string
	}{
		{op(os.NewSyscallError("connect", syscall.ECONNREFUSED)), DialRefused, "connection refused"},
		{op(&net.DNSError{Err: "no such host", Name: "mx1.example.com", IsNotFound: true}), DialDNS, "cannot resolve"},
		{op(os.ErrDeadlineExceeded), DialTimeout, "no answer within 3s"},
		{op(os.NewSyscallError("connect", syscall.ENETUNREACH)), DialOther, "unreachable"},
	}
	for _, tc := range cases {
		err := dialError(ctx, "mx1.example.com:22", 3*time.Second, tc.err)
		var de *DialError
		if !errors.As(err, &de) || de.Kind != tc.kind || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("dialError(%v) = %v, want %s error mentioning %q", tc.err, err, tc.kind, tc.msg)
		}
	}
}

func TestExtraKnownHostsFiles(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	// The key is only in the second file; the first does not exist yet.
	first := filepath.Join(t.TempDir(), "known_hosts")
	cfg := pwConfig(first)
	cfg.ExtraKnownHostsFiles = []string{knownHostsFile(t, entry(s.addr, testEd25519().PublicKey()))}
	roundTrip(t, dialOK(t, s, cfg))

	// A changed key in the second file is still a changed key.
	cfg.ExtraKnownHostsFiles = []string{knownHostsFile(t, entry(s.addr, testEd25519b().PublicKey()))}
	cfg.AcceptNewHostKeys = true
	var hk *HostKeyError
	if _, err := Dial(testCtx(t), s.addr, cfg); !errors.As(err, &hk) || hk.Problem != HostKeyChanged {
		t.Errorf("err = %v, want a changed host key", err)
	}
	// An unknown host is recorded in the first file.
	cfg.ExtraKnownHostsFiles = nil
	roundTrip(t, dialOK(t, s, cfg))
	if b, err := os.ReadFile(first); err != nil || !strings.Contains(string(b), "ssh-ed25519") {
		t.Errorf("first file after accept-new: %q %v", b, err)
	}
}

func TestHostKeyAlias(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	const alias = "esa-main"
	dial := func(cfg Config) error {
		c, err := Dial(testCtx(t), s.addr, cfg)
		if err == nil {
			c.Close()
		}
		return err
	}

	// Recorded under the alias only, with no port: found.
	cfg := pwConfig(knownHostsFile(t, entry(alias, testEd25519().PublicKey())))
	cfg.HostKeyAlias = alias
	if err := dial(cfg); err != nil {
		t.Fatalf("alias recorded: %v", err)
	}
	// The same file without the alias: the address is not in it.
	cfg.HostKeyAlias = ""
	var hk *HostKeyError
	if err := dial(cfg); !errors.As(err, &hk) || hk.Problem != HostKeyUnknown {
		t.Errorf("no alias: err = %v, want an unknown host key", err)
	}
	// Recorded under the address only: the alias is what is looked up.
	cfg = pwConfig(knownHostsFile(t, entry(s.addr, testEd25519().PublicKey())))
	cfg.HostKeyAlias = alias
	if err := dial(cfg); !errors.As(err, &hk) || hk.Problem != HostKeyUnknown || hk.Host != alias {
		t.Errorf("address recorded: err = %v, want an unknown host key for %s", err, alias)
	}
	// Another key under the alias: changed.
	cfg = pwConfig(knownHostsFile(t, entry(alias, testEd25519b().PublicKey())))
	cfg.HostKeyAlias = alias
	if err := dial(cfg); !errors.As(err, &hk) || hk.Problem != HostKeyChanged || hk.Host != alias {
		t.Errorf("other key: err = %v, want a changed host key for %s", err, alias)
	}

	// accept-new writes the alias, as ssh(1) does.
	file := filepath.Join(t.TempDir(), "known_hosts")
	cfg = pwConfig(file)
	cfg.HostKeyAlias, cfg.AcceptNewHostKeys = alias, true
	if err := dial(cfg); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != entry(alias, testEd25519().PublicKey())+"\n" {
		t.Errorf("known_hosts = %q, want the key under %s", data, alias)
	}
	cfg.AcceptNewHostKeys = false
	if err := dial(cfg); err != nil {
		t.Errorf("after accept-new: %v", err)
	}
}

// The system's known_hosts (GlobalKnownHostsFile) vouches for a host as
// ssh(1) lets it: read after the user's file, never written; a file that
// cannot be parsed is skipped with a warning, not fatal.
func TestGlobalKnownHosts(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	user := filepath.Join(t.TempDir(), "known_hosts") // absent
	global := knownHostsFile(t, entry(s.addr, testEd25519().PublicKey()))
	broken := knownHostsFile(t, "this is not a known_hosts line")
	var warn bytes.Buffer
	cfg := pwConfig(user)
	cfg.GlobalKnownHostsFiles, cfg.Warn = []string{broken, global}, &warn
	dialOK(t, s, cfg).Close()
	if _, err := os.Stat(user); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the user's known_hosts was written: %v", err)
	}
	if !strings.Contains(warn.String(), "not reading host keys from "+broken) {
		t.Errorf("warnings %q do not name the unreadable file", warn.String())
	}

	cfg.GlobalKnownHostsFiles = []string{}
	var he *HostKeyError
	if _, err := Dial(testCtx(t), s.addr, cfg); !errors.As(err, &he) || he.Problem != HostKeyUnknown {
		t.Errorf("without the global file: %v, want an unknown host key", err)
	}

	// A changed key in the global file is refused like one in the user's.
	s.setHostKeys(testEd25519b())
	cfg.GlobalKnownHostsFiles = []string{global}
	if _, err := Dial(testCtx(t), s.addr, cfg); !errors.As(err, &he) || he.Problem != HostKeyChanged || he.KnownHostsFile != global {
		t.Errorf("changed key: %v, want it refused naming %s", err, global)
	}
}

// HashKnownHosts (Debian's default in /etc/ssh/ssh_config) writes the new
// line with the host's name hashed, and that line vouches for the host.
func TestAcceptNewHashesTheName(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOpts{password: testPassword})
	file := filepath.Join(t.TempDir(), "known_hosts")
	cfg := pwConfig(file)
	cfg.AcceptNewHostKeys, cfg.HashKnownHosts = true, true
	dialOK(t, s, cfg).Close()
	data, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(data), "|1|") || strings.Contains(string(data), "127.0.0.1") {
		t.Fatalf("known_hosts = %q, want a hashed name", data)
	}
	cfg.AcceptNewHostKeys = false
	dialOK(t, s, cfg).Close()
}
