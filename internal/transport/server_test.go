package transport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Keys are made once per test binary: RSA generation is slow.
var (
	testEd25519  = sync.OnceValue(func() ssh.Signer { return newSigner(ed25519Key()) })
	testEd25519b = sync.OnceValue(func() ssh.Signer { return newSigner(ed25519Key()) })
	testRSAKey   = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
	testRSA   = sync.OnceValue(func() ssh.Signer { return newSigner(testRSAKey()) })
	testECDSA = sync.OnceValue(func() ssh.Signer {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		return newSigner(k)
	})
)

func ed25519Key() ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func newSigner(k any) ssh.Signer {
	s, err := ssh.NewSignerFromKey(k)
	if err != nil {
		panic(err)
	}
	return s
}

// serverOpts configures the test SSH server. It plays a tiny AsyncOS-like
// shell: a "test> " prompt that echoes lines and ends on "exit".
type serverOpts struct {
	hostKeys    []ssh.Signer // default: testEd25519
	password    string       // password auth when non-empty
	kbdPassword string       // keyboard-interactive when non-empty
	authorized  []ssh.PublicKey
	legacyOnly  bool          // offer only SHA-1 kex, CBC ciphers, hmac-sha1
	userCA      ssh.PublicKey // accept user certificates it signed, for principal "admin"
	forward     bool          // a jump host: direct-tcpip channels to 127.0.0.1 only
}

type testServer struct {
	t    *testing.T
	ln   net.Listener
	addr string // host:port

	mu      sync.Mutex
	opts    serverOpts
	conns   map[net.Conn]bool
	pty     ptyRequest
	pwTries int
	users   []string // who logged in, in order
	keys    []string // the types of the public keys it accepted, in order
	fwds    []string // where direct-tcpip channels asked to go
	wg      sync.WaitGroup
}

type ptyRequest struct {
	Term       string
	Cols, Rows uint32
}

func startServer(t testing.TB, opts serverOpts) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{ln: ln, addr: ln.Addr().String(), opts: opts, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *testServer) setHostKeys(keys ...ssh.Signer) {
	s.mu.Lock()
	s.opts.hostKeys = keys
	s.mu.Unlock()
}

func (s *testServer) passwordTries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pwTries
}

func (s *testServer) lastPTY() ptyRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pty
}

func (s *testServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *testServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
			c.Close()
		}()
	}
}

func (s *testServer) config() *ssh.ServerConfig {
	s.mu.Lock()
	o := s.opts
	s.mu.Unlock()
	cfg := &ssh.ServerConfig{}
	if o.password != "" {
		cfg.PasswordCallback = func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			s.mu.Lock()
			s.pwTries++
			s.mu.Unlock()
			if string(pw) == o.password {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	if o.kbdPassword != "" {
		cfg.KeyboardInteractiveCallback = func(_ ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := ask("", "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			s.pwTries++
			s.mu.Unlock()
			if len(ans) == 1 && ans[0] == o.kbdPassword {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	if len(o.authorized) > 0 || o.userCA != nil {
		plain := func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			for _, k := range o.authorized {
				if bytes.Equal(k.Marshal(), key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("not authorized")
		}
		checker := &ssh.CertChecker{
			IsUserAuthority: func(k ssh.PublicKey) bool { return o.userCA != nil && bytes.Equal(k.Marshal(), o.userCA.Marshal()) },
			UserKeyFallback: plain,
		}
		cfg.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			p, err := checker.Authenticate(c, key)
			if err == nil {
				s.mu.Lock()
				s.keys = append(s.keys, key.Type())
				s.mu.Unlock()
			}
			return p, err
		}
	}
	if o.legacyOnly {
		cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1}
		cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC}
		cfg.MACs = []string{ssh.HMACSHA1}
	}
	keys := o.hostKeys
	if len(keys) == 0 {
		keys = []ssh.Signer{testEd25519()}
	}
	for _, k := range keys {
		cfg.AddHostKey(k)
	}
	return cfg
}

func (s *testServer) handle(c net.Conn) {
	sc, chans, reqs, err := ssh.NewServerConn(c, s.config())
	if err != nil {
		return
	}
	defer sc.Close()
	s.mu.Lock()
	s.users = append(s.users, sc.User())
	forward := s.opts.forward
	s.mu.Unlock()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() == "direct-tcpip" && forward {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.directTCPIP(nc)
			}()
			continue
		}
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "no")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.session(ch, creqs)
		}()
	}
}

func (s *testServer) logins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.users)
}

func (s *testServer) acceptedKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys)
}

func (s *testServer) forwards() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.fwds)
}

