package transport

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// userCA is a certificate authority for user keys.
type userCA struct{ signer ssh.Signer }

func newUserCA() userCA { return userCA{newSigner(ed25519Key())} }

// certify signs key as a certificate of type kind for principal admin.
func (ca userCA) certify(t testing.TB, key ssh.PublicKey, kind uint32) *ssh.Certificate {
	t.Helper()
	c := &ssh.Certificate{
		Key: key, CertType: kind, KeyId: "test", ValidPrincipals: []string{"admin"},
		ValidBefore: ssh.CertTimeInfinity,
	}
	if err := c.SignCert(rand.Reader, ca.signer); err != nil {
		t.Fatal(err)
	}
	return c
}

// writeCert writes a certificate the way ssh-keygen -s does, to file.
func writeCert(t testing.TB, file string, c *ssh.Certificate) string {
	t.Helper()
	if err := os.WriteFile(file, ssh.MarshalAuthorizedKey(c), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

const certType = ssh.CertAlgoED25519v01

func TestCertificates(t *testing.T) {
	t.Parallel()
	ca := newUserCA()
	// The server takes certificates only: a plain key is not authorized.
	s := startServer(t, serverOpts{userCA: ca.signer.PublicKey()})
	login := func(t *testing.T, cfg Config) error {
		t.Helper()
		cfg.Password = noPassword(t)
		c, err := Dial(testCtx(t), s.addr, cfg)
		if err == nil {
			roundTrip(t, c)
			c.Close()
		}
		return err
	}
	wantCert := func(t *testing.T, before int) {
		t.Helper()
		if got := s.acceptedKeys()[before:]; !slices.Contains(got, certType) {
			t.Errorf("accepted %q, want a certificate", got)
		}
	}

	t.Run("CertificateFile with its IdentityFile", func(t *testing.T) {
		key := ed25519Key()
		cfg := baseConfig(t, s)
		cfg.Identities = []string{writeKey(t, key, "")}
		cfg.Certificates = []string{writeCert(t, filepath.Join(t.TempDir(), "c.pub"), ca.certify(t, newSigner(key).PublicKey(), ssh.UserCert))}
		n := len(s.acceptedKeys())
		if err := login(t, cfg); err != nil {
			t.Fatal(err)
		}
		wantCert(t, n)
	})
	t.Run("IDENTITY-cert.pub beside the identity", func(t *testing.T) {
		key := ed25519Key()
		id := writeKey(t, key, "")
		writeCert(t, id+"-cert.pub", ca.certify(t, newSigner(key).PublicKey(), ssh.UserCert))
		cfg := baseConfig(t, s)
		cfg.Identities = []string{id}
		n := len(s.acceptedKeys())
		if err := login(t, cfg); err != nil {
			t.Fatal(err)
		}
		wantCert(t, n)
		// Any CertificateFile turns the implicit one off, as in ssh(1).
		cfg.Certificates = []string{filepath.Join(t.TempDir(), "missing-cert.pub")}
		if err := login(t, cfg); !errors.As(err, new(*AuthError)) {
			t.Errorf("with another CertificateFile: err = %v, want *AuthError", err)
		}
	})
	t.Run("key in the agent only", func(t *testing.T) {
		key := ed25519Key()
		cfg := baseConfig(t, s)
		cfg.UseAgent, cfg.AgentSocket = true, startAgent(t, key)
		cfg.Certificates = []string{writeCert(t, filepath.Join(t.TempDir(), "c.pub"), ca.certify(t, newSigner(key).PublicKey(), ssh.UserCert))}
		n := len(s.acceptedKeys())
		if err := login(t, cfg); err != nil {
			t.Fatal(err)
		}
		wantCert(t, n)
	})
	for _, tc := range []struct {
		name, reason string
		cert         func(t *testing.T, key ssh.PublicKey) *ssh.Certificate
	}{
		{"a host certificate", "not an OpenSSH user certificate", func(t *testing.T, key ssh.PublicKey) *ssh.Certificate {
			return ca.certify(t, key, ssh.HostCert)
		}},
		{"a certificate of another key", "its private key is in no identity file and not in the agent", func(t *testing.T, _ ssh.PublicKey) *ssh.Certificate {
			return ca.certify(t, newSigner(ed25519Key()).PublicKey(), ssh.UserCert)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := ed25519Key()
			cfg := baseConfig(t, s)
			cfg.Identities = []string{writeKey(t, key, "")}
			cfg.Certificates = []string{writeCert(t, filepath.Join(t.TempDir(), "c.pub"), tc.cert(t, newSigner(key).PublicKey()))}
			err := login(t, cfg)
			var ae *AuthError
			if !errors.As(err, &ae) || !strings.Contains(ae.Reason, tc.reason) {
				t.Errorf("err = %v, want *AuthError saying %q", err, tc.reason)
			}
		})
	}
}

// TestSameAsOpenSSHCertificatesAndAgent logs in with ssh(1) and with this
// package from one configuration to a server that takes certificates only
// (and one agent key): a CertificateFile with its IdentityFile, an
// IDENTITY-cert.pub, a CertificateFile whose key only the IdentityAgent
// holds, and a plain key from that agent.
func TestSameAsOpenSSHCertificatesAndAgent(t *testing.T) {
	t.Parallel()
	sshBin := openSSH(t)
	ca := newUserCA()
	agentKey, agentOnly := ed25519Key(), ed25519Key()
	s := startServer(t, serverOpts{userCA: ca.signer.PublicKey(), authorized: []ssh.PublicKey{newSigner(agentKey).PublicKey()}})
	home := t.TempDir()
	sock := startAgent(t, agentKey, agentOnly)
	keyE, keyI := ed25519Key(), ed25519Key()
	idE, idI := writeKey(t, keyE, ""), writeKey(t, keyI, "")
	certE := writeCert(t, filepath.Join(home, "e-cert.pub"), ca.certify(t, newSigner(keyE).PublicKey(), ssh.UserCert))
	writeCert(t, idI+"-cert.pub", ca.certify(t, newSigner(keyI).PublicKey(), ssh.UserCert))
	certA := writeCert(t, filepath.Join(home, "a-cert.pub"), ca.certify(t, newSigner(agentOnly).PublicKey(), ssh.UserCert))
	kh := knownHostsFile(t, entry(s.addr, testEd25519().PublicKey()))
	_, port, _ := SplitHostPort(s.addr)
	config := filepath.Join(home, "config")
	text := fmt.Sprintf(`Host certE
  IdentityFile %[1]s
  CertificateFile %[2]s
  IdentityAgent none
Host certI
  IdentityFile %[3]s
  IdentityAgent none
Host certA
  IdentityAgent %[4]s
  CertificateFile %[5]s
  IdentitiesOnly no
Host agent
  IdentityAgent %[4]s
  IdentitiesOnly no
Host *
  HostName 127.0.0.1
  Port %[6]d
  User admin
  IdentitiesOnly yes
  UserKnownHostsFile %[7]s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
`, idE, certE, idI, sock, certA, port, kh)
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	conf, err := sshconfig.Load(sshconfig.Options{File: config, Home: home})
	if err != nil {
		t.Fatal(err)
	}
	for _, alias := range []string{"certE", "certI", "certA", "agent"} {
		want := certType
		if alias == "agent" {
			want = ssh.KeyAlgoED25519
		}
		n := len(s.acceptedKeys())
		// No SSH_AUTH_SOCK: the IdentityAgent or no agent.
		if theirs := runOpenSSH(t, sshBin, home, "-F", config, alias, "version"); !strings.Contains(string(theirs), "ran: version") {
			t.Fatalf("ssh -F %s %s version: %q", config, alias, theirs)
		}
		if got := s.acceptedKeys()[n:]; !slices.Contains(got, want) {
			t.Errorf("%s: ssh(1) logged in with %q, want %s", alias, got, want)
		}

		h, err := conf.Resolve(sshconfig.Query{Host: alias})
		if err != nil {
			t.Fatal(err)
		}
		addr, cfg := WithSSHConfig(Config{Password: noPassword(t), UseAgent: true}, h, Explicit{})
		n = len(s.acceptedKeys())
		c, err := Dial(testCtx(t), addr, cfg)
		if err != nil {
			t.Fatalf("%s: %v", alias, err)
		}
		ours, err := c.Exec(testCtx(t), "version")
		c.Close()
		if err != nil || !strings.Contains(string(ours), "ran: version") {
			t.Errorf("%s: exec: %q, %v", alias, ours, err)
		}
		if got := s.acceptedKeys()[n:]; !slices.Contains(got, want) {
			t.Errorf("%s: we logged in with %q, want %s", alias, got, want)
		}
	}
}
