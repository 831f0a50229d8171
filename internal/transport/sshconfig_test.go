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

// simThroughJump is the healthy scenario's ESA behind a jump host, and an
// ssh_config that names both by alias, with one key for both.
type simThroughJump struct {
	esa        sim.Appliance
	jump       *testServer
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
		jump: startServer(t, serverOpts{authorized: []ssh.PublicKey{pub}, forward: true, hostKeys: []ssh.Signer{testECDSA()}}),
		home: t.TempDir(),
	}
	for _, ap := range site.Appliances() {
		if ap.Role == "esa" {
			s.esa = ap
		}
	}
	kh := filepath.Join(s.home, "known_hosts")
	khText := string(site.KnownHosts()) + entry(s.jump.addr, testECDSA().PublicKey()) + "\n"
	if err := os.WriteFile(kh, []byte(khText), 0o600); err != nil {
		t.Fatal(err)
	}
	idFile := writeKey(t, key, "")
	_, esaPort, _ := SplitHostPort(s.esa.Addr)
	_, jumpPort, _ := SplitHostPort(s.jump.addr)
	// Everything either client needs is in the file: ssh(1) passes -F, and
	// nothing else from its command line, to the ssh it runs for ProxyJump.
	text := fmt.Sprintf(`Host esa1
  HostName 127.0.0.1
  Port %d
  User %s
  ProxyJump bastion

Host bastion
  HostName 127.0.0.1
  Port %d
  User hopper

Host *
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
`, esaPort, s.esa.User, jumpPort, idFile, kh)
	s.configFile = filepath.Join(s.home, "config")
	if err := os.WriteFile(s.configFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// dialAlias is what the driver does for `--esa esa1 -F FILE`.
func (s *simThroughJump) dialAlias(t *testing.T, alias string) *Client {
	t.Helper()
	conf, err := sshconfig.Load(sshconfig.Options{File: s.configFile, Home: s.home})
	if err != nil {
		t.Fatal(err)
	}
	h, err := conf.Resolve(sshconfig.Query{Host: alias, DefaultUser: "admin"})
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
	out, err := s.dialAlias(t, "esa1").Exec(testCtx(t), "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "Version: ") {
		t.Errorf("version output %q", out)
	}
	if got := s.jump.forwards(); !slices.Equal(got, []string{s.esa.Addr}) {
		t.Errorf("jump host forwarded to %q, want %s", got, s.esa.Addr)
	}
	if got := s.jump.logins(); !slices.Equal(got, []string{"hopper"}) {
		t.Errorf("jump host logins %q", got)
	}
}

// TestSameAsOpenSSHThroughJump runs ssh(1) and this package against the
// same simulated ESA through the same jump host with the same config file:
// the same output and the same path prove both read the file the same way.
func TestSameAsOpenSSHThroughJump(t *testing.T) {
	t.Parallel()
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh(1) on this machine: OpenSSH's ProxyJump cannot be compared")
	}
	s := startSimThroughJump(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sshBin, "-F", s.configFile, "esa1", "version")
	cmd.Env = []string{"HOME=" + s.home, "PATH=" + os.Getenv("PATH")} // no agent, no real ~/.ssh
	theirs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ssh -F %s esa1 version: %v\n%s", s.configFile, err, theirs)
	}
	ours, err := s.dialAlias(t, "esa1").Exec(testCtx(t), "version")
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(theirs) || !strings.Contains(string(ours), "Version: ") {
		t.Errorf("outputs differ:\nssh(1): %q\nours:   %q", theirs, ours)
	}
	if got := s.jump.forwards(); !slices.Equal(got, []string{s.esa.Addr, s.esa.Addr}) {
		t.Errorf("jump host forwarded to %q, want %s twice", got, s.esa.Addr)
	}
	if got := s.jump.logins(); !slices.Equal(got, []string{"hopper", "hopper"}) {
		t.Errorf("jump host logins %q", got)
	}
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
		KnownHostsFile: "/cli/kh", ConnectTimeout: 10 * time.Second}

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

	// Flags the command line set win.
	_, cfg = WithSSHConfig(base, h, Explicit{Identities: true, KnownHosts: true, HostKeyPolicy: true, ConnectTimeout: true})
	if !slices.Equal(cfg.Identities, []string{"/cli/key", have}) || cfg.KnownHostsFile != "/cli/kh" ||
		cfg.InsecureIgnoreHostKey || cfg.ConnectTimeout != 10*time.Second {
		t.Errorf("explicit lost: ids %q kh %s insecure %v timeout %v", cfg.Identities, cfg.KnownHostsFile, cfg.InsecureIgnoreHostKey, cfg.ConnectTimeout)
	}
}
