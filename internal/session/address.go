package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/transport"
)

// Address is a TCP endpoint: a host name or IP address and a port.
type Address struct {
	Host string
	Port int
}

// String is HOST:PORT, with an IPv6 address in brackets.
func (a Address) String() string {
	if strings.Contains(a.Host, ":") {
		return "[" + a.Host + "]:" + strconv.Itoa(a.Port)
	}
	return a.Host + ":" + strconv.Itoa(a.Port)
}

// ParseAddress reads HOST, HOST:PORT, [IPV6] or [IPV6]:PORT; a bare IPv6
// address is a host whose colons are no port separator. Without a port
// it is defaultPort.
func ParseAddress(s string, defaultPort int) (Address, error) {
	s = strings.TrimSpace(s)
	host, port, err := transport.SplitHostPort(s)
	if err != nil {
		return Address{}, err
	}
	if !PortGiven(s) {
		port = defaultPort
	}
	if port < 1 || port > 65535 {
		return Address{}, fmt.Errorf("invalid port %d in %q", port, s)
	}
	return Address{Host: host, Port: port}, nil
}

// PortGiven reports whether an address as ParseAddress reads it names a
// port: a bare IPv6 address, a bracketed one alone, or a host alone do not.
func PortGiven(s string) bool {
	s = strings.TrimSpace(s)
	bareV6 := strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[")
	return !bareV6 && strings.Contains(s, ":") && !strings.HasSuffix(s, "]")
}
