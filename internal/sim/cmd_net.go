package sim

import (
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// resolve finds a telnet/tlsverify target inside the scenario. A name no
// appliance answers to fails like DNS; an unknown IP is a black hole.
func (a *appliance) resolve(host string) (ip string, peer *appliance, dnsFail bool) {
	if addr, err := netip.ParseAddr(host); err == nil {
		for _, p := range a.site.apps {
			for _, i := range p.spec.Interfaces {
				if i.addr() == addr.String() {
					return addr.String(), p, false
				}
			}
		}
		return addr.String(), nil, false
	}
	for _, p := range a.site.apps {
		if strings.EqualFold(p.spec.Hostname, host) {
			if p.isSMA() {
				return p.spec.pvoInterface().addr(), p, false
			}
			return p.spec.Interfaces[0].addr(), p, false
		}
		for _, i := range p.spec.Interfaces {
			if strings.EqualFold(i.Hostname, host) {
				return i.addr(), p, false
			}
		}
	}
	return "", nil, true
}

// reach says what a connection from the interface labelled iface ("Auto"
// or a name) to peer:port does: connect, refused, timeout or hang.
func (a *appliance) reach(iface string, peer *appliance, port int) string {
	if peer == nil {
		return "timeout"
	}
	if !peer.isSMA() {
		return a.reachESA(peer, port)
	}
	sc := a.site.sc
	lookup := func(m map[string]string) (string, bool) {
		for k, v := range m {
			if strings.EqualFold(k, iface) {
				return v, true
			}
		}
		return "", false
	}
	r, ok := "", false
	if port == sc.SpamPort {
		r, ok = lookup(a.spec.ReachSpam)
	}
	if !ok {
		if r, ok = lookup(a.spec.Reach); !ok {
			r = "connect"
		}
	}
	if r != "connect" {
		return r
	}
	if peer.listens(port) {
		return "connect"
	}
	return "refused"
}

// sourceIP is the address a connection from iface leaves from; Auto picks
// the configured auto interface, else one on the target's subnet, else the
// first interface.
func (a *appliance) sourceIP(iface, target string) string {
	if iface != "Auto" {
		if i := a.spec.iface(iface); i != nil {
			return i.addr()
		}
	}
	if a.spec.AutoInterface != "" {
		return a.spec.iface(a.spec.AutoInterface).addr()
	}
	if t, err := netip.ParseAddr(target); err == nil {
		for _, i := range a.spec.Interfaces {
			if a.spec.prefixes[strings.ToLower(i.Name)].Contains(t) {
				return i.addr()
			}
		}
	}
	return a.spec.Interfaces[0].addr()
}

func (s *session) cmdTelnet(args []string) error {
	iface, host, port := "Auto", "", 25
	if len(args) >= 2 {
		host = args[1]
		if len(args) >= 3 {
			p, err := strconv.Atoi(args[2])
			if err != nil || p < 1 || p > 65535 {
				s.printf("Invalid arguments when processing telnet: bad port %s\n", args[2])
				return nil
			}
			port = p
		}
	} else {
		i, err := s.choose("telnet.interface", "Please select which interface you want to telnet from.", s.a.interfaceItems(), 1)
		if err != nil {
			return err
		}
		if i > 0 {
			iface = s.a.spec.Interfaces[i-1].Name
		}
		for host == "" {
			if host, err = s.ask("telnet.host", "\nEnter the remote hostname or IP address.\n", ""); err != nil {
				return err
			}
		}
		for {
			ans, err := s.ask("telnet.port", "\nEnter the remote port.\n", "25")
			if err != nil {
				return err
			}
			if p, err := strconv.Atoi(ans); err == nil && p >= 1 && p <= 65535 {
				port = p
				break
			}
			s.out("\nPlease enter a number from 1 to 65535.\n")
		}
		s.out("\n")
	}
	ip, peer, dnsFail := s.a.resolve(host)
	if dnsFail {
		s.printf("telnet: %s: hostname nor servname provided, or not known\n", host)
		return nil
	}
	s.printf("Trying %s...\n", ip)
	switch s.a.reach(iface, peer, port) {
	case "refused":
		s.printf("telnet: connect to address %s: Connection refused\ntelnet: Unable to connect to remote host\n", ip)
		return nil
	case "timeout":
		s.printf("telnet: connect to address %s: Operation timed out\ntelnet: Unable to connect to remote host\n", ip)
		return nil
	case "hang":
		return s.waitInterrupt()
	}
	s.printf("Connected to %s.\nEscape character is '^]'.\n", ip)
	if port == 22 {
		s.out("SSH-2.0-OpenSSH_8.0\n")
	} else {
		s.printf("220 %s ESMTP\n", peer.spec.Hostname)
	}
	for {
		line, err := s.readLine()
		if errors.Is(err, errInterrupt) || errors.Is(err, io.EOF) {
			s.out("Connection closed by foreign host.\n")
			return nil
		}
		if err != nil {
			return err
		}
		verb := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case verb == "QUIT":
			s.printf("221 %s Service closing transmission channel\nConnection closed by foreign host.\n", peer.spec.Hostname)
			return nil
		case strings.HasPrefix(verb, "HELO"), strings.HasPrefix(verb, "EHLO"):
			s.printf("250 %s\n", peer.spec.Hostname)
		case verb == "NOOP":
			s.out("250 OK\n")
		default:
			s.out("500 #5.5.1 command not recognized\n")
		}
	}
}

