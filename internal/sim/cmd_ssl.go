package sim

import (
	"strings"
)

var (
	sslLabels      = map[string]string{"gui": "GUI HTTPS", "inbound": "Inbound SMTP", "outbound": "Outbound SMTP"}
	sslPromptNames = map[string]string{"gui": "GUI HTTPS", "inbound": "inbound SMTP", "outbound": "outbound SMTP"}
)

// sslMethods are the method menu entries and values of the two eras that
// still ask for a method.
var (
	sslMethodsPre95 = [][2]string{
		{"SSL v2.", "sslv2"}, {"SSL v3", "sslv3"}, {"TLS v1", "tlsv1"},
		{"SSL v2 and v3", "sslv2sslv3"}, {"SSL v3 and TLS v1", "sslv3tlsv1"}, {"SSL v2, v3 and TLS v1", "sslv2sslv3tlsv1"},
	}
	sslMethods95 = [][2]string{
		{"SSL v2", "sslv2"}, {"SSL v3", "sslv3"}, {"TLS v1/TLS v1.2", "tlsv1/tlsv1.2"},
		{"SSL v2 and v3", "sslv2sslv3"}, {"SSL v3 and TLS v1/TLS v1.2", "sslv3tlsv1/tlsv1.2"},
		{"SSL v2, v3 and TLS v1/TLS v1.2", "sslv2sslv3tlsv1/tlsv1.2"},
	}
	tlsVersions = []string{"TLSv1.0", "TLSv1.1", "TLSv1.2"}
)

// sslServices lists the services this appliance's sslconfig shows: SMA
// 13.8 and later has no GUI service.
func (a *appliance) sslServiceList() []string {
	if a.isSMA() && (a.spec.ver.atLeast(13, 8) || a.sslIAF() && a.spec.ver.atLeast(12, 0)) {
		return []string{"inbound", "outbound"}
	}
	return sslServices
}

// sslIAF is the [C-IAF] sslconfig of asyncos.ssl_method: every service
// asks its method on every release; only the SMA has VERSIONS.
func (a *appliance) sslIAF() bool { return *a.site.sc.AsyncOS.SSLMethod }

// sslAsksMethod: before 12.0 everywhere, and always with ssl_method.
func (a *appliance) sslAsksMethod() bool { return !a.spec.ver.atLeast(12, 0) || a.sslIAF() }

// sslHasVersions: 12.0 and later, on the SMA only with ssl_method.
func (a *appliance) sslHasVersions() bool {
	return a.spec.ver.atLeast(12, 0) && (!a.sslIAF() || a.isSMA())
}

// sslAsksRenegotiation: 12.0+ for every service, or with ssl_method
// [C-IAF] ESA 13.0+ for GUI and inbound only.
func (a *appliance) sslAsksRenegotiation(svc string) bool {
	if a.sslIAF() {
		return !a.isSMA() && a.spec.ver.atLeast(13, 0) && svc != "outbound"
	}
	return a.spec.ver.atLeast(12, 0)
}

func (s *session) sslBlock() {
	v := s.a.spec.ver
	s.out("sslconfig settings:\n")
	for _, svc := range s.a.sslServiceList() {
		label := sslLabels[svc]
		method, ciphers := s.get("ssl."+svc+".method"), s.get("ssl."+svc+".ciphers")
		switch {
		case !v.atLeast(9, 5):
			s.printf("%s method:  %s\n%s ciphers: %s\n", label, method, label, ciphers)
		default:
			if s.a.sslAsksMethod() {
				s.printf("  %s method:  %s\n", label, method)
			}
			s.printf("  %s ciphers:\n", label)
			for _, tok := range strings.Split(ciphers, ":") {
				if tok != "" {
					s.printf("    %s\n", tok)
				}
			}
		}
	}
	if s.a.sslHasVersions() {
		s.out("\n")
		for _, svc := range s.a.sslServiceList() {
			s.printf("Currently enabled protocol(s) for %s are %s.\n", sslLabels[svc], s.get("ssl."+svc+".versions"))
		}
	}
	s.out("\n")
}

