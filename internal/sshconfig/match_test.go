package sshconfig

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMatchCriteria checks each criterion on its own, negated and ANDed:
// every config sets Port 1 in the block under test, so port 1 means the
// block applied.
func TestMatchCriteria(t *testing.T) {
	fakeAddrs := func() ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("fd00::5")}, nil
	}
	for _, tc := range []struct {
		name, text string
		q          Query
		want       bool
	}{
		{"host sees HostName", "Host a\n HostName a.mgmt.example\nMatch host *.mgmt.example\n Port 1\n", Query{Host: "a"}, true},
		{"host not the alias", "Host a\n HostName 10.0.0.1\nMatch host a\n Port 1\n", Query{Host: "a"}, false},
		{"host without HostName is the alias", "Match host a,b\n Port 1\n", Query{Host: "b"}, true},
		{"host %h in HostName", "Host *\n HostName %h.mgmt\nMatch host a.mgmt\n Port 1\n", Query{Host: "a"}, true},
		{"host ignores case", "Match host MX1\n Port 1\n", Query{Host: "mx1"}, true},
		{"host negated pattern", "Match host mx*,!mx3\n Port 1\n", Query{Host: "mx3"}, false},
		{"!host", "Match !host mx3\n Port 1\n", Query{Host: "mx3"}, false},
		{"!host other", "Match !host mx3\n Port 1\n", Query{Host: "mx4"}, true},
		{"originalhost", "Host a\n HostName 10.0.0.1\nMatch originalhost a\n Port 1\n", Query{Host: "a"}, true},
		{"originalhost not HostName", "Host a\n HostName b\nMatch originalhost b\n Port 1\n", Query{Host: "a"}, false},
		{"user from command line", "Match user ops\n Port 1\n", Query{Host: "a", User: "ops"}, true},
		{"user command line wins", "Host a\n User cfg\nMatch user cfg\n Port 1\n", Query{Host: "a", User: "ops"}, false},
		{"user from earlier User", "Host a\n User cfg\nMatch user cfg\n Port 1\n", Query{Host: "a", DefaultUser: "admin"}, true},
		{"user not from later User", "Match user cfg\n Port 1\nHost a\n User cfg\n", Query{Host: "a"}, false},
		{"user default", "Match user admin\n Port 1\n", Query{Host: "a", DefaultUser: "admin"}, true},
		{"user local", "Match user me\n Port 1\n", Query{Host: "a"}, true},
		{"user is case-sensitive", "Match user Me\n Port 1\n", Query{Host: "a"}, false},
		{"localuser", "Match localuser m?\n Port 1\n", Query{Host: "a", User: "ops"}, true},
		{"!localuser", "Match !localuser me\n Port 1\n", Query{Host: "a"}, false},
		{"tagged", "Host a\n Tag prod\nMatch tagged dev,prod\n Port 1\n", Query{Host: "a"}, true},
		{"tagged other", "Host a\n Tag prod\nMatch tagged dev\n Port 1\n", Query{Host: "a"}, false},
		{"tagged none", "Match tagged prod\n Port 1\n", Query{Host: "a"}, false},
		// ssh(1) matches an unset Tag as "", which * matches.
		{"tagged none, *", "Match tagged *\n Port 1\n", Query{Host: "a"}, true},
		{"!tagged none", "Match !tagged prod\n Port 1\n", Query{Host: "a"}, true},
		{"localnetwork", "Match localnetwork 192.168.0.0/16,10.0.0.0/8\n Port 1\n", Query{Host: "a"}, true},
		{"localnetwork v6", "Match localnetwork fd00::/8\n Port 1\n", Query{Host: "a"}, true},
		{"localnetwork address", "Match localnetwork 10.1.2.3\n Port 1\n", Query{Host: "a"}, true},
		{"localnetwork other", "Match localnetwork 192.168.0.0/16\n Port 1\n", Query{Host: "a"}, false},
		{"!localnetwork", "Match !localnetwork 10.0.0.0/8\n Port 1\n", Query{Host: "a"}, false},
		{"canonical", "Match canonical\n Port 1\n", Query{Host: "a"}, false},
		{"!canonical", "Match !canonical\n Port 1\n", Query{Host: "a"}, true},
		{"final alone", "Match final\n Port 1\n", Query{Host: "a"}, true},
		{"!final", "Match !final\n Port 1\n", Query{Host: "a"}, true},
		{"exec true", "Match exec true\n Port 1\n", Query{Host: "a"}, true},
		{"exec false", "Match exec false\n Port 1\n", Query{Host: "a"}, false},
		{"!exec false", "Match !exec false\n Port 1\n", Query{Host: "a"}, true},
		{"exec quoted", "Match exec \"test 'x y' = 'x y'\"\n Port 1\n", Query{Host: "a"}, true},
		{"exec unknown command", "Match exec no-such-command-pvo\n Port 1\n", Query{Host: "a"}, false},
		{"all", "Match all\n Port 1\n", Query{Host: "a"}, true},
		{"!all", "Match !all\n Port 1\n", Query{Host: "a"}, false},
		{"all after one criterion", "Match host a all\n Port 1\n", Query{Host: "a"}, true},
		{"all after a false one", "Match host b all\n Port 1\n", Query{Host: "a"}, false},
		{"and: both true", "Match host mx* user admin\n Port 1\n", Query{Host: "mx1", User: "admin"}, true},
		{"and: user false", "Match host mx* user admin\n Port 1\n", Query{Host: "mx1", User: "ops"}, false},
		// The old code read "user" and "admin" as host patterns.
		{"and: not host patterns", "Match host mx* user admin\n Port 1\n", Query{Host: "admin", User: "admin"}, false},
		{"and: host false", "Match host mx* user admin\n Port 1\n", Query{Host: "esa1", User: "admin"}, false},
		{"and: three", "Match originalhost a localuser me !exec false\n Port 1\n", Query{Host: "a"}, true},
		{"keywords ignore case", "MATCH HOST a USER ops\n Port 1\n", Query{Host: "a", User: "ops"}, true},
		{"Match=", "Match=host a\n Port 1\n", Query{Host: "a"}, true},
		{"Host line split on tabs", "Host x\tb\n Port 1\n", Query{Host: "b"}, true},
		{"comment ends the line", "Match host a # user nobody\n Port 1\n", Query{Host: "a"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := load(t, tc.text)
			c.ifaddrs = fakeAddrs
			h, err := c.Resolve(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if applied := h.Port == 1; applied != tc.want {
				t.Errorf("applied = %v, want %v (port %d)", applied, tc.want, h.Port)
			}
		})
	}
}

