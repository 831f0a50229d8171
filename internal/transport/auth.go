package transport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// defaultIdentities are tried, when they exist, if Config.Identities is nil.
var defaultIdentities = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// login holds one Dial's authentication state: what was tried, what the
// server allows, and the lazily fetched password.
type login struct {
	cfg     Config
	mu      sync.Mutex
	tried   []string
	allowed []string
	reasons []string
	started bool // the server has answered the first auth request

	pwOnce sync.Once
	pw     string
	pwErr  error

	agentConn net.Conn
}

func newLogin(cfg Config) *login { return &login{cfg: cfg} }

func (l *login) close() {
	if l.agentConn != nil {
		l.agentConn.Close()
	}
}

func (l *login) note(method string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Contains(l.tried, method) {
		l.tried = append(l.tried, method)
	}
}

func (l *login) reason(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reasons = append(l.reasons, fmt.Sprintf(format, args...))
}

func (l *login) hasTried(method string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Contains(l.tried, method)
}

// observe records the methods the server accepts; it never picks a method.
func (l *login) observe(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	l.mu.Lock()
	l.allowed = ctx.AllowedMethods
	l.started = true
	l.mu.Unlock()
	return nil, nil
}

// methods lists the auth methods in the required order: agent and identity
// files (one publickey method, agent keys first), password,
// keyboard-interactive.
func (l *login) methods() []ssh.AuthMethod {
	var m []ssh.AuthMethod
	m = append(m, ssh.PublicKeysCallback(l.signers))
	if l.cfg.Password != nil {
		m = append(m, ssh.PasswordCallback(func() (string, error) {
			l.note("password")
			return l.password()
		}))
		m = append(m, ssh.KeyboardInteractive(l.challenge))
	}
	return m
}

func (l *login) password() (string, error) {
	l.pwOnce.Do(func() {
		l.pw, l.pwErr = l.cfg.Password()
		if l.pwErr != nil {
			l.reason("password: %v", l.pwErr)
		}
	})
	return l.pw, l.pwErr
}

// challenge answers keyboard-interactive prompts: hidden ones get the
// password, echoed ones an empty line. It gives up rather than send a
// password the password method already had refused, or send it twice,
// because appliances lock accounts after a few failures.
func (l *login) challenge(name, instruction string, questions []string, echos []bool) ([]string, error) {
	if l.hasTried("password") {
		return nil, errors.New("password already refused")
	}
	answers := make([]string, len(questions))
	for i := range questions {
		if echos[i] {
			continue
		}
		if l.hasTried("keyboard-interactive") {
			return nil, errors.New("password refused")
		}
		l.note("keyboard-interactive")
		pw, err := l.password()
		if err != nil {
			return nil, err
		}
		answers[i] = pw
	}
	return answers, nil
}

// signers is called only when the server accepts publickey, so identity
// files are read and the agent asked only then. The order is ssh(1)'s:
// CertificateFile certificates, agent keys, then identity files, each
// followed by its IDENTITY-cert.pub when no CertificateFile is set.
func (l *login) signers() ([]ssh.Signer, error) {
	var keys []ssh.Signer
	var names []string
	for _, f := range l.identityFiles() {
		s, err := l.loadIdentity(f)
		if err != nil {
			l.reason("%v", err)
			continue
		}
		keys, names = append(keys, s), append(names, f)
	}
	agentKeys := l.agentSigners()
	if l.cfg.IdentitiesOnly {
		agentKeys = slices.DeleteFunc(agentKeys, func(a ssh.Signer) bool {
			return !slices.ContainsFunc(keys, func(f ssh.Signer) bool {
				return bytes.Equal(a.PublicKey().Marshal(), f.PublicKey().Marshal())
			})
		})
	}
	// A certificate signs with the agent's copy of its key first: that
	// one needs no passphrase.
	signWith := slices.Concat(agentKeys, keys)
	var out []ssh.Signer
	for _, f := range l.cfg.Certificates {
		if cs := l.certSigner(f, signWith); cs != nil {
			out = append(out, cs)
		}
	}
	// Agent keys before files, for the same reason.
	out = append(out, agentKeys...)
	for i, k := range keys {
		out = append(out, k)
		if len(l.cfg.Certificates) == 0 {
			if cs := l.certSigner(names[i]+"-cert.pub", signWith); cs != nil {
				out = append(out, cs)
			}
		}
	}
	if len(out) > 0 {
		l.note("publickey")
	}
	return out, nil
}

