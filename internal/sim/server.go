package sim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Options tune how a site is served.
type Options struct {
	// Latency holds back each reply (the answer to one line of input).
	Latency time.Duration
	// HostKeyFile is a private key file used as every appliance's host key;
	// empty means a fresh ed25519 key per appliance.
	HostKeyFile string
	// AuthorizedKeys are extra public keys accepted for every user.
	AuthorizedKeys []ssh.PublicKey
	// Legacy plays an old AsyncOS: ssh-rsa host key only, SHA-1 Diffie-Hellman
	// key exchange, CBC ciphers and hmac-sha1.
	Legacy bool
	// Mode is "" (AsyncOS), "shell" (a plain bash-like `$ ` prompt) or
	// "silent" (accepts TCP, never speaks SSH).
	Mode string
	// Fault injects failures for fix tests.
	Fault Fault
	// Listen is the address of the first appliance ("127.0.0.1:0" when
	// empty); with a fixed port the others take the following ports.
	Listen string
}

// Fault names a prompt (see doc.go for the list) at which to misbehave.
type Fault struct {
	// DropAt drops the SSH connection when this prompt is about to be shown.
	DropAt string
	// ExtraPrompt injects an unexpected yes/no question before this prompt.
	ExtraPrompt string
	// StallAt holds the session before this prompt until Site.Release or
	// the end of its connection, as a stopped process would.
	StallAt string
}

// Appliance is how a client reaches one simulated appliance.
type Appliance struct {
	Role     string // "esa" or "sma"
	Hostname string
	Addr     string // 127.0.0.1:port
	User     string
	Password string
	HostKey  ssh.PublicKey
}

// Site is a running simulated deployment.
type Site struct {
	sc     *Scenario
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	apps   []*appliance

	mu       sync.Mutex
	conns    map[net.Conn]bool
	nextSID  int
	closed   bool
	closeErr error
	stall    stallGate
}

// appliance is the live state of one simulated appliance.
type appliance struct {
	site    *Site
	spec    *ApplianceSpec
	store   *store
	cluster *cluster // nil when standalone
	ln      net.Listener
	signer  ssh.Signer
	config  *ssh.ServerConfig

	mu                 sync.Mutex
	status             string
	transfersSuspended bool
	sessions           map[int]*session
	passwordChanged    []string // users who changed their password in a session
}

func (a *appliance) isSMA() bool { return a.spec.role == "sma" }

// chain is the level lookup order for this machine.
func (a *appliance) chain() []string {
	if a.cluster == nil {
		return []string{"machine:" + a.spec.Hostname}
	}
	return []string{"machine:" + a.spec.Hostname, "group:" + a.cluster.groupOf[a.spec.Hostname], "cluster"}
}

// Start serves every appliance of the scenario, each on its own listener.
func Start(ctx context.Context, sc *Scenario, opts Options) (*Site, error) {
	if sc == nil || sc.SMA == nil {
		return nil, errors.New("start site: no scenario")
	}
	switch opts.Mode {
	case "", "shell", "silent":
	default:
		return nil, fmt.Errorf("start site: unknown mode %q", opts.Mode)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Site{sc: sc, opts: opts, ctx: ctx, cancel: cancel, conns: map[net.Conn]bool{}}
	if err := s.build(); err != nil {
		cancel()
		return nil, fmt.Errorf("start site: %w", err)
	}
	if err := s.listen(); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("start site: %w", err)
	}
	for _, a := range s.apps {
		s.wg.Add(1)
		go a.acceptLoop()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		<-ctx.Done()
		s.shutdown()
	}()
	return s, nil
}

func (s *Site) build() error {
	var fileKey ssh.Signer
	if s.opts.HostKeyFile != "" {
		pem, err := os.ReadFile(s.opts.HostKeyFile)
		if err != nil {
			return fmt.Errorf("read host key: %w", err)
		}
		if fileKey, err = ssh.ParsePrivateKey(pem); err != nil {
			return fmt.Errorf("parse host key %s: %w", s.opts.HostKeyFile, err)
		}
	}
	var legacyKey ssh.Signer
	if s.opts.Legacy && fileKey == nil {
		// One RSA key for the whole site: generating one per appliance is
		// slow and buys nothing.
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return fmt.Errorf("generate host key: %w", err)
		}
		if legacyKey, err = ssh.NewSignerFromKey(k); err != nil {
			return fmt.Errorf("host key: %w", err)
		}
	}
	var specs []*ApplianceSpec
	for i := range s.sc.ESAs {
		specs = append(specs, &s.sc.ESAs[i])
	}
	specs = append(specs, s.sc.SMA)
	for _, spec := range specs {
		a := &appliance{site: s, spec: spec, status: spec.Status, transfersSuspended: spec.TransfersSuspended, sessions: map[int]*session{}}
		signer := fileKey
		if signer == nil {
			signer = legacyKey
		}
		if signer == nil {
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return fmt.Errorf("generate host key: %w", err)
			}
			if signer, err = ssh.NewSignerFromKey(priv); err != nil {
				return fmt.Errorf("host key: %w", err)
			}
		}
		if s.opts.Legacy {
			as, ok := signer.(ssh.AlgorithmSigner)
			if !ok || signer.PublicKey().Type() != ssh.KeyAlgoRSA {
				return errors.New("legacy mode needs an RSA host key")
			}
			ms, err := ssh.NewSignerWithAlgorithms(as, []string{ssh.KeyAlgoRSA})
			if err != nil {
				return fmt.Errorf("host key: %w", err)
			}
			signer = ms
		}
		a.signer = signer
		a.config = a.serverConfig()
		s.apps = append(s.apps, a)
	}
	s.buildStores()
	return nil
}

