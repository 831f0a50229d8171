package transport

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// simThroughJump is the healthy scenario's ESA behind two jump hosts, and
// an ssh_config that names them all by alias, with one key for all: esa1 is
// reached through bastion, esa2 through bastion then bastion2.
type simThroughJump struct {
	esa        sim.Appliance
	jump       *testServer
	jump2      *testServer
	configFile string
	home       string
}

func startSimThroughJump(t *testing.T) *simThroughJump {
	t.Helper()
	key := ed25519Key()
	pub := newSigner(key).PublicKey()
	sc, err := sim.LoadScenario("healthy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	site, err := sim.Start(ctx, sc, sim.Options{AuthorizedKeys: []ssh.PublicKey{pub}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close(); cancel() })
	s := &simThroughJump{
		jump:  startServer(t, serverOpts{authorized: []ssh.PublicKey{pub}, forward: true, hostKeys: []ssh.Signer{testECDSA()}}),
		jump2: startServer(t, serverOpts{authorized: []ssh.PublicKey{pub}, forward: true, hostKeys: []ssh.Signer{testEd25519b()}}),
		home:  t.TempDir(),
	}
	for _, ap := range site.Appliances() {
		if ap.Role == "esa" {
			s.esa = ap
		}
	}
	kh := filepath.Join(s.home, "known_hosts")
	khText := string(site.KnownHosts()) + entry(s.jump.addr, testECDSA().PublicKey()) + "\n" +
		entry(s.jump2.addr, testEd25519b().PublicKey()) + "\n"
	if err := os.WriteFile(kh, []byte(khText), 0o600); err != nil {
		t.Fatal(err)
	}
	idFile := writeKey(t, key, "")
	_, esaPort, _ := SplitHostPort(s.esa.Addr)
	_, jumpPort, _ := SplitHostPort(s.jump.addr)
	_, jump2Port, _ := SplitHostPort(s.jump2.addr)
	// Everything either client needs is in the file: ssh(1) passes -F, and
	// nothing else from its command line, to the ssh it runs for ProxyJump.
	text := fmt.Sprintf(`Host esa1
  HostName 127.0.0.1
  Port %[1]d
  User %[2]s
  ProxyJump bastion

Host esa0
  HostName 127.0.0.1
  Port %[1]d
  User %[2]s

Host esa2
  HostName 127.0.0.1
  Port %[1]d
  User %[2]s
  ProxyJump bastion,hopper2@bastion2

Host bastion
  HostName 127.0.0.1
  Port %[3]d
  User hopper

Host bastion2
  HostName 127.0.0.1
  Port %[4]d

Host *
  IdentityFile %[5]s
  IdentitiesOnly yes
  UserKnownHostsFile %[6]s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
`, esaPort, s.esa.User, jumpPort, jump2Port, idFile, kh)
	s.configFile = filepath.Join(s.home, "config")
	if err := os.WriteFile(s.configFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// dialAlias is what the driver does for `--esa esa1 -F FILE`.
func (s *simThroughJump) dialAlias(t *testing.T, alias string) *Client {
	return s.dialJump(t, alias, "")
}

// dialJump is dialAlias with a jump host given as ssh -J takes it.
func (s *simThroughJump) dialJump(t *testing.T, alias, jump string) *Client {
	t.Helper()
	conf, err := sshconfig.Load(sshconfig.Options{File: s.configFile, Home: s.home})
	if err != nil {
		t.Fatal(err)
	}
	h, err := conf.Resolve(sshconfig.Query{Host: alias, DefaultUser: "admin", Jump: jump})
	if err != nil {
		t.Fatal(err)
	}
	base := Config{Password: noPassword(t), ConnectTimeout: DefaultConnectTimeout}
	addr, cfg := WithSSHConfig(base, h, Explicit{})
	c, err := Dial(testCtx(t), addr, cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", alias, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestSSHConfigAliasJumpIdentityToSim(t *testing.T) {
	t.Parallel()
	s := startSimThroughJump(t)
	for _, alias := range []string{"esa1", "esa2"} {
		out, err := s.dialAlias(t, alias).Exec(testCtx(t), "version")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "Version: ") {
			t.Errorf("%s: version output %q", alias, out)
		}
	}
	if got := s.jump.forwards(); !slices.Equal(got, []string{s.esa.Addr, s.jump2.addr}) {
		t.Errorf("bastion forwarded to %q, want the ESA then bastion2", got)
	}
	if got := s.jump2.forwards(); !slices.Equal(got, []string{s.esa.Addr}) {
		t.Errorf("bastion2 forwarded to %q, want the ESA", got)
	}
	if got := s.jump.logins(); !slices.Equal(got, []string{"hopper", "hopper"}) {
		t.Errorf("bastion logins %q", got)
	}
	if got := s.jump2.logins(); !slices.Equal(got, []string{"hopper2"}) {
		t.Errorf("bastion2 logins %q", got)
	}
}

// TestSameAsOpenSSHThroughJump runs ssh(1) and this package against the
// same simulated ESA through the same jump host with the same config file:
// the same output and the same path prove both read the file the same way.
func TestSameAsOpenSSHThroughJump(t *testing.T) {
	t.Parallel()
	sshBin := openSSH(t)
	s := startSimThroughJump(t)
	// esa0 has no ProxyJump: -J names the same two hops esa2's does.
	for _, tc := range []struct{ alias, jump string }{{"esa1", ""}, {"esa2", ""}, {"esa0", "bastion,hopper2@bastion2"}} {
		alias := tc.alias
		args := []string{"-F", s.configFile}
		if tc.jump != "" {
			args = append(args, "-J", tc.jump)
		}
		s.sameVersion(t, alias, tc.jump, runOpenSSH(t, sshBin, s.home, append(args, alias, "version")...))
	}
	// Both clients took the same paths as the same users: esa1 through
	// bastion, esa2 and esa0 through bastion and bastion2.
	j2 := s.jump2.addr
	if got, want := s.jump.forwards(), []string{s.esa.Addr, s.esa.Addr, j2, j2, j2, j2}; !slices.Equal(got, want) {
		t.Errorf("bastion forwarded to %q, want %q", got, want)
	}
	if got, want := s.jump2.forwards(), []string{s.esa.Addr, s.esa.Addr, s.esa.Addr, s.esa.Addr}; !slices.Equal(got, want) {
		t.Errorf("bastion2 forwarded to %q, want %q", got, want)
	}
	if got := s.jump2.logins(); !slices.Equal(got, []string{"hopper2", "hopper2", "hopper2", "hopper2"}) {
		t.Errorf("bastion2 logins %q", got)
	}
}

// sameVersion runs version on alias (through jump, as -J takes it) and
// wants what ssh(1) printed for it.
func (s *simThroughJump) sameVersion(t *testing.T, alias, jump string, theirs []byte) {
	t.Helper()
	ours, err := s.dialJump(t, alias, jump).Exec(testCtx(t), "version")
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(theirs) || !strings.Contains(string(ours), "Version: ") {
		t.Errorf("%s: outputs differ:\nssh(1): %q\nours:   %q", alias, theirs, ours)
	}
}

// openSSH is ssh(1)'s path; without one the test is skipped.
func openSSH(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh(1) on this machine to compare with")
	}
	return p
}

// runOpenSSH runs ssh(1) with args and home as HOME, with no agent and no
// real ~/.ssh, and fails the test if it fails.
func runOpenSSH(t *testing.T, sshBin, home string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sshBin, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestWithSSHConfig(t *testing.T) {
	dir := t.TempDir()
	have := filepath.Join(dir, "have")
	os.WriteFile(have, []byte("x"), 0o600)
	missing := filepath.Join(dir, "missing")
	h := sshconfig.Host{
		HostName: "10.0.0.5", Port: 2222, User: "operator",
		IdentityFiles: []string{missing, have}, IdentitiesOnly: true,
		KnownHostsFiles:       []string{"/kh/a", "/kh/b"},
		StrictHostKeyChecking: "no", ConnectTimeout: 3 * time.Second,
		Jumps: []sshconfig.Host{{HostName: "bastion", Port: 22, User: "ops", StrictHostKeyChecking: "accept-new"}},
	}
	base := Config{User: "admin", Identities: []string{"/cli/key"}, Password: func() (string, error) { return "pw", nil },
		KnownHostsFile: "/cli/kh", ConnectTimeout: 10 * time.Second, UseAgent: true}

	addr, cfg := WithSSHConfig(base, h, Explicit{})
	if addr != "10.0.0.5:2222" || cfg.User != "operator" || !slices.Equal(cfg.Identities, []string{have}) || !cfg.IdentitiesOnly {
		t.Errorf("addr %s user %s ids %q only %v", addr, cfg.User, cfg.Identities, cfg.IdentitiesOnly)
	}
	if cfg.KnownHostsFile != "/kh/a" || !slices.Equal(cfg.ExtraKnownHostsFiles, []string{"/kh/b"}) ||
		!cfg.InsecureIgnoreHostKey || cfg.AcceptNewHostKeys || cfg.ConnectTimeout != 3*time.Second {
		t.Errorf("known hosts %s %q insecure %v accept %v timeout %v", cfg.KnownHostsFile, cfg.ExtraKnownHostsFiles,
			cfg.InsecureIgnoreHostKey, cfg.AcceptNewHostKeys, cfg.ConnectTimeout)
	}
	if len(cfg.Jumps) != 1 {
		t.Fatalf("jumps %+v", cfg.Jumps)
	}
	j := cfg.Jumps[0]
	if j.Addr != "bastion:22" || j.Config.User != "ops" || j.Config.Password != nil || !j.Config.AcceptNewHostKeys ||
		j.Config.InsecureIgnoreHostKey || !slices.Equal(j.Config.Identities, base.Identities) {
		t.Errorf("jump %s user %s password set %v accept %v ids %q", j.Addr, j.Config.User, j.Config.Password != nil,
			j.Config.AcceptNewHostKeys, j.Config.Identities)
	}

	if cfg.ProxyCommand != "" || cfg.HostKeyAlias != "" || cfg.Certificates != nil || cfg.AgentSocket != "" || !cfg.UseAgent {
		t.Errorf("unset keywords changed the config: %+v", cfg)
	}

	// ProxyCommand, HostKeyAlias, certificates and the agent, per host.
	h2 := h
	h2.ProxyCommand, h2.HostKeyAlias, h2.IdentityAgent = "connect 10.0.0.5 2222", "esa-main", "/run/esa.sock"
	h2.CertificateFiles = []string{"/certs/esa"}
	h2.Jumps = []sshconfig.Host{{HostName: "bastion", Port: 22, User: "ops", IdentityAgent: "none"}}
	_, cfg = WithSSHConfig(base, h2, Explicit{})
	if cfg.ProxyCommand != h2.ProxyCommand || cfg.HostKeyAlias != "esa-main" || cfg.AgentSocket != "/run/esa.sock" || !cfg.UseAgent ||
		!slices.Equal(cfg.Certificates, h2.CertificateFiles) || cfg.Password == nil {
		t.Errorf("proxy %q alias %q agent %q %v certs %q password set %v", cfg.ProxyCommand, cfg.HostKeyAlias, cfg.AgentSocket,
			cfg.UseAgent, cfg.Certificates, cfg.Password != nil)
	}
	if j := cfg.Jumps[0].Config; j.UseAgent || j.ProxyCommand != "" || j.HostKeyAlias != "" || j.Certificates != nil {
		t.Errorf("jump took the appliance's settings: %+v", j)
	}
	// A command line without the agent keeps it off.
	noAgent := base
	noAgent.UseAgent = false
	if _, cfg = WithSSHConfig(noAgent, h2, Explicit{}); cfg.UseAgent {
		t.Error("IdentityAgent turned on an agent the command line had off")
	}

	// Flags the command line set win.
	_, cfg = WithSSHConfig(base, h, Explicit{Identities: true, KnownHosts: true, HostKeyPolicy: true, ConnectTimeout: true})
	if !slices.Equal(cfg.Identities, []string{"/cli/key", have}) || cfg.KnownHostsFile != "/cli/kh" ||
		cfg.InsecureIgnoreHostKey || cfg.ConnectTimeout != 10*time.Second {
		t.Errorf("explicit lost: ids %q kh %s insecure %v timeout %v", cfg.Identities, cfg.KnownHostsFile, cfg.InsecureIgnoreHostKey, cfg.ConnectTimeout)
	}
}