// directTCPIP is what sshd does for ssh -J or -W: connect, then copy both
// ways. It refuses anything but loopback, which is all a test may reach.
func (s *testServer) directTCPIP(nc ssh.NewChannel) {
	var p struct {
		Host       string
		Port       uint32
		OriginHost string
		OriginPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &p); err != nil {
		nc.Reject(ssh.ConnectionFailed, "bad request")
		return
	}
	addr := net.JoinHostPort(p.Host, strconv.Itoa(int(p.Port)))
	s.mu.Lock()
	s.fwds = append(s.fwds, addr)
	s.mu.Unlock()
	if p.Host != "127.0.0.1" {
		nc.Reject(ssh.Prohibited, "only 127.0.0.1 in tests")
		return
	}
	out, err := net.Dial("tcp", addr)
	if err != nil {
		nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	defer out.Close()
	ch, reqs, err := nc.Accept()
	if err != nil {
		return
	}
	defer ch.Close()
	go ssh.DiscardRequests(reqs)
	done := make(chan struct{}, 2)
	go func() { io.Copy(out, ch); out.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(ch, out); ch.CloseWrite(); done <- struct{}{} }()
	<-done
	// One side ended: end the other, so that close() never waits on it.
	out.Close()
	ch.Close()
	<-done
}

func (s *testServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			var p struct {
				Term       string
				Cols, Rows uint32
				W, H       uint32
				Modes      string
			}
			if err := ssh.Unmarshal(req.Payload, &p); err != nil {
				req.Reply(false, nil)
				continue
			}
			s.mu.Lock()
			s.pty = ptyRequest{p.Term, p.Cols, p.Rows}
			s.mu.Unlock()
			req.Reply(true, nil)
		case "shell":
			req.Reply(true, nil)
			go ssh.DiscardRequests(reqs)
			s.shell(ch)
			return
		case "exec":
			var p struct{ Cmd string }
			ssh.Unmarshal(req.Payload, &p)
			req.Reply(true, nil)
			go ssh.DiscardRequests(reqs)
			io.WriteString(ch, "ran: "+p.Cmd+"\n")
			io.WriteString(ch.Stderr(), "note\n")
			ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
			return
		default:
			req.Reply(false, nil)
		}
	}
}

// shell echoes each line like a PTY would and answers with the prompt.
func (s *testServer) shell(ch ssh.Channel) {
	io.WriteString(ch, "Welcome\r\ntest> ")
	var line []byte
	buf := make([]byte, 256)
	for {
		n, err := ch.Read(buf)
		for _, b := range buf[:n] {
			if b != '\r' && b != '\n' {
				line = append(line, b)
				continue
			}
			cmd := string(line)
			line = line[:0]
			io.WriteString(ch, cmd+"\r\n")
			if cmd == "exit" {
				ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
				return
			}
			io.WriteString(ch, "you said "+cmd+"\r\ntest> ")
		}
		if err != nil {
			return
		}
	}
}

// knownHostsFile writes a known_hosts file with the given lines.
func knownHostsFile(t testing.TB, lines ...string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// entry is a known_hosts line for addr the way OpenSSH writes it.
func entry(addr string, key ssh.PublicKey) string {
	return knownhosts.Line([]string{addr}, key)
}

// expect reads r in the background so that a test can wait for text under
// a deadline without losing what arrives after it.
type expect struct {
	t    testing.TB
	got  chan []byte
	errc chan error
	buf  []byte
}

func newExpect(t testing.TB, r io.Reader) *expect {
	e := &expect{t: t, got: make(chan []byte, 64), errc: make(chan error, 1)}
	go func() {
		for {
			b := make([]byte, 1024)
			n, err := r.Read(b)
			if n > 0 {
				e.got <- b[:n]
			}
			if err != nil {
				e.errc <- err
				return
			}
		}
	}()
	return e
}

// until waits for want and consumes the output up to and including it.
func (e *expect) until(want string) string {
	e.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if i := bytes.Index(e.buf, []byte(want)); i >= 0 {
			out := string(e.buf[:i+len(want)])
			e.buf = e.buf[i+len(want):]
			return out
		}
		select {
		case b := <-e.got:
			e.buf = append(e.buf, b...)
		case err := <-e.errc:
			e.errc <- err
			// Drain what arrived before the error, then give up.
			select {
			case b := <-e.got:
				e.buf = append(e.buf, b...)
				continue
			default:
			}
			e.t.Fatalf("read: %v before %q; got %q", err, want, e.buf)
		case <-deadline:
			e.t.Fatalf("no %q within the deadline; got %q", want, e.buf)
		}
	}
}

// eof waits for the end of the output.
func (e *expect) eof() {
	e.t.Helper()
	select {
	case err := <-e.errc:
		if err != io.EOF {
			e.t.Fatalf("read ended with %v, want EOF", err)
		}
	case <-time.After(10 * time.Second):
		e.t.Fatal("no EOF within the deadline")
	}
}

func pemEncode(b *pem.Block) []byte { return pem.EncodeToMemory(b) }