// buildStores seeds the committed configuration. Cluster members share one
// store: the first member's settings become the cluster level, and where a
// later member differs, its value becomes a machine-level override.
func (s *Site) buildStores() {
	var cl *cluster
	if cs := s.sc.Cluster; cs != nil {
		cl = &cluster{spec: cs, store: newStore(), groupOf: map[string]string{}}
		for _, g := range cs.Groups {
			for _, m := range g.Machines {
				cl.groupOf[m] = g.Name
				for _, a := range s.apps {
					if a.spec.Hostname == m {
						cl.members = append(cl.members, a)
					}
				}
			}
		}
		member := map[string]bool{}
		for m := range cl.groupOf {
			member[m] = true
		}
		for _, set := range levelSettings {
			defs, ok := cs.Levels[set.key]
			if !ok {
				defs = []string{"cluster"}
			}
			for _, d := range defs {
				lvl, _ := cs.levelKey(d, member)
				cl.store.setCommitted(lvl, "level."+set.key, "defined")
			}
		}
		var base map[string]string
		for _, m := range cl.members {
			kv := configOf(m.spec)
			if base == nil {
				base = kv
				for k, v := range kv {
					cl.store.setCommitted("cluster", k, v)
				}
				continue
			}
			for k, v := range kv {
				if base[k] != v {
					cl.store.setCommitted("machine:"+m.spec.Hostname, k, v)
				}
			}
		}
	}
	for _, a := range s.apps {
		if cl != nil && cl.groupOf[a.spec.Hostname] != "" {
			a.cluster, a.store = cl, cl.store
			continue
		}
		a.store = newStore()
		for k, v := range configOf(a.spec) {
			a.store.setCommitted("machine:"+a.spec.Hostname, k, v)
		}
		for k, v := range servicesConfig(a.spec) {
			a.store.setCommitted("machine:"+a.spec.Hostname, k, v)
		}
	}
}

func (a *appliance) serverConfig() *ssh.ServerConfig {
	opts := a.site.opts
	cfg := &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-OpenSSH_8.0",
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			u := a.user(c.User())
			if u != nil && u.Password != "" && subtle.ConstantTimeCompare([]byte(u.Password), pw) == 1 {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("authentication failed")
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			u := a.user(c.User())
			if u == nil {
				return nil, errors.New("unknown user")
			}
			want := key.Marshal()
			for _, k := range opts.AuthorizedKeys {
				if bytes.Equal(k.Marshal(), want) {
					return &ssh.Permissions{}, nil
				}
			}
			for _, line := range u.AuthorizedKeys {
				if k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil && bytes.Equal(k.Marshal(), want) {
					return &ssh.Permissions{}, nil
				}
			}
			return nil, errors.New("key not authorized")
		},
	}
	if opts.Legacy {
		cfg.ServerVersion = "SSH-2.0-OpenSSH_5.9"
		cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1}
		cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC}
		cfg.MACs = []string{ssh.HMACSHA1}
	}
	cfg.AddHostKey(a.signer)
	return cfg
}

func parseAuthorizedKey(line string) (ssh.PublicKey, string, []string, []byte, error) {
	return ssh.ParseAuthorizedKey([]byte(line))
}

func (a *appliance) user(name string) *UserSpec {
	for i := range a.spec.Users {
		if a.spec.Users[i].Name == name {
			return &a.spec.Users[i]
		}
	}
	return nil
}

func (s *Site) listen() error {
	listen := s.opts.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q: only loopback is allowed", listen)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535-len(s.apps) {
		return fmt.Errorf("listen address %q: bad port", listen)
	}
	for i, a := range s.apps {
		p := 0
		if port != 0 {
			p = port + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			return fmt.Errorf("listen for %s: %w", a.spec.Hostname, err)
		}
		a.ln = ln
	}
	return nil
}

func (a *appliance) acceptLoop() {
	s := a.site
	defer s.wg.Done()
	for {
		nc, err := a.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(nc) {
			nc.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(nc)
			a.serveConn(nc)
		}()
	}
}

func (s *Site) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = true
	return true
}

func (s *Site) untrack(nc net.Conn) {
	s.mu.Lock()
	delete(s.conns, nc)
	s.mu.Unlock()
	nc.Close()
}

