package sim

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func newKey(t *testing.T) (ssh.Signer, ed25519.PrivateKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, priv
}

func TestPublicKeyAuthAndKnownHosts(t *testing.T) {
	signer, _ := newKey(t)
	site := startSite(t, "healthy", Options{AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, site.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(kh)
	if err != nil {
		t.Fatalf("known_hosts does not parse: %v", err)
	}
	for _, ap := range site.Appliances() {
		if !strings.Contains(string(site.KnownHosts()), "[127.0.0.1]:"+ap.Addr[strings.LastIndex(ap.Addr, ":")+1:]+" ssh-ed25519 ") {
			t.Errorf("known_hosts lacks %s:\n%s", ap.Addr, site.KnownHosts())
		}
		c := dialApp(t, ap, &ssh.ClientConfig{User: ap.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: cb})
		c.Close()
	}
	// A wrong password and an unknown key are refused.
	ap := site.Appliances()[0]
	other, _ := newKey(t)
	for _, auth := range []ssh.AuthMethod{ssh.Password("wrong"), ssh.PublicKeys(other)} {
		_, err := ssh.Dial("tcp", ap.Addr, &ssh.ClientConfig{User: ap.User, Auth: []ssh.AuthMethod{auth}, HostKeyCallback: cb, Timeout: waitFor})
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("bad credentials accepted: %v", err)
		}
	}
}

func TestHostKeyFile(t *testing.T) {
	signer, priv := newKey(t)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "host_key")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	site := startSite(t, "healthy", Options{HostKeyFile: file})
	for _, ap := range site.Appliances() {
		if string(ap.HostKey.Marshal()) != string(signer.PublicKey().Marshal()) {
			t.Errorf("%s does not use the key file", ap.Hostname)
		}
	}
	sc, _ := LoadScenario("healthy")
	if _, err := Start(context.Background(), sc, Options{HostKeyFile: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("a missing host key file was accepted")
	}
}

func TestLegacyNegotiatesOnlyLegacyAlgorithms(t *testing.T) {
	site := startSite(t, "healthy", Options{Legacy: true})
	ap := site.Appliances()[0]
	if ap.HostKey.Type() != ssh.KeyAlgoRSA {
		t.Fatalf("legacy host key is %s", ap.HostKey.Type())
	}
	legacy := func() *ssh.ClientConfig {
		return &ssh.ClientConfig{
			User: ap.User, Auth: []ssh.AuthMethod{ssh.Password(ap.Password)},
			HostKeyCallback:   ssh.FixedHostKey(ap.HostKey),
			HostKeyAlgorithms: []string{ssh.KeyAlgoRSA},
			Config: ssh.Config{
				KeyExchanges: []string{ssh.InsecureKeyExchangeDH1SHA1},
				Ciphers:      []string{ssh.InsecureCipherTripleDESCBC},
				MACs:         []string{ssh.HMACSHA1},
			},
			Timeout: waitFor,
		}
	}
	c, err := ssh.Dial("tcp", ap.Addr, legacy())
	if err != nil {
		t.Fatalf("legacy client refused: %v", err)
	}
	c.Close()
	if !strings.Contains(string(c.ServerVersion()), "OpenSSH_5") {
		t.Errorf("server version %s", c.ServerVersion())
	}
	for name, tweak := range map[string]func(*ssh.ClientConfig){
		"modern kex":       func(c *ssh.ClientConfig) { c.KeyExchanges = []string{ssh.KeyExchangeCurve25519} },
		"modern cipher":    func(c *ssh.ClientConfig) { c.Ciphers = []string{ssh.CipherAES128GCM} },
		"modern mac":       func(c *ssh.ClientConfig) { c.MACs = []string{ssh.HMACSHA256} },
		"rsa-sha2 hostkey": func(c *ssh.ClientConfig) { c.HostKeyAlgorithms = []string{ssh.KeyAlgoRSASHA256} },
	} {
		cfg := legacy()
		tweak(cfg)
		if c, err := ssh.Dial("tcp", ap.Addr, cfg); err == nil {
			c.Close()
			t.Errorf("%s: a legacy server accepted it", name)
		}
	}
}

func TestShellAndSilentModes(t *testing.T) {
	site := startSite(t, "healthy", Options{Mode: "shell"})
	tm := openTerm(t, site, "mx.example.com", 24)
	tm.expect(`^\$ $`)
	if got := tm.cmd("version", `\$ $`); !strings.Contains(got, "bash: version: command not found") {
		t.Errorf("shell mode: %q", got)
	}
	tm.send("exit\r")
	tm.waitClosed()

	silent := startSite(t, "healthy", Options{Mode: "silent"})
	nc, err := net.DialTimeout("tcp", silent.Appliances()[0].Addr, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// The server never sends its SSH version line: a short read deadline
	// must expire with nothing read.
	if err := nc.SetReadDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := nc.Read(buf)
	if ne, ok := err.(net.Error); n != 0 || !ok || !ne.Timeout() {
		t.Errorf("silent mode spoke: %q, %v", buf[:n], err)
	}
	sc, _ := LoadScenario("healthy")
	if _, err := Start(context.Background(), sc, Options{Mode: "chatty"}); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := Start(context.Background(), sc, Options{Listen: "0.0.0.0:0"}); err == nil {
		t.Error("a non-loopback listen address was accepted")
	}
}

func TestLatencyHoldsBackReplies(t *testing.T) {
	const latency = 150 * time.Millisecond
	site := startSite(t, "healthy", Options{Latency: latency})
	tm := openTerm(t, site, "mx.example.com", 100)
	tm.expect(esaPrompt)
	start := time.Now()
	tm.cmd("whoami", esaPrompt)
	if d := time.Since(start); d < latency {
		t.Errorf("reply came after %v, before the latency of %v", d, latency)
	}
}

func TestFixedListenPorts(t *testing.T) {
	sc, err := LoadScenario("cluster-two-esa")
	if err != nil {
		t.Fatal(err)
	}
	// A free port says nothing of the ports after it, which other tests
	// running at the same time may take: try a few bases before failing.
	var site *Site
	var port int
	for attempt := 0; attempt < 20 && site == nil; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		site, err = Start(context.Background(), sc, Options{Listen: ln.Addr().String()})
		if err != nil && !strings.Contains(err.Error(), "address already in use") {
			t.Fatal(err)
		}
	}
	if site == nil {
		t.Fatal("no run of free ports found in 20 tries")
	}
	t.Cleanup(func() { site.Close() })
	for i, ap := range site.Appliances() {
		if want := net.JoinHostPort("127.0.0.1", strconv.Itoa(port+i)); ap.Addr != want {
			t.Errorf("appliance %d at %s, want %s", i, ap.Addr, want)
		}
	}
}

func TestFaultInjection(t *testing.T) {
	site := startSite(t, "case4-anonymous-ciphers", Options{Fault: Fault{DropAt: "sslconfig.cipher"}})
	tm := openTerm(t, site, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("sslconfig", `\[\]> $`)
	tm.send("OUTBOUND\r")
	tm.expect(`\[3\]> $`)
	tm.send("\r")
	tm.waitClosed()
	if strings.Contains(tm.out.String()[tm.pos:], "cipher you want to use") {
		t.Error("the cipher prompt was shown before the drop")
	}
	site.Close()
	if site.Pending("mx.example.com") {
		t.Error("dropped session left pending changes")
	}

	site = startSite(t, "case3-delivery-interface", Options{Fault: Fault{ExtraPrompt: "deliveryconfig.interface"}})
	tm = openTerm(t, site, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("deliveryconfig", `\[\]> $`)
	tm.cmd("SETUP", `Do you want to continue anyway\? \[Y\]> $`)
	if got := tm.cmd("1", esaPrompt); !strings.Contains(got, "Command cancelled.") {
		t.Errorf("a wrong answer to the extra question: %q", got)
	}
	tm.cmd("deliveryconfig", `\[\]> $`)
	tm.cmd("SETUP", `\[Y\]> $`)
	tm.cmd("Y", `\[2\]> $`)
	tm.send("\x03")
	tm.expect(esaPrompt)
}

func TestOpenSSHClient(t *testing.T) {
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no OpenSSH client (ssh) on PATH")
	}
	dir := t.TempDir()
	signer, priv := newKey(t)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	site := startSite(t, "healthy", Options{AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, site.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	ap := site.Appliances()[0]
	host, port, _ := net.SplitHostPort(ap.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, sshBin, "-F", "/dev/null", "-i", keyFile, "-p", port,
		"-o", "UserKnownHostsFile="+kh, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
		"-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", ap.User+"@"+host, "version")
	cmd.Stdin = nil
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ssh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Current Version\n===============\nProduct: Cisco C100V Email Security Virtual Appliance\n") {
		t.Errorf("ssh version output:\n%s", out)
	}
}
