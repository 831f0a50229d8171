package transport

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// jumpSite is a target and two jump hosts, each with its own host key, all
// in one known_hosts file; the jump hosts take one key, the target a
// password.
type jumpSite struct {
	target, j1, j2 *testServer
	knownHosts     string
	hopKey         string // identity file the jump hosts accept
}

func startJumpSite(t *testing.T) *jumpSite {
	t.Helper()
	key := ed25519Key()
	pub := newSigner(key).PublicKey()
	js := &jumpSite{
		target: startServer(t, serverOpts{password: testPassword}),
		j1:     startServer(t, serverOpts{authorized: []ssh.PublicKey{pub}, forward: true, hostKeys: []ssh.Signer{testECDSA()}}),
		j2:     startServer(t, serverOpts{authorized: []ssh.PublicKey{pub}, forward: true, hostKeys: []ssh.Signer{testEd25519b()}}),
		hopKey: writeKey(t, key, ""),
	}
	js.knownHosts = knownHostsFile(t,
		entry(js.target.addr, testEd25519().PublicKey()),
		entry(js.j1.addr, testECDSA().PublicKey()),
		entry(js.j2.addr, testEd25519b().PublicKey()))
	return js
}

func (js *jumpSite) hop(addr string) Jump {
	return Jump{Addr: addr, Config: Config{User: "hopper", Identities: []string{js.hopKey}, KnownHostsFile: js.knownHosts}}
}

func TestJumpHosts(t *testing.T) {
	t.Parallel()
	js := startJumpSite(t)

	cfg := pwConfig(js.knownHosts)
	cfg.Jumps = []Jump{js.hop(js.j1.addr)}
	roundTrip(t, dialOK(t, js.target, cfg))
	if got := js.j1.forwards(); !slices.Equal(got, []string{js.target.addr}) {
		t.Errorf("one hop: j1 forwarded to %q, want the target", got)
	}

	cfg.Jumps = []Jump{js.hop(js.j1.addr), js.hop(js.j2.addr)}
	c := dialOK(t, js.target, cfg)
	roundTrip(t, c)
	if got := js.j1.forwards(); !slices.Equal(got, []string{js.target.addr, js.j2.addr}) {
		t.Errorf("two hops: j1 forwarded to %q, want the target then j2", got)
	}
	if got := js.j2.forwards(); !slices.Equal(got, []string{js.target.addr}) {
		t.Errorf("two hops: j2 forwarded to %q", got)
	}
	if got := js.j2.logins(); !slices.Equal(got, []string{"hopper"}) {
		t.Errorf("j2 logins %q", got)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestJumpHostErrors(t *testing.T) {
	t.Parallel()
	js := startJumpSite(t)
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}()

	dial := func(target string, jumps ...Jump) error {
		t.Helper()
		cfg := pwConfig(js.knownHosts)
		cfg.Jumps = jumps
		cfg.ConnectTimeout = 500 * time.Millisecond
		c, err := Dial(testCtx(t), target, cfg)
		if err == nil {
			c.Close()
			t.Fatalf("dial %s succeeded", target)
		}
		return err
	}
	wantJump := func(err error, hop int, addr string) {
		t.Helper()
		var je *JumpError
		if !errors.As(err, &je) || je.Hop != hop || je.Addr != addr {
			t.Fatalf("err = %v, want *JumpError at hop %d (%s)", err, hop, addr)
		}
		if !strings.Contains(err.Error(), "jump host "+addr) {
			t.Errorf("message %q does not name the jump host", err)
		}
	}

	t.Run("second hop's key unknown", func(t *testing.T) {
		j2 := js.hop(js.j2.addr)
		j2.Config.KnownHostsFile = knownHostsFile(t, entry(js.j1.addr, testECDSA().PublicKey()))
		err := dial(js.target.addr, js.hop(js.j1.addr), j2)
		wantJump(err, 2, js.j2.addr)
		var hk *HostKeyError
		if !errors.As(err, &hk) || hk.Problem != HostKeyUnknown {
			t.Errorf("err = %v, want an unknown host key inside", err)
		}
	})
	t.Run("first hop's key changed", func(t *testing.T) {
		j1 := js.hop(js.j1.addr)
		j1.Config.KnownHostsFile = knownHostsFile(t, entry(js.j1.addr, testEd25519b().PublicKey()))
		var hk *HostKeyError
		if err := dial(js.target.addr, j1); !errors.As(err, &hk) || hk.Problem != HostKeyChanged {
			t.Errorf("err = %v, want a changed host key", err)
		}
	})
	t.Run("first hop refused", func(t *testing.T) {
		err := dial(js.target.addr, js.hop(closed), js.hop(js.j2.addr))
		wantJump(err, 1, closed)
		var de *DialError
		if !errors.As(err, &de) || de.Kind != DialRefused || de.Via != "" {
			t.Errorf("err = %v, want a refused connect from here", err)
		}
	})
	t.Run("target refused at the last hop", func(t *testing.T) {
		err := dial(closed, js.hop(js.j1.addr), js.hop(js.j2.addr))
		var de *DialError
		var je *JumpError
		if !errors.As(err, &de) || de.Kind != DialRefused || de.Via != js.j2.addr || errors.As(err, &je) {
			t.Fatalf("err = %v, want the target refused via %s", err, js.j2.addr)
		}
		if !strings.Contains(err.Error(), "connect to "+closed+" via jump host "+js.j2.addr+": connection refused") {
			t.Errorf("message %q", err)
		}
	})
	t.Run("second hop refused by the first", func(t *testing.T) {
		err := dial(js.target.addr, js.hop(js.j1.addr), js.hop(closed))
		wantJump(err, 2, closed)
		var de *DialError
		if !errors.As(err, &de) || de.Kind != DialRefused || de.Via != js.j1.addr {
			t.Errorf("err = %v, want refused via j1", err)
		}
	})
	t.Run("jump host forbids the destination", func(t *testing.T) {
		var de *DialError
		if err := dial("localhost:22", js.hop(js.j1.addr)); !errors.As(err, &de) || !strings.Contains(err.Error(), "only 127.0.0.1") {
			t.Errorf("err = %v, want the jump host's reason", err)
		}
	})
	t.Run("silent target through a hop", func(t *testing.T) {
		var ne *NotSSHError
		err := dial(silentServer(t, ""), js.hop(js.j1.addr))
		if !errors.As(err, &ne) || ne.Timeout != 500*time.Millisecond {
			t.Errorf("err = %v, want *NotSSHError after the connect timeout", err)
		}
	})
	t.Run("password-only hop never gets the appliance password", func(t *testing.T) {
		pwHop := startServer(t, serverOpts{password: testPassword, forward: true})
		h := js.hop(pwHop.addr)
		h.Config.KnownHostsFile = knownHostsFile(t, entry(pwHop.addr, testEd25519().PublicKey()))
		err := dial(js.target.addr, h)
		wantJump(err, 1, pwHop.addr)
		var ae *AuthError
		if !errors.As(err, &ae) || ae.User != "hopper" {
			t.Errorf("err = %v, want *AuthError for hopper", err)
		}
		if n := pwHop.passwordTries(); n != 0 {
			t.Errorf("jump host saw %d password attempts", n)
		}
	})
}