func (s *session) cmdSSLConfig(args []string) error {
	if done, err := s.levelHeader("sslconfig"); done || err != nil {
		return err
	}
	for {
		s.sslBlock()
		var ops [][2]string
		for _, svc := range s.a.sslServiceList() {
			ops = append(ops, [2]string{strings.ToUpper(svc), "Edit " + sslLabels[svc] + " ssl settings."})
		}
		if s.a.sslHasVersions() {
			ops = append(ops, [2]string{"VERSIONS", "Enable or disable SSL/TLS versions."})
		}
		ops = append(ops, [2]string{"VERIFY", "Verify and show ssl cipher list."})
		op, err := s.menu("sslconfig.menu", ops)
		if err != nil || op == "" {
			return err
		}
		s.out("\n")
		switch op {
		case "VERIFY":
			err = s.sslVerify()
		case "VERSIONS":
			if s.a.sslHasVersions() {
				err = s.sslVersions()
			}
		default:
			for _, svc := range s.a.sslServiceList() {
				if op == strings.ToUpper(svc) {
					err = s.sslEdit(svc)
				}
			}
		}
		if err != nil {
			return err
		}
		s.out("\n")
	}
}

// sslEdit asks for a service's method (before 12.0), cipher and (12.0 and
// later) renegotiation, then records them as pending.
func (s *session) sslEdit(svc string) error {
	v := s.a.spec.ver
	name := sslPromptNames[svc]
	method := s.get("ssl." + svc + ".method")
	if s.a.sslAsksMethod() {
		menu := sslMethods95
		if !v.atLeast(9, 5) {
			menu = sslMethodsPre95
		}
		labels := make([]string, len(menu))
		def := 3
		for i, m := range menu {
			labels[i] = m[0]
			if m[1] == method {
				def = i + 1
			}
		}
		i, err := s.choose("sslconfig.method", "Enter the "+name+" ssl method you want to use.", labels, def)
		if err != nil {
			return err
		}
		method = menu[i][1]
		s.out("\n")
	}
	ciphers, err := s.ask("sslconfig.cipher", "Enter the "+name+" ssl cipher you want to use.\n", s.get("ssl."+svc+".ciphers"))
	if err != nil {
		return err
	}
	reneg := s.get("ssl." + svc + ".renegotiation")
	if s.a.sslAsksRenegotiation(svc) {
		s.out("\n")
		word := "renegotiation"
		if s.a.sslIAF() {
			word = "Renegotiation"
		}
		yes, err := s.askYN("sslconfig.renegotiation", "Do you want to enable TLS "+word+" for "+name+"?", reneg == "Yes")
		if err != nil {
			return err
		}
		reneg = map[bool]string{true: "Yes", false: "No"}[yes]
		s.set("ssl."+svc+".renegotiation", reneg)
	}
	if s.a.sslAsksMethod() {
		s.set("ssl."+svc+".method", method)
	}
	s.set("ssl."+svc+".ciphers", ciphers)
	return nil
}

func (s *session) sslVerify() error {
	spec, err := s.ask("sslconfig.verify", "Enter the ssl cipher you want to verify.\n", "")
	if err != nil || spec == "" {
		return err
	}
	s.out("\n")
	for _, c := range evalCiphers(spec) {
		s.out(c.verifyLine() + "\n")
	}
	return nil
}

// sslVersions toggles one TLS version of one service [I].
func (s *session) sslVersions() error {
	svcs := s.a.sslServiceList()
	labels := make([]string, len(svcs))
	for i, svc := range svcs {
		labels[i] = sslLabels[svc]
	}
	i, err := s.choose("sslconfig.versions", "Choose the service for which you want to enable or disable SSL/TLS versions:", labels, 0)
	if err != nil || i < 0 {
		return err
	}
	svc := svcs[i]
	cur := s.get("ssl." + svc + ".versions")
	s.printf("\nCurrently enabled protocol(s) for %s are %s.\n\n", labels[i], cur)
	j, err := s.choose("sslconfig.versions", "To change the setting for a specific protocol, select an option below:", tlsVersions, 0)
	if err != nil || j < 0 {
		return err
	}
	on := map[string]bool{}
	for _, v := range strings.Split(cur, ", ") {
		on[v] = v != ""
	}
	on[tlsVersions[j]] = !on[tlsVersions[j]]
	var list []string
	for _, v := range tlsVersions {
		if on[v] {
			list = append(list, v)
		}
	}
	if len(list) == 0 {
		s.out("\nAt least one protocol must be enabled.\n")
		return nil
	}
	s.set("ssl."+svc+".versions", strings.Join(list, ", "))
	return nil
}