func (s *session) cmdTLSVerify(args []string) error {
	var domain, dest string
	if len(args) >= 3 {
		domain, dest = args[1], args[2]
	} else {
		var err error
		for domain == "" {
			if domain, err = s.ask("tlsverify.domain", "Enter the TLS domain to verify against:\n", ""); err != nil {
				return err
			}
		}
		if dest, err = s.ask("tlsverify.host", "\nEnter the destination host to connect to. Append the port (example.com:26) if you are not connecting on port 25:\n", domain); err != nil {
			return err
		}
		s.out("\n")
	}
	host, port := dest, 25
	if h, p, ok := strings.Cut(dest, ":"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			s.printf("Invalid port: %s\n", p)
			return nil
		}
		host, port = h, n
	}
	failed := func(ip string) {
		s.printf("\nFailed to connect to [%s].\nTLS verification completed.\n", ip)
	}
	ip, peer, dnsFail := s.a.resolve(host)
	s.printf("Connecting to %s on port %d.\n", firstNonEmpty(ip, host), port)
	if dnsFail {
		s.printf("Could not resolve %s: hostname nor servname provided, or not known.\n", host)
		failed(host)
		return nil
	}
	// tlsverify leaves from the default delivery interface as committed:
	// pending changes do not take effect on AsyncOS.
	iface := s.a.committed("delivery.interface")
	switch s.a.reach(iface, peer, port) {
	case "refused":
		s.printf("Connection to %s failed: Connection refused.\n", ip)
		failed(ip)
		return nil
	case "timeout", "hang":
		s.printf("Connection to %s failed: Operation timed out.\n", ip)
		failed(ip)
		return nil
	}
	s.printf("Connected to %s from interface %s.\n", ip, s.a.sourceIP(iface, ip))
	s.out("Checking TLS connection.\n")
	tls12 := s.a.outboundTLS12() && peer.spec.ver.atLeast(9, 5)
	anon, cert := false, true
	if peer.isSMA() {
		anon, cert = peer.spec.AnonymousCiphers, *peer.spec.Certificate
	}
	c, ok := negotiate(s.a.committed("ssl.outbound.ciphers"), tls12, anon, cert)
	if !ok {
		s.printf("TLS connection to %s failed: no shared cipher.\nTLS was required but could not be successfully negotiated.\n", ip)
		failed(ip)
		return nil
	}
	proto := "TLSv1"
	if tls12 {
		proto = "TLSv1.2"
	}
	s.printf("TLS connection established: protocol %s, cipher %s.\nVerifying peer certificate.\n", proto, c.name)
	if c.anonymous() || !cert {
		s.printf("Certificate verification failed: no certificate from server.\nTLS connection to %s failed: verify error.\nTLS was required but could not be successfully negotiated.\n", ip)
		failed(ip)
		return nil
	}
	cn := peer.spec.Hostname
	s.printf("Verifying certificate common name %s.\nTLS certificate match %s.\nTLS certificate verified.\nTLS connection to %s succeeded.\n\nTLS successfully connected to [%s].\nTLS verification completed.\n", cn, cn, ip, ip)
	return nil
}

// outboundTLS12 reports whether the committed outbound settings allow TLS 1.2.
func (a *appliance) outboundTLS12() bool {
	v := a.spec.ver
	switch {
	case !v.atLeast(9, 5):
		return false
	case !v.atLeast(12, 0):
		return strings.Contains(a.committed("ssl.outbound.method"), "tlsv1.2")
	}
	return strings.Contains(a.committed("ssl.outbound.versions"), "TLSv1.2")
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
