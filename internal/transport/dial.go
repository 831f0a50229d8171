package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// Dial connects to addr (host[:port], port 22 by default), verifies the host
// key and logs in. ctx bounds the whole dial; Config.ConnectTimeout also
// bounds the TCP connect and the wait for the server's SSH banner.
func Dial(ctx context.Context, addr string, cfg Config) (*Client, error) {
	host, port, err := SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if cfg.User == "" {
		return nil, errors.New("no ssh user name")
	}
	for _, f := range cfg.Identities {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("identity file: %w", err)
		}
	}
	hostport := net.JoinHostPort(host, strconv.Itoa(port))
	hv, err := newHostVerifier(cfg)
	if err != nil {
		return nil, err
	}

	timeout := cfg.connectTimeout()
	d := net.Dialer{Timeout: timeout}
	raw, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, dialError(ctx, hostport, timeout, err)
	}
	if err := hv.probe(hostport, raw.RemoteAddr()); err != nil {
		raw.Close()
		return nil, err
	}

	conn := &watchConn{Conn: raw}
	ctxDeadline, _ := ctx.Deadline()
	bannerDeadline := time.Now().Add(timeout)
	if !ctxDeadline.IsZero() && ctxDeadline.Before(bannerDeadline) {
		bannerDeadline = ctxDeadline
	}
	bannerWait := time.Until(bannerDeadline).Round(10 * time.Millisecond)
	// Until the host key arrives the server has not proven it speaks SSH, so
	// that phase gets the connect timeout; the login after it may wait for a
	// person typing a password and is bounded by ctx only.
	conn.SetDeadline(bannerDeadline)

	lg := newLogin(cfg)
	defer lg.close()
	algs := algorithms(cfg.LegacyAlgorithms)
	sc := &ssh.ClientConfig{
		User: cfg.User,
		Auth: lg.methods(),
		HostKeyCallback: func(h string, remote net.Addr, key ssh.PublicKey) error {
			if err := hv.callback(h, remote, key); err != nil {
				return err
			}
			conn.SetDeadline(ctxDeadline)
			return nil
		},
		HostKeyAlgorithms: hv.hostKeyAlgorithms(),
		AuthCallback:      lg.observe,
		Config: ssh.Config{
			KeyExchanges: algs.KeyExchanges,
			Ciphers:      algs.Ciphers,
			MACs:         algs.MACs,
		},
	}

	stop := context.AfterFunc(ctx, func() { raw.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, hostport, sc)
	if !stop() && err == nil {
		c.Close()
		return nil, fmt.Errorf("ssh login to %s: %w", hostport, ctx.Err())
	}
	if err != nil {
		raw.Close()
		return nil, handshakeError(ctx, hostport, cfg, hv, lg, conn, bannerWait, err)
	}
	raw.SetDeadline(time.Time{})
	return &Client{ssh: ssh.NewClient(c, chans, reqs), addr: hostport}, nil
}

func dialError(ctx context.Context, hostport string, timeout time.Duration, err error) error {
	e := &DialError{Addr: hostport, Kind: DialOther, Err: err}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		e.Kind = DialDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = DialRefused
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("connect to %s: %w", hostport, err)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = DialTimeout
		e.Timeout = timeout
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 0 {
			// The caller's deadline, shorter than the connect timeout, ran out.
			e.Timeout = 0
		}
	}
	return e
}

// handshakeError turns x/crypto's handshake failure into one of the typed
// errors, using what the verifier, the login and the connection recorded.
func handshakeError(ctx context.Context, hostport string, cfg Config, hv *hostVerifier, lg *login, conn *watchConn, bannerWait time.Duration, err error) error {
	if hv.err != nil {
		return hv.err
	}
	if !conn.sawSSH() {
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("ssh handshake with %s: %w", hostport, ctx.Err())
		}
		e := &NotSSHError{Addr: hostport, Got: conn.firstLine(), Err: err}
		if e.Got == "" && (errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil || errors.Is(err, net.ErrClosed)) {
			e.Timeout = bannerWait
		}
		return e
	}
	if ne := negotiationError(hostport, cfg, err); ne != nil {
		if ne.What == "host key" {
			if hk := hv.changedKeyType(hostport, ne.ServerOffered); hk != nil {
				return hk
			}
		}
		return ne
	}
	if ctx.Err() != nil {
		return fmt.Errorf("ssh login to %s: %w", hostport, ctx.Err())
	}
	// x/crypto reports the last method's own error when none is left, so
	// any failure once authentication has begun is the login's.
	if lg.hasStarted() || strings.Contains(err.Error(), "unable to authenticate") {
		return lg.authError(cfg.User, hostport, err)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("ssh handshake with %s: no answer within %s", hostport, bannerWait)
	}
	return fmt.Errorf("ssh handshake with %s: %w", hostport, err)
}

// negotiationError recognises "no common algorithm", by type when x/crypto
// keeps it and by its text when an inner layer flattened it.
func negotiationError(hostport string, cfg Config, err error) *NegotiationError {
	ne := &NegotiationError{Addr: hostport, Legacy: cfg.LegacyAlgorithms, Err: err}
	var ane *ssh.AlgorithmNegotiationError
	if errors.As(err, &ane) {
		ne.What, ne.ServerOffered, ne.WeOffered = ane.What, realAlgorithms(ane.RequestedAlgorithms), ane.SupportedAlgorithms
		return ne
	}
	msg := err.Error()
	const marker = "no common algorithm for "
	i := strings.Index(msg, marker)
	if i < 0 {
		return nil
	}
	rest := msg[i+len(marker):]
	what, rest, ok := strings.Cut(rest, ";")
	if !ok {
		return nil
	}
	ne.What = what
	if _, peer, ok := strings.Cut(rest, "peer offered: "); ok {
		ne.ServerOffered = realAlgorithms(parseQuotedList(peer))
	}
	if _, ours, ok := strings.Cut(rest, "we offered: "); ok {
		ne.WeOffered = parseQuotedList(ours)
	}
	return ne
}

// realAlgorithms drops the markers OpenSSH lists among key exchanges
// (kex-strict-…, ext-info-…), which are not algorithms anyone can enable.
func realAlgorithms(algs []string) []string {
	var out []string
	for _, a := range algs {
		if !strings.HasPrefix(a, "kex-strict-") && !strings.HasPrefix(a, "ext-info-") {
			out = append(out, a)
		}
	}
	return out
}

// parseQuotedList reads a %q-formatted []string: ["a" "b"].
func parseQuotedList(s string) []string {
	s = strings.TrimSpace(s)
	end := strings.IndexByte(s, ']')
	if !strings.HasPrefix(s, "[") || end < 0 {
		return nil
	}
	var out []string
	for _, f := range strings.Fields(s[1:end]) {
		if u, err := strconv.Unquote(f); err == nil {
			out = append(out, u)
		}
	}
	return out
}

// watchConn remembers the first bytes the server sent, to tell a server that
// is not SSH from a handshake that failed later.
type watchConn struct {
	net.Conn
	mu    sync.Mutex
	first []byte
}

const watchBytes = 256

func (c *watchConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if room := watchBytes - len(c.first); room > 0 {
		c.first = append(c.first, p[:min(n, room)]...)
	}
	c.mu.Unlock()
	return n, err
}

func (c *watchConn) sawSSH() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Contains(c.first, []byte("SSH-"))
}

func (c *watchConn) firstLine() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	line, _, _ := bytes.Cut(c.first, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) > 60 {
		line = line[:60]
	}
	return string(line)
}
