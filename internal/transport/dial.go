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
// key and logs in, through cfg.Jumps when there are any. ctx bounds the whole
// dial; Config.ConnectTimeout also bounds each TCP connect (or channel opened
// through a jump host) and each wait for an SSH banner. A failure at a jump
// host is a *JumpError naming it.
func Dial(ctx context.Context, addr string, cfg Config) (*Client, error) {
	hostport, err := normalizeAddr(addr)
	if err != nil {
		return nil, err
	}
	var hops []*ssh.Client
	closeHops := func() {
		for i := len(hops) - 1; i >= 0; i-- {
			hops[i].Close()
		}
	}
	var via *ssh.Client
	viaAddr := ""
	for i, j := range cfg.Jumps {
		jc := j.Config
		jc.Jumps = nil
		jc.HideEnv = cfg.HideEnv // a hop's ProxyCommand sees no password either
		jhp, err := normalizeAddr(j.Addr)
		if err == nil {
			via, err = connect(ctx, via, viaAddr, jhp, jc)
		}
		if err != nil {
			closeHops()
			return nil, &JumpError{Hop: i + 1, Hops: len(cfg.Jumps), Addr: j.Addr, Err: err}
		}
		hops = append(hops, via)
		viaAddr = jhp
	}
	c, err := connect(ctx, via, viaAddr, hostport, cfg)
	if err != nil {
		closeHops()
		return nil, err
	}
	return &Client{ssh: c, addr: hostport, hops: hops}, nil
}

func normalizeAddr(addr string) (string, error) {
	host, port, err := SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// connect reaches hostport over TCP, or through via when it is not nil,
// and runs the SSH handshake and login there.
func connect(ctx context.Context, via *ssh.Client, viaAddr, hostport string, cfg Config) (*ssh.Client, error) {
	if cfg.User == "" {
		return nil, errors.New("no ssh user name")
	}
	for _, f := range cfg.Identities {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("identity file: %w", err)
		}
	}
	hv, err := newHostVerifier(cfg)
	if err != nil {
		return nil, err
	}

	timeout := cfg.connectTimeout()
	var raw net.Conn
	var proxy *proxyConn
	switch {
	case via == nil && cfg.ProxyCommand != "":
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("connect to %s: %w", hostport, err)
		}
		proxy, err = startProxy(cfg.ProxyCommand, hostport, cfg.HideEnv)
		if err != nil {
			return nil, &ProxyError{Addr: hostport, Err: err}
		}
		// The connect timeout runs from the start of the command to the
		// banner, since there is no TCP connect of our own to bound.
		raw = &timerConn{Conn: proxy}
	case via == nil:
		d := net.Dialer{Timeout: timeout}
		raw, err = d.DialContext(ctx, "tcp", hostport)
		if err != nil {
			return nil, dialError(ctx, hostport, timeout, err)
		}
	default:
		dctx, cancel := context.WithTimeout(ctx, timeout)
		ch, err := via.DialContext(dctx, "tcp", hostport)
		cancel()
		if err != nil {
			return nil, viaDialError(ctx, hostport, viaAddr, timeout, err)
		}
		// A channel has no deadlines of its own; the banner wait needs one.
		raw = &timerConn{Conn: ch}
	}
	if err := hv.probe(hostport, raw.RemoteAddr()); err != nil {
		raw.Close()
		return nil, err
	}

	conn := &watchConn{Conn: raw}
	ctxDeadline, _ := ctx.Deadline()
	bannerDeadline := time.Now().Add(timeout)
	// The wait quoted in errors is the configured one, not a measurement
	// that a busy machine would round down.
	bannerWait := timeout
	if !ctxDeadline.IsZero() && ctxDeadline.Before(bannerDeadline) {
		bannerDeadline = ctxDeadline
		bannerWait = time.Until(ctxDeadline).Round(10 * time.Millisecond)
	}
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
		err = handshakeError(ctx, hostport, cfg, hv, lg, conn, bannerWait, err)
		if proxy != nil {
			err = proxy.explain(hostport, err)
		}
		return nil, err
	}
	raw.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// viaDialError classifies a jump host's refusal to open a channel by the
// reason it gave, since the socket error itself stays on the jump host.
func viaDialError(ctx context.Context, hostport, via string, timeout time.Duration, err error) error {
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("connect to %s via jump host %s: %w", hostport, via, ctx.Err())
	}
	e := &DialError{Addr: hostport, Via: via, Kind: DialOther, Err: err}
	msg := strings.ToLower(err.Error())
	var oce *ssh.OpenChannelError
	if errors.As(err, &oce) {
		msg = strings.ToLower(oce.Message)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind, e.Timeout = DialTimeout, timeout
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 0 {
			e.Timeout = 0
		}
	case strings.Contains(msg, "refused"):
		e.Kind = DialRefused
	case strings.Contains(msg, "timed out") || strings.Contains(msg, "timeout"):
		e.Kind = DialTimeout
	case strings.Contains(msg, "no such host") || strings.Contains(msg, "not known") ||
		strings.Contains(msg, "name resolution") || strings.Contains(msg, "getaddrinfo"):
		e.Kind = DialDNS
	}
	return e
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

// timerConn gives a connection without deadlines (an SSH channel) the one
// deadline the handshake needs: when it passes, the connection is closed
// and Read reports os.ErrDeadlineExceeded, as a socket would.
type timerConn struct {
	net.Conn
	mu      sync.Mutex
	timer   *time.Timer
	expired bool
}

func (c *timerConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if t.IsZero() || c.expired {
		return nil
	}
	c.timer = time.AfterFunc(time.Until(t), func() {
		c.mu.Lock()
		c.expired = true
		c.mu.Unlock()
		c.Conn.Close()
	})
	return nil
}

func (c *timerConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.mu.Lock()
		if c.expired {
			err = os.ErrDeadlineExceeded
		}
		c.mu.Unlock()
	}
	return n, err
}