// TestMatchExecTokens shows the tokens a Match exec command gets, through
// a file the command writes.
func TestMatchExecTokens(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tokens")
	c := load(t, `Host a
  HostName H.example
  Port 2222
  ProxyJump j1
Match originalhost a exec "printf '%%s' '%h %n %r %p %u %d %j %C %%%%' > `+out+`"
  User fromexec
`)
	h := resolve(t, c, Query{Host: "a", DefaultUser: "admin"})
	if h.User != "fromexec" {
		t.Errorf("the exec block did not apply: user %s", h.User)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	local, _ := os.Hostname()
	sum := sha1.Sum([]byte(local + "H.example" + "2222" + "admin" + "j1"))
	// %h is the HostName as written: ssh(1) lower-cases it only later.
	want := "H.example a admin 2222 me " + c.home + " j1 " + hex.EncodeToString(sum[:]) + " %%"
	if string(got) != want {
		t.Errorf("tokens\n got %q\nwant %q", got, want)
	}
}

// TestMatchExecRunsOnlyWhenReached: never at Load, never after a false
// criterion on the same line, and once per lookup that reaches it.
func TestMatchExecRunsOnlyWhenReached(t *testing.T) {
	dir := t.TempDir()
	mark := func(n string) string { return filepath.Join(dir, n) }
	exists := func(n string) bool { _, err := os.Stat(mark(n)); return err == nil }
	c := load(t, `Match host nomatch exec "touch `+mark("after-false")+`"
  Port 1
Match !host a exec "touch `+mark("after-negated")+`"
  Port 1
Host other
  Match exec "touch `+mark("other-only")+`"
Match host a exec "touch `+mark("reached")+`"
  Port 2
Match exec "touch `+mark("any")+`" host nomatch
  Port 3
`)
	for _, n := range []string{"after-false", "after-negated", "reached", "any", "other-only"} {
		if exists(n) {
			t.Fatalf("%s ran at Load", n)
		}
	}
	h := resolve(t, c, Query{Host: "a"})
	if h.Port != 2 {
		t.Errorf("port %d, want 2", h.Port)
	}
	for n, want := range map[string]bool{"after-false": false, "after-negated": false, "reached": true, "any": true, "other-only": true} {
		if exists(n) != want {
			t.Errorf("%s ran: %v, want %v", n, exists(n), want)
		}
	}
}

// TestMatchExecTimeout: a command that hangs is killed and is no match,
// with no error; its children go with it.
func TestMatchExecTimeout(t *testing.T) {
	c := load(t, `Match exec "sleep 60; true"
  Port 1
Match !exec "sleep 60"
  User timedout
`)
	c.execTimeout = 20 * time.Millisecond
	start := time.Now()
	h := resolve(t, c, Query{Host: "a"})
	if h.Port != 22 || h.User != "timedout" {
		t.Errorf("port %d user %s: a timed-out exec should be false", h.Port, h.User)
	}
	// Not a timing test: it only shows the 60 s commands did not run out.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestMatchFinal is ssh(1)'s second pass: Match final blocks apply then,
// values from the first pass still win, and Host lines now match the
// HostName the first pass settled.
func TestMatchFinal(t *testing.T) {
	text := `Host a
  HostName 10.9.9.9
  IdentityFile /keys/a
Match final
  Port 1
  User finaluser
  HostName ignored.example
Host *
  Port 2
Match final host nomatch
  ConnectTimeout 7
Match final host 10.9.9.*
  StrictHostKeyChecking accept-new
Host 10.9.9.9
  IdentitiesOnly yes
Match canonical
  UserKnownHostsFile /tmp/canonical
Match all
  IdentityFile /keys/all
`
	h := resolve(t, load(t, text), Query{Host: "a"})
	if h.Port != 2 {
		t.Errorf("port %d: the first pass's value should win", h.Port)
	}
	if h.User != "finaluser" || h.HostName != "10.9.9.9" {
		t.Errorf("user %s host %s", h.User, h.HostName)
	}
	if h.ConnectTimeout != 0 {
		t.Errorf("a final block whose host is false applied: %v", h.ConnectTimeout)
	}
	if h.StrictHostKeyChecking != "accept-new" || !h.IdentitiesOnly {
		t.Errorf("strict %q identitiesonly %v", h.StrictHostKeyChecking, h.IdentitiesOnly)
	}
	if !slices.Equal(h.KnownHostsFiles, []string{"/tmp/canonical"}) {
		t.Errorf("canonical is true in the final pass: %q", h.KnownHostsFiles)
	}
	if !slices.Equal(h.IdentityFiles, []string{"/keys/a", "/keys/all"}) {
		t.Errorf("identity files %q: the second pass repeats them", h.IdentityFiles)
	}

	// Without a Match final there is one pass: Host 10.9.9.9 and Match
	// canonical never apply.
	h = resolve(t, load(t, strings.ReplaceAll(text, "Match final", "Match host nomatch")), Query{Host: "a"})
	if h.IdentitiesOnly || h.KnownHostsFiles != nil || h.User != "me" {
		t.Errorf("single pass: identitiesonly %v known hosts %q user %s", h.IdentitiesOnly, h.KnownHostsFiles, h.User)
	}
	// CanonicalizeHostname asks for the second pass too, as in ssh(1).
	h = resolve(t, load(t, "Host a\n HostName 10.9.9.9\n CanonicalizeHostname yes\nHost 10.9.9.9\n Port 5\n"), Query{Host: "a"})
	if h.Port != 5 {
		t.Errorf("CanonicalizeHostname: port %d", h.Port)
	}
}

func TestMatchErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Host a\n  Match foo bar\n", `config:2: unsupported Match criterion "foo"`},
		{"Match host a\n  Port 1\nMatch !bar\n", `config:3: unsupported Match criterion "!bar"`},
		{"Match host\n", "config:1: Match host needs an argument"},
		{"Match exec\n", "config:1: Match exec needs an argument"},
		{"Match user # x\n", "config:1: Match user needs an argument"},
		{"Match all host a\n", "config:1: Match all cannot be combined"},
		{"Match canonical final all\n", "config:1: Match all cannot be combined"},
		{"Match \n", "config:1: Match needs a criterion"},
		{"Match exec \"true\n", "config:1: unterminated quote"},
		{"Match localnetwork 10.0.0.1/8\n", "config:1: Match localnetwork: network \"10.0.0.1/8\" has host bits set"},
		{"Match localnetwork !10.0.0.0/8\n", "config:1: Match localnetwork: bad network"},
		{"Match localnetwork 10.*\n", "config:1: Match localnetwork: bad network"},
		{"Match localnetwork 10.0.0.0/8,\n", "config:1: Match localnetwork: bad network"},
	} {
		home, _ := writeConfig(t, tc.text)
		_, err := Load(Options{Home: home, SystemFile: "none"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}

	// An included file's Match line is read when the lookup gets there.
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("Host x\n\nMatch tagged\n"), 0o600)
	c := load(t, "Include "+inc+"\n")
	if _, err := c.Resolve(Query{Host: "a"}); err == nil || !strings.Contains(err.Error(), "inc.conf:3: Match tagged needs an argument") {
		t.Errorf("included: %v", err)
	}

	// A shell that cannot run is an error naming the line, as in ssh(1).
	t.Setenv("SHELL", filepath.Join(dir, "no-such-shell"))
	c = load(t, "Host a\n  Port 2\nMatch exec true\n  Port 1\n")
	if _, err := c.Resolve(Query{Host: "a"}); err == nil || !strings.Contains(err.Error(), "config:3: Match exec") {
		t.Errorf("no shell: %v", err)
	}

	c = load(t, "Match localnetwork 10.0.0.0/8\n  Port 1\n")
	c.ifaddrs = func() ([]netip.Addr, error) { return nil, errors.New("no interfaces") }
	if _, err := c.Resolve(Query{Host: "a"}); err == nil || !strings.Contains(err.Error(), "config:1: Match localnetwork: no interfaces") {
		t.Errorf("interfaces: %v", err)
	}
}

// TestLocalNetworkLoopback uses this machine's own interfaces: 127.0.0.1
// is on the loopback interface wherever that is up.
func TestLocalNetworkLoopback(t *testing.T) {
	addrs, err := interfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(addrs, netip.MustParseAddr("127.0.0.1")) {
		t.Skipf("no loopback interface up here: %v", addrs)
	}
	c := load(t, "Match localnetwork 127.0.0.0/8\n  Port 1\nMatch localnetwork 0.0.0.0/32\n  User never\n")
	if h := resolve(t, c, Query{Host: "a"}); h.Port != 1 || h.User == "never" {
		t.Errorf("port %d user %s", h.Port, h.User)
	}
}

// A Match exec command does not see the run's password variables, and
// sees the rest of the environment.
func TestMatchExecSeesNoPassword(t *testing.T) {
	t.Setenv("PVO_TEST_SECRET_PW", "hunter2")
	t.Setenv("PVO_TEST_OTHER", "kept")
	home, _ := writeConfig(t, "Match exec \"test -z \\\"$PVO_TEST_SECRET_PW\\\" && test \\\"$PVO_TEST_OTHER\\\" = kept\"\n  Port 1\n")
	for _, tc := range []struct {
		hide []string
		want int
	}{{[]string{"PVO_TEST_SECRET_PW"}, 1}, {nil, 22}} {
		c, err := Load(Options{Home: home, SystemFile: "none", LocalUser: "me", HideEnv: tc.hide})
		if err != nil {
			t.Fatal(err)
		}
		if h := resolve(t, c, Query{Host: "a"}); h.Port != tc.want {
			t.Errorf("hiding %q: port %d, want %d", tc.hide, h.Port, tc.want)
		}
	}
}

func TestEnvWithout(t *testing.T) {
	got := EnvWithout([]string{"A=1", "PW=secret", "B=x=y", "PWX=2", "=odd"}, "PW", "NONE")
	if want := []string{"A=1", "B=x=y", "PWX=2", "=odd"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
