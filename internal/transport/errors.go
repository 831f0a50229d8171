package transport

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// DialFailure classifies why the TCP connection could not be made.
type DialFailure string

const (
	DialRefused DialFailure = "refused"
	DialTimeout DialFailure = "timeout"
	DialDNS     DialFailure = "dns"
	DialOther   DialFailure = "other"
)

// DialError is a failed TCP connect.
type DialError struct {
	Addr    string // host:port
	Via     string // the jump host that tried to connect; "" = this machine
	Kind    DialFailure
	Timeout time.Duration // set for DialTimeout
	Err     error
}

func (e *DialError) Error() string {
	to := e.Addr
	if e.Via != "" {
		to += " via jump host " + e.Via
	}
	switch e.Kind {
	case DialRefused:
		return fmt.Sprintf("connect to %s: connection refused", to)
	case DialTimeout:
		if e.Timeout == 0 {
			return fmt.Sprintf("connect to %s: timed out", to)
		}
		return fmt.Sprintf("connect to %s: no answer within %s", to, e.Timeout)
	case DialDNS:
		return fmt.Sprintf("connect to %s: cannot resolve host name", to)
	}
	return fmt.Sprintf("connect to %s: %v", to, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// NotSSHError means the TCP connection opened but no SSH banner came.
type NotSSHError struct {
	Addr    string
	Timeout time.Duration // set when the server stayed silent
	Got     string        // the start of what it sent instead, if anything
	Err     error
}

func (e *NotSSHError) Error() string {
	if e.Got != "" {
		return fmt.Sprintf("%s is not an ssh server (it sent %q)", e.Addr, e.Got)
	}
	if e.Timeout > 0 {
		return fmt.Sprintf("%s did not speak ssh within %s", e.Addr, e.Timeout)
	}
	return fmt.Sprintf("%s closed the connection before the ssh banner", e.Addr)
}

func (e *NotSSHError) Unwrap() error { return e.Err }

// HostKeyProblem says what is wrong with a host key.
type HostKeyProblem string

const (
	HostKeyUnknown HostKeyProblem = "unknown"
	HostKeyChanged HostKeyProblem = "changed"
	HostKeyRevoked HostKeyProblem = "revoked"
)

// HostKeyError is a host key that known_hosts does not vouch for.
type HostKeyError struct {
	Host        string // as known_hosts names it: host or [host]:port
	Problem     HostKeyProblem
	KeyType     string // of the key the server offered; "" if none was offered
	Fingerprint string // SHA256:… of the offered key; "" if none was offered
	// For a changed or revoked key: the known_hosts entry that disagrees.
	KnownHostsFile string
	KnownHostsLine int
	KnownType      string
	// ServerTypes lists the host key algorithms the server offered, when it
	// offered none of the recorded type (so no fingerprint is at hand).
	ServerTypes []string
	Err         error
}

func (e *HostKeyError) Error() string {
	switch e.Problem {
	case HostKeyChanged:
		where := fmt.Sprintf("%s:%d", e.KnownHostsFile, e.KnownHostsLine)
		if e.Fingerprint == "" {
			return fmt.Sprintf("host key for %s changed: %s records a %s key but the server offers only %s; if the change is expected, remove that line or use --known-hosts",
				e.Host, where, e.KnownType, strings.Join(e.ServerTypes, ","))
		}
		return fmt.Sprintf("host key for %s changed: server offers %s %s, %s records another; if the change is expected, remove that line or use --known-hosts",
			e.Host, e.KeyType, e.Fingerprint, where)
	case HostKeyRevoked:
		return fmt.Sprintf("host key %s for %s is revoked at %s:%d", e.Fingerprint, e.Host, e.KnownHostsFile, e.KnownHostsLine)
	}
	return fmt.Sprintf("unknown host key for %s (%s %s); verify it, then use --accept-new-host-keys or --known-hosts",
		e.Host, e.KeyType, e.Fingerprint)
}

func (e *HostKeyError) Unwrap() error { return e.Err }

// AuthError is a login the server refused. It never holds a secret.
type AuthError struct {
	User    string
	Addr    string
	Tried   []string // methods this client attempted, in order
	Allowed []string // methods the server said it accepts
	Reason  string   // e.g. a passphrase or password callback failure
	Err     error
}

func (e *AuthError) Error() string {
	tried := "no method"
	if len(e.Tried) > 0 {
		tried = strings.Join(e.Tried, ", ")
	}
	msg := fmt.Sprintf("login as %s on %s failed (tried %s", e.User, e.Addr, tried)
	if len(e.Allowed) > 0 {
		msg += "; server accepts " + strings.Join(e.Allowed, ", ")
	}
	msg += ")"
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func (e *AuthError) Unwrap() error { return e.Err }

// NegotiationError is a handshake that found no algorithm both sides accept.
type NegotiationError struct {
	Addr          string
	What          string   // "key exchange", "host key", "client to server cipher", …
	ServerOffered []string // what the server offered for What
	WeOffered     []string
	Legacy        bool // whether --legacy-ssh-algorithms was already on
	Err           error
}

func (e *NegotiationError) Error() string {
	msg := fmt.Sprintf("no common ssh %s algorithm with %s (server offers %s)",
		e.What, e.Addr, strings.Join(e.ServerOffered, ","))
	if !e.Legacy {
		msg += "; --legacy-ssh-algorithms enables older ones"
	}
	return msg
}

func (e *NegotiationError) Unwrap() error { return e.Err }

// JumpError is a failure at a jump host: reaching it, its host key or the
// login there. Err is the typed error (*DialError, *HostKeyError,
// *AuthError, …); a failure to reach the appliance from the last jump
// host is a *DialError with Via set instead.
type JumpError struct {
	Hop  int    // 1-based position in Config.Jumps
	Hops int    // len(Config.Jumps)
	Addr string // the jump host, host:port
	Err  error
}

func (e *JumpError) Error() string {
	return fmt.Sprintf("jump host %s (%d of %d): %v", e.Addr, e.Hop, e.Hops, e.Err)
}

func (e *JumpError) Unwrap() error { return e.Err }

// ProxyError is a ProxyCommand that did not carry an SSH connection: it did
// not start, or it ended, stayed silent or sent something else before the
// server's SSH banner. Failures after the banner (host key, login) are the
// appliance's own errors.
type ProxyError struct {
	Addr    string        // the appliance the command was to reach, host:port
	Exit    string        // how it ended, e.g. "exit status 1"; "" = it was stopped, or never started
	Stderr  string        // the end of what it wrote to stderr, its last lines joined by " | "
	Timeout time.Duration // set when it sent nothing within the connect timeout
	Got     string        // the start of what it sent instead of an SSH banner
	Err     error
}

func (e *ProxyError) Error() string {
	msg := "ProxyCommand for " + e.Addr
	switch {
	case e.Got != "":
		msg += fmt.Sprintf(" did not carry ssh (it sent %q)", e.Got)
	case e.Timeout > 0:
		msg += fmt.Sprintf(" sent no ssh banner within %s", e.Timeout)
	case e.Exit != "":
		msg += " ended (" + e.Exit + ") before the ssh banner"
	case errors.Is(e.Err, io.EOF):
		msg += " closed its output before the ssh banner"
	default:
		msg += fmt.Sprintf(": %v", e.Err)
	}
	if e.Stderr != "" {
		msg += fmt.Sprintf("; its stderr ends: %q", e.Stderr)
	}
	return msg
}

func (e *ProxyError) Unwrap() error { return e.Err }
