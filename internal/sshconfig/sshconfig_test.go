package sshconfig

import (
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writeConfig writes an ssh_config into a fresh home's .ssh directory and
// returns the home and the file.
func writeConfig(t *testing.T, text string) (home, file string) {
	t.Helper()
	home = t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(home, ".ssh", "config")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return home, file
}

// load reads text as ~/.ssh/config with a resolver that fails the test on
// any lookup: no test may ask DNS. Tests of canonicalization set a stub.
func load(t *testing.T, text string) *Config {
	t.Helper()
	home, _ := writeConfig(t, text)
	c, err := Load(Options{Home: home, SystemFile: "none", LocalUser: "me", Resolver: noLookups{t}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func resolve(t *testing.T, c *Config, q Query) Host {
	t.Helper()
	h, err := c.Resolve(q)
	if err != nil {
		t.Fatalf("resolve %s: %v", q.Host, err)
	}
	return h
}

const aliasConfig = `
Host mx1
  HostName 10.0.0.5
  Port 2222
  User operator
  IdentityFile ~/.ssh/id_%r@%h
  IdentityFile /keys/second
  IdentitiesOnly yes
  UserKnownHostsFile ~/kh_site /tmp/kh_other
  StrictHostKeyChecking accept-new
  ConnectTimeout 1m5s
  ProxyJump ops@bastion:2022

Host bastion
  HostName bastion.example.net
  User nobody-uses-this
  IdentityFile ~/.ssh/bastion_key

Host mx?
  User mxuser

Host *
  User fallback
  Port 2200
`

func TestAlias(t *testing.T) {
	c := load(t, aliasConfig)
	h := resolve(t, c, Query{Host: "mx1", DefaultUser: "admin"})
	home := c.home
	if h.HostName != "10.0.0.5" || h.Port != 2222 || h.User != "operator" || h.Addr() != "10.0.0.5:2222" {
		t.Errorf("got %s@%s (port %d)", h.User, h.Addr(), h.Port)
	}
	wantIDs := []string{filepath.Join(home, ".ssh", "id_operator@10.0.0.5"), "/keys/second"}
	if !slices.Equal(h.IdentityFiles, wantIDs) {
		t.Errorf("identity files %q, want %q", h.IdentityFiles, wantIDs)
	}
	if !h.IdentitiesOnly || h.StrictHostKeyChecking != "accept-new" || h.ConnectTimeout != 65*time.Second {
		t.Errorf("identitiesonly %v, strict %q, timeout %v", h.IdentitiesOnly, h.StrictHostKeyChecking, h.ConnectTimeout)
	}
	if want := []string{filepath.Join(home, "kh_site"), "/tmp/kh_other"}; !slices.Equal(h.KnownHostsFiles, want) {
		t.Errorf("known hosts %q, want %q", h.KnownHostsFiles, want)
	}
	if len(h.Jumps) != 1 {
		t.Fatalf("jumps %+v", h.Jumps)
	}
	j := h.Jumps[0]
	// The spec's user and port win over the hop's own config, as with -J.
	if j.Addr() != "bastion.example.net:2022" || j.User != "ops" ||
		!slices.Equal(j.IdentityFiles, []string{filepath.Join(home, ".ssh", "bastion_key")}) {
		t.Errorf("jump %s@%s ids %q", j.User, j.Addr(), j.IdentityFiles)
	}
	if !strings.HasSuffix(h.Source["hostname"], "config:3") {
		t.Errorf("hostname source %q", h.Source["hostname"])
	}

	// The command line wins; an unknown name falls to Host *.
	h = resolve(t, c, Query{Host: "mx1", User: "cli", Port: 22})
	if h.User != "cli" || h.Port != 22 {
		t.Errorf("command line lost: %s port %d", h.User, h.Port)
	}
	h = resolve(t, c, Query{Host: "mx2"})
	if h.User != "mxuser" || h.Port != 2200 || h.HostName != "mx2" || h.Jumps != nil || h.IdentityFiles != nil {
		t.Errorf("mx2: %+v", h)
	}
	// ? is exactly one character, matching is case-sensitive, and the
	// host name is lower-cased afterwards: all as ssh(1).
	if h := resolve(t, c, Query{Host: "mx"}); h.User != "fallback" {
		t.Errorf("mx matched mx?: user %s", h.User)
	}
	if h := resolve(t, c, Query{Host: "MX1"}); h.User != "fallback" || h.HostName != "mx1" {
		t.Errorf("MX1: user %s host %s", h.User, h.HostName)
	}
}

func TestJumpChains(t *testing.T) {
	c := load(t, `
Host target
  HostName 127.0.0.1
  ProxyJump j1,u2@j2:99
Host j1
  ProxyJump j0
Host j2
  ProxyJump j2-own-jump
  Port 50
Host single
  ProxyJump j1
Host direct
  ProxyJump none
Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a
`)
	names := func(hs []Host) string {
		var s []string
		for _, h := range hs {
			s = append(s, h.User+"@"+h.Addr())
		}
		return strings.Join(s, ",")
	}
	// j0 is j1's own jump: kept, because j1 is the first hop. j2's own
	// ProxyJump is replaced by -J j1, as ssh(1) runs it.
	if got := names(resolve(t, c, Query{Host: "target"}).Jumps); got != "me@j0:22,me@j1:22,u2@j2:99" {
		t.Errorf("target jumps %s", got)
	}
	// A jump given on the command line replaces the config's, as ssh -J;
	// that hop, now the first, keeps its own ProxyJump.
	if got := names(resolve(t, c, Query{Host: "target", Jump: "x@j2"}).Jumps); got != "me@j2-own-jump:22,x@j2:50" {
		t.Errorf("-J: %s", got)
	}
	if got := names(resolve(t, c, Query{Host: "single", Jump: "none"}).Jumps); got != "" {
		t.Errorf("-J none: %s", got)
	}
	if got := names(resolve(t, c, Query{Host: "direct"}).Jumps); got != "" {
		t.Errorf("ProxyJump none: %s", got)
	}
	if _, err := c.Resolve(Query{Host: "loop-a"}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("loop: %v", err)
	}
}

func TestProxyCommand(t *testing.T) {
	c := load(t, `
Host cmd
  HostName 10.0.0.5
  Port 2022
  User ops
  ProxyCommand exec nc %h %p # %r@%n %k 100%%
  ProxyJump ignored-because-second
  HostKeyAlias Cmd-Alias
Host jump-first
  ProxyJump j1
  ProxyCommand nc %h %p
Host cmd-none
  ProxyCommand none
  ProxyJump ignored-too
Host jump-none
  ProxyJump none
  ProxyCommand ignored
Host via-proxied
  ProxyJump proxied,proxied2
Host proxied proxied2
  ProxyCommand connect %h
`)
	h := resolve(t, c, Query{Host: "cmd"})
	if want := "exec nc 10.0.0.5 2022 # ops@cmd cmd-alias 100%"; h.ProxyCommand != want || h.Jumps != nil {
		t.Errorf("ProxyCommand %q jumps %+v, want %q", h.ProxyCommand, h.Jumps, want)
	}
	if !strings.HasSuffix(h.Source["proxycommand"], "config:6") {
		t.Errorf("source %q", h.Source["proxycommand"])
	}
	// The command line's user and port are the tokens' too.
	if h := resolve(t, c, Query{Host: "cmd", User: "cli", Port: 22}); h.ProxyCommand != "exec nc 10.0.0.5 22 # cli@cmd cmd-alias 100%" {
		t.Errorf("with -l and -p: %q", h.ProxyCommand)
	}
	if h := resolve(t, c, Query{Host: "jump-first"}); h.ProxyCommand != "" || len(h.Jumps) != 1 {
		t.Errorf("ProxyJump first: command %q jumps %d", h.ProxyCommand, len(h.Jumps))
	}
	for _, alias := range []string{"cmd-none", "jump-none"} {
		if h := resolve(t, c, Query{Host: alias}); h.ProxyCommand != "" || h.Jumps != nil {
			t.Errorf("%s: command %q jumps %d, want direct", alias, h.ProxyCommand, len(h.Jumps))
		}
	}
	// ssh -J replaces ProxyCommand as it replaces ProxyJump.
	if h := resolve(t, c, Query{Host: "cmd", Jump: "j9"}); h.ProxyCommand != "" || len(h.Jumps) != 1 {
		t.Errorf("-J: command %q jumps %d", h.ProxyCommand, len(h.Jumps))
	}
	if h := resolve(t, c, Query{Host: "cmd", Jump: "none"}); h.ProxyCommand != "" || h.Jumps != nil {
		t.Errorf("-J none: command %q jumps %d", h.ProxyCommand, len(h.Jumps))
	}
	// ssh(1) reaches the first hop with its own configuration, the second
	// with -J proxied, which sets its ProxyCommand to none.
	js := resolve(t, c, Query{Host: "via-proxied"}).Jumps
	if len(js) != 2 || js[0].ProxyCommand != "connect proxied" || js[1].ProxyCommand != "" {
		t.Errorf("hops %+v", js)
	}
}

func TestAgentAliasCertificates(t *testing.T) {
	t.Setenv("PVO_TEST_SOCK", "/run/agent.sock")
	t.Setenv("SSH_AUTH_SOCK", "/tmp/env.sock")
	c := load(t, `
Host path
  HostName Appliance.Example
  HostKeyAlias ESA-Main
  IdentityAgent ~/agents/%u-%h-%k-%n-%%.sock
  IdentityFile ~/.ssh/id_%k
  CertificateFile ~/.ssh/%k-cert.pub
  CertificateFile /certs/second
  CertificateFile /certs/second
Host none
  IdentityAgent none
Host env
  IdentityAgent SSH_AUTH_SOCK
Host var
  IdentityAgent $PVO_TEST_SOCK
Host unset
  IdentityAgent $PVO_TEST_SOCK_NOT_SET
Host braces
  IdentityAgent ${PVO_TEST_SOCK}.d
Host *
  IdentityAgent /first-wins-not-this
`)
	home := c.home
	h := resolve(t, c, Query{Host: "path"})
	if want := filepath.Join(home, "agents", "me-appliance.example-esa-main-path-%.sock"); h.IdentityAgent != want {
		t.Errorf("IdentityAgent %q, want %q", h.IdentityAgent, want)
	}
	if h.HostKeyAlias != "esa-main" {
		t.Errorf("HostKeyAlias %q, want lower case as ssh(1)", h.HostKeyAlias)
	}
	if want := []string{filepath.Join(home, ".ssh", "id_esa-main")}; !slices.Equal(h.IdentityFiles, want) {
		t.Errorf("identity files %q, want %q", h.IdentityFiles, want)
	}
	if want := []string{filepath.Join(home, ".ssh", "esa-main-cert.pub"), "/certs/second"}; !slices.Equal(h.CertificateFiles, want) {
		t.Errorf("certificate files %q, want %q", h.CertificateFiles, want)
	}
	for alias, want := range map[string]string{"none": "none", "env": "", "var": "/run/agent.sock",
		"unset": "none", "braces": "/run/agent.sock.d"} {
		if h := resolve(t, c, Query{Host: alias}); h.IdentityAgent != want {
			t.Errorf("%s: IdentityAgent %q, want %q", alias, h.IdentityAgent, want)
		}
	}
	// %k without HostKeyAlias is the name as given.
	c = load(t, "Host *\n  IdentityFile /k/%k\n")
	if h := resolve(t, c, Query{Host: "Mixed"}); !slices.Equal(h.IdentityFiles, []string{"/k/Mixed"}) || h.CertificateFiles != nil {
		t.Errorf("%%k: %q, certs %q", h.IdentityFiles, h.CertificateFiles)
	}
}

func TestParseJump(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Query
		err  bool
	}{
		{"host", Query{Host: "host"}, false},
		{"u@host:2022", Query{Host: "host", User: "u", Port: 2022}, false},
		{"ssh://u@host:2022", Query{Host: "host", User: "u", Port: 2022}, false},
		{"[::1]:22", Query{Host: "::1", Port: 22}, false},
		{"::1", Query{Host: "::1"}, false},
		{"u@h@x", Query{Host: "x", User: "u@h"}, false},
		{"@h", Query{}, true},
		{"h:0", Query{}, true},
		{"h:abc", Query{}, true},
		{"[::1", Query{}, true},
		{"u@", Query{}, true},
	} {
		got, err := ParseJump(tc.in)
		if tc.err != (err != nil) || (!tc.err && got != tc.want) {
			t.Errorf("ParseJump(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Host a\n  Port 99999\n", "config:2: bad Port"},
		{"Host a\n  ConnectTimeout soon\n", "config:2: bad ConnectTimeout"},
		{"Host a\n\n  StrictHostKeyChecking maybe\n", "config:3: bad StrictHostKeyChecking"},
		{"Host a\n  ProxyCommand nc %h %u\n", "config:2: ProxyCommand: unsupported token %u"},
		{"Host a\n  IdentityAgent $1x\n", "config:2: IdentityAgent: bad environment variable name"},
		{"Host a\n  CertificateFile ~/${PVO_NOT_SET_ANYWHERE}\n", "config:2: CertificateFile: environment variable PVO_NOT_SET_ANYWHERE"},
		{"Host a\n  IdentityFile ~/%Q\n", "config:2: IdentityFile: unsupported token %Q"},
		{"Host a\n  ProxyJump @b\n", "config:2: ProxyJump"},
	} {
		c := load(t, tc.text)
		_, err := c.Resolve(Query{Host: "a"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}
	// A ProxyCommand after the ProxyJump that won is never used.
	c := load(t, "Host a\n  ProxyJump b\n  ProxyCommand nc %h %p\n")
	if _, err := c.Resolve(Query{Host: "a"}); err != nil {
		t.Errorf("later ProxyCommand: %v", err)
	}

	home, _ := writeConfig(t, "Host a\n  Match foo bar\n")
	if _, err := Load(Options{Home: home, SystemFile: "none"}); err == nil || !strings.Contains(err.Error(), `config:2: unsupported Match criterion "foo"`) {
		t.Errorf("Match foo: %v", err)
	}
	home, file := writeConfig(t, "Host a\n")
	os.Chmod(file, 0o666)
	if _, err := Load(Options{Home: home, SystemFile: "none"}); err == nil || !strings.Contains(err.Error(), "bad owner or permissions") {
		t.Errorf("world-writable config: %v", err)
	}
	if _, err := Load(Options{File: filepath.Join(home, "missing")}); err == nil {
		t.Error("a missing -F file is not an error")
	}
}

func TestFileDisabledAndSystem(t *testing.T) {
	home, _ := writeConfig(t, "Host a\n  Port 1\n")
	sys := filepath.Join(t.TempDir(), "ssh_config")
	os.WriteFile(sys, []byte("Host a\n  Port 2\n  User sysuser\n"), 0o644)
	other := filepath.Join(t.TempDir(), "other")
	os.WriteFile(other, []byte("Host a\n  Port 3\n"), 0o600)

	port := func(o Options) (int, string) {
		o.Home, o.LocalUser = home, "me"
		c, err := Load(o)
		if err != nil {
			t.Fatal(err)
		}
		h := resolve(t, c, Query{Host: "a"})
		return h.Port, h.User
	}
	// The user file wins per keyword, the system file fills the rest.
	if p, u := port(Options{SystemFile: sys}); p != 1 || u != "sysuser" {
		t.Errorf("user+system: port %d user %s", p, u)
	}
	if p, u := port(Options{SystemFile: sys, File: other}); p != 3 || u != "me" {
		t.Errorf("-F: port %d user %s", p, u)
	}
	if p, _ := port(Options{SystemFile: sys, Disabled: true}); p != 22 {
		t.Errorf("disabled: port %d", p)
	}
}

func TestIncludeAndMatch(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "site.conf")
	os.WriteFile(inc, []byte("Host esa*\n  User inc-user\n"), 0o600)
	c := load(t, "Include "+filepath.Join(dir, "*.conf")+"\n"+`
Host esa1
  HostName esa1.mgmt.example
Match host *.mgmt.example
  Port 2022
Match all
  ConnectTimeout 3
`)
	h := resolve(t, c, Query{Host: "esa1"})
	if h.User != "inc-user" || h.Port != 2022 || h.HostName != "esa1.mgmt.example" || h.ConnectTimeout != 3*time.Second {
		t.Errorf("got %+v", h)
	}
}

// TestSameAsOpenSSH compares Resolve with what `ssh -G` prints for the
// same file, for the keywords this package reads, with and without -l.
// Match localnetwork and tagged are left out: this machine's ssh(1) may
// predate them (9.2 knows neither), and its interfaces are not the
// test's; TestMatchCriteria covers them.
func TestSameAsOpenSSH(t *testing.T) {
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh(1) on this machine to compare with")
	}
	me, err := user.Current()
	if err != nil {
		t.Skip("no current user to compare localuser with")
	}
	aliases := []string{"mx1", "mx2", "mx3", "mx", "MX1", "other", "admin", "user"}
	for _, tc := range []struct{ name, text string }{
		{"host blocks", `
Host mx1
  HostName 10.0.0.5
  Port 2222
  IdentityFile /keys/a
  IdentitiesOnly yes
  UserKnownHostsFile /tmp/kh1 /tmp/kh2
  StrictHostKeyChecking accept-new
  ConnectTimeout 1m5s
  ProxyJump ops@bastion:2022,j2
  ProxyCommand not-this-one
  IdentityAgent ~/agent-%C-%k-%h-%p-%r-%u-%n-%i-%L-%l-%d-%%.sock
  HostKeyAlias MX1-Alias
  CertificateFile /certs/a
  CertificateFile /certs/b
Host mx?
  User mxuser
  StrictHostKeyChecking no
  ProxyCommand exec nc -X connect -x proxy:8080 # a comment for ssh too
  IdentityAgent none
  CertificateFile none
Host mx2
  ProxyJump not-this-either
Host other
  ProxyCommand none
  ProxyJump not-used
Host admin
  ProxyJump none
  ProxyCommand not-used
Host user
  IdentityAgent /agents/%k
Host !mx3 mx*
  ConnectTimeout 9
Match host 10.0.0.*
  User matched
Host *
  Port 2200
`},
		{"match criteria", `
Host mx1
  HostName 10.0.0.5
Host mx2
  User cfguser
Match host 10.0.0.* user me
  Port 2001
Match host mx* user admin
  Port 2002
Match originalhost MX? !host 10.*
  ConnectTimeout 11
Match user cfguser
  IdentitiesOnly yes
Match localuser ` + me.Username + `
  StrictHostKeyChecking accept-new
Match !localuser ` + me.Username + `
  StrictHostKeyChecking no
Match exec "test %n = mx1 -a %h = 10.0.0.5 -a %p = 2001 -a %r = me"
  UserKnownHostsFile /tmp/kh-exec
Match host nomatch exec "touch MARK"
  Port 9
Match canonical
  Port 8
Match all
  Port 2200
`},
		{"final pass", `
Host mx1
  HostName 10.0.0.5
  IdentityFile /keys/mx1
Match final
  Port 2100
  ConnectTimeout 21
  HostName final.example
Host mx2
  Port 2101
Match final host 10.0.0.*
  User finaluser
Match final host nomatch
  IdentitiesOnly yes
Host 10.0.0.5 mx3
  StrictHostKeyChecking accept-new
  IdentityFile /keys/by-hostname
  HashKnownHosts yes
  GlobalKnownHostsFile /tmp/kh-global /tmp/kh-global2
Match canonical !originalhost mx2
  UserKnownHostsFile /tmp/kh-canonical
Match !exec "test %h = mx2"
  IdentityFile /keys/mx1
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			file := filepath.Join(home, "cfg")
			mark := filepath.Join(home, "mark")
			os.WriteFile(file, []byte(strings.ReplaceAll(tc.text, "MARK", mark)), 0o600)
			// ssh(1) expands ~ and %d to the account's home, not $HOME.
			c, err := Load(Options{File: file, Home: me.HomeDir, LocalUser: me.Username, Resolver: noLookups{t}})
			if err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) *exec.Cmd { return exec.Command(sshBin, args...) }
			for _, alias := range aliases {
				for _, cli := range []string{"me", "admin", ""} {
					compareWithOpenSSH(t, run, file, c, alias, cli)
				}
			}
			if _, err := os.Stat(mark); err == nil {
				t.Error("an exec after a false criterion ran")
			}
		})
	}
}

// compareWithOpenSSH runs `ssh -G` through run (ssh's arguments in, the
// command out) and compares its values with Resolve's. When ssh(1) fails,
// Resolve must fail too.
func compareWithOpenSSH(t *testing.T, run func(args ...string) *exec.Cmd, file string, c *Config, alias, cliUser string) {
	t.Helper()
	args := []string{"-G", "-F", file}
	if cliUser != "" {
		args = append(args, "-l", cliUser)
	}
	out, err := run(append(args, alias)...).Output()
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("ssh -G %s: %v", alias, err)
		}
		if _, ourErr := c.Resolve(Query{Host: alias, User: cliUser}); ourErr == nil {
			t.Errorf("%s: ssh -G fails (%v: %s), Resolve does not", who(alias, cliUser), err, strings.TrimSpace(string(exit.Stderr)))
		}
		return
	}
	g := map[string]string{}
	all := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(line, " ")
		if _, seen := g[k]; !seen {
			g[k] = v
		}
		all[k] = append(all[k], v)
	}
	h := resolve(t, c, Query{Host: alias, User: cliUser})
	strict := h.StrictHostKeyChecking
	if strict == "" {
		strict = "ask"
	}
	if strict == "no" {
		strict = "false"
	}
	timeout := "none"
	if h.ConnectTimeout > 0 {
		timeout = strconv.Itoa(int(h.ConnectTimeout.Seconds()))
	}
	var jumps []string
	for _, j := range h.Jumps {
		jumps = append(jumps, j.Alias)
	}
	ours := map[string]string{
		"hostname": h.HostName, "port": strconv.Itoa(h.Port), "user": h.User,
		"stricthostkeychecking": strict, "connecttimeout": timeout,
		"identitiesonly": map[bool]string{true: "yes", false: "no"}[h.IdentitiesOnly],
	}
	if h.KnownHostsFiles != nil {
		ours["userknownhostsfile"] = strings.Join(h.KnownHostsFiles, " ")
	}
	if h.IdentityFiles != nil {
		ours["identityfile"] = h.IdentityFiles[0]
	}
	// -G prints ProxyCommand before its tokens are expanded (the configs
	// here have none), IdentityAgent after; "" is -G's "not set".
	ours["proxycommand"] = h.ProxyCommand
	ours["identityagent"] = h.IdentityAgent
	ours["hostkeyalias"] = h.HostKeyAlias
	ours["hashknownhosts"] = map[bool]string{true: "yes", false: "no"}[h.HashKnownHosts]
	ours["globalknownhostsfile"] = "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2"
	if h.GlobalKnownHostsFiles != nil {
		ours["globalknownhostsfile"] = strings.Join(h.GlobalKnownHostsFiles, " ")
	}
	if got := strings.Join(all["certificatefile"], " "); got != strings.Join(h.CertificateFiles, " ") {
		t.Errorf("%s: certificatefile = %q, ssh -G says %q", who(alias, cliUser), h.CertificateFiles, got)
	}
	for k, v := range ours {
		if g[k] != v {
			t.Errorf("%s: %s = %q, ssh -G says %q", who(alias, cliUser), k, v, g[k])
		}
	}
	if pj := g["proxyjump"]; (pj == "") != (len(jumps) == 0) || len(jumps) > 0 && !strings.HasSuffix(pj, jumps[len(jumps)-1]) {
		t.Errorf("%s: proxyjump %q, ours %q", who(alias, cliUser), pj, jumps)
	}
}

func who(alias, cliUser string) string {
	if cliUser != "" {
		return cliUser + "@" + alias
	}
	return alias
}
