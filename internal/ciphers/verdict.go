package ciphers

import "strings"

// SafeOutbound is Cisco's outbound cipher string for case 4: everything the
// old default allowed, minus anonymous suites and SSLv2. The rule that
// proposes it and the fix that types it both use this one definition.
const SafeOutbound = "HIGH:MEDIUM:ALL:-aNULL:-SSLv2"

// Tri is a three-valued answer: a string the analyser cannot fully decide
// is Unknown, never a guessed No.
type Tri string

const (
	Unknown Tri = "unknown"
	Yes     Tri = "yes"
	No      Tri = "no"
)

// Verdict is the analyser's answer to "does this string admit anonymous
// (aNULL) suites?", with the sentence that explains it.
type Verdict struct {
	AdmitsANULL Tri
	Reason      string
}

// AnonymousSuite reports whether a negotiated suite, as tlsverify names
// it, has no authentication: such a peer sends no certificate.
func AnonymousSuite(name string) bool {
	c := strings.ToUpper(strings.TrimSpace(name))
	return anonName.MatchString(c)
}
