package transport

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// DefaultConnectTimeout bounds the TCP connect and the wait for the server's
// SSH banner when Config.ConnectTimeout is zero.
const DefaultConnectTimeout = 10 * time.Second

// Config says how to reach and log in to one appliance.
type Config struct {
	User       string
	Identities []string // private key files; nil = the usual ~/.ssh/id_* that exist
	// Password is called lazily, at most once per Dial, and only when the
	// server offers password or keyboard-interactive authentication.
	Password func() (string, error)
	// Passphrase is called for an encrypted identity file, only when the
	// server would accept that key.
	Passphrase func(file string) (string, error)
	// Certificates are OpenSSH user certificate files (ssh_config
	// CertificateFile), each offered with the private key it certifies,
	// from Identities or the agent. When there are none, a certificate
	// IDENTITY-cert.pub beside an identity file is offered after that key,
	// as ssh(1) does.
	Certificates []string
	// UseAgent asks the ssh-agent at AgentSocket for keys; the CLI sets it.
	UseAgent bool
	// IdentitiesOnly offers only the keys of Identities, also when the
	// agent holds more (ssh_config IdentitiesOnly), so that a server that
	// counts failed keys is not sent every key the agent has.
	IdentitiesOnly bool
	AgentSocket    string // ssh_config IdentityAgent; "" = $SSH_AUTH_SOCK

	KnownHostsFile string // "" = ~/.ssh/known_hosts
	// ExtraKnownHostsFiles are consulted too (ssh_config lists several);
	// new keys are still written to KnownHostsFile.
	ExtraKnownHostsFiles []string
	// GlobalKnownHostsFiles are the system's, consulted after the user's
	// and never written: nil = DefaultGlobalKnownHosts, empty = none.
	GlobalKnownHostsFiles []string
	// HashKnownHosts writes new lines with the host's name hashed, as
	// ssh(1) does under ssh_config HashKnownHosts (Debian's default).
	HashKnownHosts    bool
	AcceptNewHostKeys bool // append unknown hosts; changed keys are still rejected
	// HostKeyAlias is the name known_hosts is searched and written under
	// instead of host[:port] (ssh_config HostKeyAlias).
	HostKeyAlias string
	// InsecureIgnoreHostKey skips verification and writes a warning to Warn
	// on every Dial.
	InsecureIgnoreHostKey bool
	// LegacyAlgorithms also offers ssh-rsa host keys, SHA-1 key exchange,
	// CBC ciphers and hmac-sha1, for old AsyncOS releases.
	LegacyAlgorithms bool
	Warn             io.Writer // nil = os.Stderr

	// ConnectTimeout bounds the TCP connect and, separately, the wait for the
	// server to speak SSH up to its host key. Zero means DefaultConnectTimeout.
	// The login after that is bounded by the context only.
	ConnectTimeout time.Duration

	// Jumps are jump hosts (ssh_config ProxyJump) in the order they are
	// dialled: the first over TCP (or its ProxyCommand), each next one and
	// then the appliance through the one before. Each is verified and
	// logged in to with its own Config (whose Jumps are ignored).
	Jumps []Jump

	// ProxyCommand, when set, carries the connection instead of TCP: it
	// is run as "exec COMMAND" by $SHELL (else /bin/sh), its stdin and
	// stdout are the connection, and it is ended and reaped when the
	// connection closes, the connect timeout passes or ctx ends. Its
	// tokens are already expanded. It is not used for a host reached
	// through a jump host, as ssh -J replaces it. The host key is still
	// the appliance's, and the password may be sent: the SSH session
	// inside the command's stream is the appliance's own.
	ProxyCommand string
	// HideEnv names environment variables the ProxyCommand must not
	// inherit: the run's password variables.
	HideEnv []string
}

// Jump is one jump host on the way to an appliance.
type Jump struct {
	Addr   string // host[:port], port 22 by default
	Config Config
}

// DefaultGlobalKnownHosts are the files ssh(1) reads host keys from after
// the user's: where a site deploys its appliances' keys for everyone.
var DefaultGlobalKnownHosts = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}

func (c Config) globalKnownHosts() []string {
	if c.GlobalKnownHostsFiles == nil {
		return DefaultGlobalKnownHosts
	}
	return c.GlobalKnownHostsFiles
}

func (c Config) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}

// SplitHostPort splits "host", "host:port", "[v6]:port" or a bare IPv6
// address; the port defaults to 22.
func SplitHostPort(addr string) (host string, port int, err error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", 0, fmt.Errorf("empty address")
	}
	if strings.Count(addr, ":") > 1 && !strings.HasPrefix(addr, "[") {
		// A bare IPv6 address: its colons are not a port separator.
		if net.ParseIP(addr) == nil {
			return "", 0, fmt.Errorf("invalid address %q", addr)
		}
		return addr, 22, nil
	}
	if !strings.Contains(addr, ":") {
		return addr, 22, nil
	}
	if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
		return addr[1 : len(addr)-1], 22, nil
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("invalid address %q", addr)
	}
	if h == "" {
		return "", 0, fmt.Errorf("invalid address %q: no host", addr)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("invalid port %q in %q", p, addr)
	}
	return h, n, nil
}
