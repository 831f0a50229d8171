package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// jumpHost is a bastion for scripts: an SSH server on 127.0.0.1 that takes
// only the script's key (never a password) and forwards direct-tcpip
// channels, as sshd does for ssh -J, to 127.0.0.1 only.
type jumpHost struct {
	ln    net.Listener
	mu    sync.Mutex
	fwds  int
	users []string
	// passwords counts password attempts: a jump host must never be
	// offered the appliance's password (it is rejected in any case).
	passwords int
	// forwardedCh gets a value for each connection forwarded.
	forwardedCh chan struct{}
}

// simJump is `sim jump NAME`: it starts a jump host, sets $NAME to its
// 127.0.0.1:port and adds its host key to $KNOWN_HOSTS. `sim forwarded
// NAME N` requires that it forwarded exactly N connections.
func simJump(ts *testscript.TestScript, s *scriptSim, name string) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	ts.Check(err)
	hostKey, err := ssh.NewSignerFromKey(priv)
	ts.Check(err)
	j := &jumpHost{forwardedCh: make(chan struct{}, 64)}
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if s.pub != nil && string(k.Marshal()) == string(s.pub.Marshal()) {
				j.mu.Lock()
				j.users = append(j.users, c.User())
				j.mu.Unlock()
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	cfg.PasswordCallback = func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) {
		j.mu.Lock()
		j.passwords++
		j.mu.Unlock()
		return nil, errors.New("no passwords here")
	}
	cfg.AddHostKey(hostKey)
	j.ln, err = net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { j.ln.Close() })
	go j.serve(cfg)
	addr := j.ln.Addr().String()
	kh := ts.Getenv("KNOWN_HOSTS")
	f, err := os.OpenFile(kh, os.O_APPEND|os.O_WRONLY, 0o600)
	ts.Check(err)
	_, err = f.WriteString(knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostKey.PublicKey()) + "\n")
	ts.Check(err)
	ts.Check(f.Close())
	_, port, _ := net.SplitHostPort(addr)
	ts.Setenv(name, addr)
	ts.Setenv(name+"_PORT", port)
	s.jumps[name] = j
}

func (j *jumpHost) serve(cfg *ssh.ServerConfig) {
	for {
		nc, err := j.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer nc.Close()
			conn, chans, reqs, err := ssh.NewServerConn(nc, cfg)
			if err != nil {
				return
			}
			defer conn.Close()
			go ssh.DiscardRequests(reqs)
			for ch := range chans {
				if ch.ChannelType() != "direct-tcpip" {
					ch.Reject(ssh.UnknownChannelType, "jump host only")
					continue
				}
				go j.forward(ch)
			}
		}()
	}
}

func (j *jumpHost) forward(nc ssh.NewChannel) {
	var p struct {
		Host       string
		Port       uint32
		OriginHost string
		OriginPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &p); err != nil || p.Host != "127.0.0.1" {
		nc.Reject(ssh.Prohibited, "only 127.0.0.1 in tests")
		return
	}
	out, err := net.Dial("tcp", net.JoinHostPort(p.Host, strconv.Itoa(int(p.Port))))
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
	j.mu.Lock()
	j.fwds++
	j.mu.Unlock()
	select {
	case j.forwardedCh <- struct{}{}:
	default:
	}
	go ssh.DiscardRequests(reqs)
	done := make(chan struct{}, 2)
	go func() { io.Copy(out, ch); out.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(ch, out); ch.CloseWrite(); done <- struct{}{} }()
	<-done
}

func (j *jumpHost) passwordAttempts() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.passwords
}

func (j *jumpHost) forwarded() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.fwds
}

// waitForwards waits until n connections were forwarded since the last
// wait, or fails after limit (a bound, not a pace: it returns as soon as
// the connections come).
func (j *jumpHost) waitForwards(n int, limit time.Duration) error {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for i := 0; i < n; i++ {
		select {
		case <-j.forwardedCh:
		case <-deadline.C:
			return fmt.Errorf("%d of %d connections forwarded within %s", i, n, limit)
		}
	}
	return nil
}