func (s *Site) newSID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextSID++
	return s.nextSID
}

func (a *appliance) serveConn(nc net.Conn) {
	if a.site.opts.Mode == "silent" {
		// Accept the TCP connection and never speak: read until the client
		// gives up or the site closes (shutdown closes nc).
		buf := make([]byte, 512)
		for {
			if _, err := nc.Read(buf); err != nil {
				return
			}
		}
	}
	sconn, chans, reqs, err := ssh.NewServerConn(nc, a.config)
	if err != nil {
		return
	}
	defer sconn.Close()
	a.site.wg.Add(1)
	go func() {
		defer a.site.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	var wg sync.WaitGroup
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.handleChannel(sconn, ch, creqs)
		}()
	}
	wg.Wait()
}

// shutdown stops listeners and drops every connection.
func (s *Site) shutdown() {
	s.mu.Lock()
	s.closed = true
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, a := range s.apps {
		if a.ln != nil {
			a.ln.Close()
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// Close stops listeners and sessions and waits for every goroutine.
func (s *Site) Close() error {
	s.cancel()
	s.shutdown()
	s.wg.Wait()
	return nil
}

// Appliances lists every appliance: the ESAs in scenario order, then the SMA.
func (s *Site) Appliances() []Appliance {
	out := make([]Appliance, 0, len(s.apps))
	for _, a := range s.apps {
		ap := Appliance{Role: a.spec.role, Hostname: a.spec.Hostname, HostKey: a.signer.PublicKey()}
		if a.ln != nil {
			ap.Addr = a.ln.Addr().String()
		}
		if len(a.spec.Users) > 0 {
			ap.User, ap.Password = a.spec.Users[0].Name, a.spec.Users[0].Password
		}
		out = append(out, ap)
	}
	return out
}

// SMAPVOHost is the address ESAs should telnet or tlsverify for PVO.
func (s *Site) SMAPVOHost() string {
	return s.sc.SMA.pvoInterface().addr()
}

// PVOPort is the SMA's cpq_listener port in this scenario.
func (s *Site) PVOPort() int { return s.sc.PVOPort }

// Scenario returns the scenario the site serves.
func (s *Site) Scenario() *Scenario { return s.sc }

// KnownHosts returns known_hosts lines for every appliance.
func (s *Site) KnownHosts() []byte {
	var b bytes.Buffer
	for _, ap := range s.Appliances() {
		b.WriteString(knownhosts.Line([]string{ap.Addr}, ap.HostKey))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (s *Site) appliance(host string) *appliance {
	for _, a := range s.apps {
		if strings.EqualFold(a.spec.Hostname, host) {
			return a
		}
	}
	return nil
}

// Snapshot dumps one appliance's committed configuration and runtime state
// and every pending change of its sessions, deterministically.
func (s *Site) Snapshot(hostname string) string {
	a := s.appliance(hostname)
	if a == nil {
		return ""
	}
	a.mu.Lock()
	status, ts := a.status, a.transfersSuspended
	changed := strings.Join(a.passwordChanged, ", ")
	a.mu.Unlock()
	committed, pending, _ := a.store.dump(a.spec.Hostname, a.chain())
	var b strings.Builder
	fmt.Fprintf(&b, "appliance %s (%s %s)\n", a.spec.Hostname, a.spec.role, a.spec.Version)
	fmt.Fprintf(&b, "status: %s\n", status)
	if changed != "" {
		fmt.Fprintf(&b, "password changed: %s\n", changed)
	}
	if a.isSMA() {
		fmt.Fprintf(&b, "transfers_suspended: %t\n", ts)
	}
	if a.cluster != nil {
		var levels []string
		for _, set := range levelSettings {
			var at []string
			for _, l := range a.cluster.allLevels() {
				if a.store.definedAt(-1, l, "level."+set.key) {
					at = append(at, l)
				}
			}
			levels = append(levels, fmt.Sprintf("  %s: %s", set.key, strings.Join(at, ", ")))
		}
		b.WriteString("setting levels:\n" + strings.Join(levels, "\n") + "\n")
	}
	b.WriteString("committed:\n")
	for _, l := range committed {
		b.WriteString(l + "\n")
	}
	b.WriteString("pending:\n")
	for _, l := range pending {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// Pending reports whether any session on the appliance has uncommitted changes.
func (s *Site) Pending(hostname string) bool {
	a := s.appliance(hostname)
	if a == nil {
		return false
	}
	_, _, any := a.store.dump(a.spec.Hostname, nil)
	return any
}

// allLevels lists every level of the cluster: cluster, groups, machines.
func (c *cluster) allLevels() []string {
	out := []string{"cluster"}
	for _, g := range c.spec.Groups {
		out = append(out, "group:"+g.Name)
	}
	for _, m := range c.members {
		out = append(out, "machine:"+m.spec.Hostname)
	}
	return out
}

func (i *InterfaceSpec) addr() string {
	a, _, _ := strings.Cut(i.Address, "/")
	return a
}
