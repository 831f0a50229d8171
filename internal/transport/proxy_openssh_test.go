//go:build unix

package transport

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh/knownhosts"
)

// proxyHosts adds to startSimThroughJump's configuration hosts reached by
// ProxyCommand: the test binary as a netcat, logging its arguments to log.
func proxyHosts(t *testing.T, s *simThroughJump) (log string) {
	t.Helper()
	log = filepath.Join(s.home, "proxy.log")
	aliasKH := filepath.Join(s.home, "known_hosts.alias")
	// The ESA's key under its HostKeyAlias only, as ssh(1) records it.
	if err := os.WriteFile(aliasKH, []byte(knownhosts.Line([]string{"esa-alias"}, s.esa.HostKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	nc := netcatCommand(t, "%h:%p", "", "PVO_TEST_LOG="+log)
	_, esaPort, _ := SplitHostPort(s.esa.Addr)
	_, jumpPort, _ := SplitHostPort(s.jump.addr)
	// Blocks before the file's own: the first value wins.
	text := fmt.Sprintf(`Host esaP
  ProxyCommand %[3]s %%n %%r@%%h:%%p 100%%%%

Host esaA
  HostKeyAlias ESA-Alias
  UserKnownHostsFile %[4]s
  ProxyCommand %[3]s %%n %%k

Host esaJ
  ProxyJump bastionP

Host esaJ2
  ProxyJump bastion,bastionP

Host esaP esaA esaJ esaJ2
  HostName 127.0.0.1
  Port %[1]d
  User %[2]s

Host bastionP
  HostName 127.0.0.1
  Port %[5]d
  User hopper
  ProxyCommand %[3]s %%n %%r@%%h:%%p

`, esaPort, s.esa.User, nc, aliasKH, jumpPort)
	old, err := os.ReadFile(s.configFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.configFile, append([]byte(text), old...), 0o600); err != nil {
		t.Fatal(err)
	}
	return log
}

// TestSameAsOpenSSHThroughProxyCommand runs ssh(1) and this package with one
// configuration through ProxyCommands: the appliance's own (its tokens, and
// HostKeyAlias with a known_hosts that has only the alias), and a first
// jump host's. esaJ2's second hop is bastionP too: ssh(1) reaches it with
// -J, which replaces its ProxyCommand, so no command runs for it there.
// Both clients must print the same and run the same commands.
func TestSameAsOpenSSHThroughProxyCommand(t *testing.T) {
	t.Parallel()
	sshBin := openSSH(t)
	s := startSimThroughJump(t)
	log := proxyHosts(t, s)
	aliases := []string{"esaP", "esaA", "esaJ", "esaJ2"}
	readLog := func() []string {
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(log)
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}

	// All of ssh(1)'s runs first, then all of ours, to tell the logs apart.
	var theirs [][]byte
	for _, alias := range aliases {
		theirs = append(theirs, runOpenSSH(t, sshBin, s.home, "-F", s.configFile, alias, "version"))
	}
	theirLog := readLog()
	for i, alias := range aliases {
		s.sameVersion(t, alias, "", theirs[i])
	}
	ourLog := readLog()

	_, esaPort, _ := SplitHostPort(s.esa.Addr)
	_, jumpPort, _ := SplitHostPort(s.jump.addr)
	want := []string{
		fmt.Sprintf("esaP %s@127.0.0.1:%d 100%%", s.esa.User, esaPort),
		"esaA esa-alias",
		fmt.Sprintf("bastionP hopper@127.0.0.1:%d", jumpPort),
	}
	if !slices.Equal(theirLog, want) {
		t.Errorf("ssh(1) ran the commands %q, want %q", theirLog, want)
	}
	if !slices.Equal(ourLog, theirLog) {
		t.Errorf("we ran the commands %q, ssh(1) %q", ourLog, theirLog)
	}
	// bastionP is the bastion by another name: esaJ is forwarded by it,
	// esaJ2 by the bastion to itself and then to the ESA; per client.
	esa, j := s.esa.Addr, s.jump.addr
	if got, want := s.jump.forwards(), []string{esa, j, esa, esa, j, esa}; !slices.Equal(got, want) {
		t.Errorf("bastion forwarded to %q, want %q", got, want)
	}
}
