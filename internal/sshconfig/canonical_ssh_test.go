package sshconfig

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testHosts is the hosts file both resolvers read in
// TestCanonicalSameAsOpenSSH. getaddrinfo matches a name with its dot
// only if the file lists it so, and gives the line's first name as the
// canonical name, which stands in for a CNAME here.
const testHosts = `127.0.0.1 mx1.example.com mx1.example.com.
127.0.0.1 mx2.corp.example.com mx2.corp.example.com.
127.0.0.1 mx1-mgmt.example.com mx1-mgmt.example.com.
127.0.0.1 j1.example.com j1.example.com.
127.0.0.1 viajump.example.com viajump.example.com. viacmd.example.com viacmd.example.com.
127.0.0.1 real.example.net alias.example.com alias.example.com.
127.0.0.1 localhost
`

// hostsResolver answers as getaddrinfo does from a hosts file alone.
type hostsResolver map[string]string // name (lower case) to the line's first name

func parseHosts(text string) hostsResolver {
	r := hostsResolver{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		for _, name := range f[min(1, len(f)):] {
			r[strings.ToLower(name)] = f[1]
		}
	}
	return r
}

func (r hostsResolver) LookupHost(_ context.Context, host string) ([]string, error) {
	if _, ok := r[strings.ToLower(host)]; ok {
		return []string{"127.0.0.1"}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r hostsResolver) LookupCNAME(_ context.Context, host string) (string, error) {
	if c, ok := r[strings.ToLower(host)]; ok {
		return c + ".", nil
	}
	return "", &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// privateResolution returns a way to run ssh(1) in its own network and
// mount namespaces, where /etc/hosts is hosts and /etc/nsswitch.conf says
// "hosts: files": its lookups read that file and nothing else, and no
// packet could leave anyway. It also returns the user ssh(1) runs as
// there. The test is skipped where unshare(1) cannot do this (no
// privilege, no user namespaces, not Linux).
func privateResolution(t *testing.T, sshBin, hosts string) (func(args ...string) *exec.Cmd, string) {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare(1) to give ssh(1) a hosts file of its own")
	}
	dir := t.TempDir()
	hostsFile, nss := filepath.Join(dir, "hosts"), filepath.Join(dir, "nsswitch.conf")
	os.WriteFile(hostsFile, []byte(hosts), 0o644)
	os.WriteFile(nss, []byte("hosts: files\n"), 0o644)
	// nscd would answer from the system's own configuration.
	script := `mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf &&
if [ -d /run/nscd ]; then mount -t tmpfs none /run/nscd; fi && shift 2 && exec "$@"`
	for _, flags := range [][]string{{"-n", "-m"}, {"-r", "-n", "-m"}} {
		wrap := func(args ...string) *exec.Cmd {
			argv := append(slices.Clone(flags), "sh", "-c", script, "sh", hostsFile, nss)
			return exec.Command(unshare, append(argv, args...)...)
		}
		out, err := wrap("sh", "-c", `getent hosts mx1.example.com. >/dev/null && id -un`).Output()
		if err == nil {
			return func(args ...string) *exec.Cmd { return wrap(append([]string{sshBin}, args...)...) }, strings.TrimSpace(string(out))
		}
	}
	t.Skip("unshare(1) cannot give ssh(1) private namespaces here")
	return nil, ""
}

// TestCanonicalSameAsOpenSSH compares Resolve, with a resolver reading
// testHosts, with `ssh -G` resolving from the same file alone. The configs
// use no ~, %d, %u or %i, which name the account ssh(1) sees in the
// namespace. Left out on purpose: ProxyJump none (OpenSSH 9.2 does not
// canonicalize then, 9.3 and later do, as Resolve) and a name that no
// suffix and no lookup of its own resolves while CNAMEs are permitted
// (ssh(1) then gives up, as it cannot connect; Resolve keeps the name).
func TestCanonicalSameAsOpenSSH(t *testing.T) {
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh(1) on this machine to compare with")
	}
	run, localUser := privateResolution(t, sshBin, testHosts)
	for _, tc := range []struct {
		name, text string
		aliases    []string
		// canonical are names both must have rewritten, lest the
		// comparison pass with no lookup working on either side.
		canonical map[string]string
	}{
		{"yes", `CanonicalizeHostname yes
CanonicalDomains nope.test example.com corp.example.com
Host mgmt
  HostName mx1-mgmt
Host viajump
  ProxyJump j1
Host viacmd
  ProxyCommand exec nc -X connect -x proxy:8080
Host cmdnone
  ProxyCommand none
  ProxyJump not-used
Host *.example.com
  User admin
  IdentityFile /keys/esa_key
Match canonical host *.corp.example.com
  Port 2022
Match canonical
  StrictHostKeyChecking accept-new
Match !canonical
  ConnectTimeout 7
Host mx1 mx2
  UserKnownHostsFile /tmp/kh-first-pass
Match canonical
  User fallback
  IdentityFile /keys/fallback
`, []string{"mx1", "mx2", "MX1", "mx9", "mx1.example.com.", "mx9.example.com.", "a.b.c", "mgmt",
			"viajump", "viacmd", "cmdnone", "10.0.0.5", "alias", "j1", "localhost"},
			map[string]string{"mx1": "mx1.example.com", "mx2": "mx2.corp.example.com", "mgmt": "mx1-mgmt.example.com", "viajump": "viajump"}},
		{"always, CNAMEs, no fallback", `CanonicalizeHostname always
CanonicalDomains example.com corp.example.com
CanonicalizeMaxDots 0
CanonicalizePermittedCNAMEs *.example.com:*.example.net
CanonicalizeFallbackLocal no
Host viajump
  ProxyJump j1
Host direct
  HostName mx1
  ProxyCommand exec nc -X connect -x proxy:8080
Host *.example.com *.example.net
  User admin
Match canonical host *.example.net
  Port 2500
`, []string{"mx1", "mx2", "alias", "viajump", "mx9", "direct", "mx1.example.com.", "10.0.0.5"},
			map[string]string{"alias": "real.example.net", "direct": "mx1.example.com", "viajump": "viajump.example.com"}},
		{"max dots 2, fallback no", `CanonicalizeHostname yes
CanonicalDomains example.com
CanonicalizeMaxDots 2
CanonicalizeFallbackLocal no
Host viajump
  ProxyJump j1
Host viacmd
  ProxyCommand exec nc -X connect -x proxy:8080
Host *.example.com
  Port 2600
`, []string{"mx1", "mx9", "a.b", "a.b.c", "a.b.c.d", "viajump", "viacmd"},
			map[string]string{"mx1": "mx1.example.com", "viajump": "viajump"}},
		{"no", `CanonicalizeHostname no
CanonicalDomains example.com
CanonicalizeFallbackLocal no
Host *.example.com
  Port 2700
Match canonical
  User canonical
`, []string{"mx1", "mx9"}, map[string]string{"mx1": "mx1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "cfg")
			os.WriteFile(file, []byte(tc.text), 0o600)
			c, err := Load(Options{File: file, LocalUser: localUser, Resolver: parseHosts(testHosts)})
			if err != nil {
				t.Fatal(err)
			}
			for _, alias := range tc.aliases {
				for _, cli := range []string{"", "cli"} {
					compareWithOpenSSH(t, run, file, c, alias, cli)
				}
			}
			for alias, want := range tc.canonical {
				if h := resolve(t, c, Query{Host: alias}); h.HostName != want {
					t.Errorf("%s: HostName %s, want %s", alias, h.HostName, want)
				}
			}
		})
	}
}