// certSigner pairs the user certificate in file with the private key it
// certifies, the first of keys that matches. A missing file is skipped
// quietly, as ssh(1) does; a file that is no user certificate, or one
// without its key, is skipped with a reason.
func (l *login) certSigner(file string, keys []ssh.Signer) ssh.Signer {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		l.reason("certificate: %v", err)
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	cert, ok := pub.(*ssh.Certificate)
	if err != nil || !ok || cert.CertType != ssh.UserCert {
		l.reason("certificate %s: not an OpenSSH user certificate", file)
		return nil
	}
	for _, k := range keys {
		if bytes.Equal(k.PublicKey().Marshal(), cert.Key.Marshal()) {
			cs, err := ssh.NewCertSigner(cert, k)
			if err != nil {
				l.reason("certificate %s: %v", file, err)
				return nil
			}
			return cs
		}
	}
	l.reason("certificate %s: its private key is in no identity file and not in the agent", file)
	return nil
}

func (l *login) agentSigners() []ssh.Signer {
	if !l.cfg.UseAgent || l.agentConn != nil {
		return nil
	}
	sock := l.cfg.AgentSocket
	if sock == "" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "" {
		return nil
	}
	conn, err := net.DialTimeout("unix", sock, l.cfg.connectTimeout())
	if err != nil {
		l.reason("ssh agent: %v", err)
		return nil
	}
	l.agentConn = conn
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		l.reason("ssh agent: %v", err)
		return nil
	}
	return signers
}

func (l *login) identityFiles() []string {
	if l.cfg.Identities != nil {
		return l.cfg.Identities
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	var files []string
	for _, name := range defaultIdentities {
		f := filepath.Join(home, ".ssh", name)
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	return files
}

// loadIdentity parses a private key file. An encrypted key whose public half
// is known (new OpenSSH format, or a .pub beside it) becomes a lazySigner, so
// its passphrase is asked only if the server accepts the key.
func (l *login) loadIdentity(file string) (ssh.Signer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	s, err := ssh.ParsePrivateKey(data)
	if err == nil {
		return s, nil
	}
	var pm *ssh.PassphraseMissingError
	if !errors.As(err, &pm) {
		return nil, fmt.Errorf("identity file %s: %w", file, err)
	}
	ls := &lazySigner{file: file, data: data, ask: l.cfg.Passphrase, pub: pm.PublicKey,
		onErr: func(err error) { l.reason("%v", err) }}
	if ls.pub == nil {
		if pubData, err := os.ReadFile(file + ".pub"); err == nil {
			ls.pub, _, _, _, _ = ssh.ParseAuthorizedKey(pubData)
		}
	}
	if ls.pub == nil {
		if err := ls.decrypt(); err != nil {
			return nil, err
		}
		return ls.inner, nil
	}
	return ls, nil
}

// lazySigner decrypts an identity file on its first signature.
type lazySigner struct {
	file  string
	data  []byte
	ask   func(file string) (string, error)
	pub   ssh.PublicKey
	once  sync.Once
	inner ssh.Signer
	err   error
	onErr func(error) // records why, since x/crypto keeps only the last error
}

func (s *lazySigner) PublicKey() ssh.PublicKey { return s.pub }

func (s *lazySigner) decrypt() error {
	s.once.Do(func() {
		if s.ask == nil {
			s.err = fmt.Errorf("identity file %s is encrypted and no passphrase prompt is available", s.file)
			return
		}
		pass, err := s.ask(s.file)
		if err != nil {
			s.err = fmt.Errorf("passphrase for %s: %w", s.file, err)
			return
		}
		signer, err := ssh.ParsePrivateKeyWithPassphrase(s.data, []byte(pass))
		if err != nil {
			s.err = fmt.Errorf("identity file %s: wrong passphrase or unreadable key", s.file)
			return
		}
		if s.pub != nil && !bytes.Equal(signer.PublicKey().Marshal(), s.pub.Marshal()) {
			s.err = fmt.Errorf("identity file %s does not match its public key", s.file)
			return
		}
		s.inner = signer
	})
	if s.err != nil && s.onErr != nil {
		s.onErr(s.err)
		s.onErr = nil
	}
	return s.err
}

func (s *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	if err := s.decrypt(); err != nil {
		return nil, err
	}
	return s.inner.Sign(rand, data)
}

func (s *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	if err := s.decrypt(); err != nil {
		return nil, err
	}
	if as, ok := s.inner.(ssh.AlgorithmSigner); ok {
		return as.SignWithAlgorithm(rand, data, algorithm)
	}
	return s.inner.Sign(rand, data)
}

func (l *login) hasStarted() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.started
}

// authError builds the error for a refused login from what was recorded.
func (l *login) authError(user, addr string, err error) *AuthError {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := &AuthError{User: user, Addr: addr, Tried: slices.Clone(l.tried), Allowed: slices.Clone(l.allowed), Err: err}
	if len(l.reasons) > 0 {
		e.Reason = l.reasons[len(l.reasons)-1]
	}
	return e
}
