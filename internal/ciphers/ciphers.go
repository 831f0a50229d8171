package ciphers

import "github.com/pvo-doctor/pvo-doctor/internal/facts"

// Analyze answers whether an OpenSSL-style cipher string (colon-, space- or
// newline-separated) admits anonymous (aNULL) suites.
// TEMPORARY: placeholder until the analyser lands; it decides nothing.
func Analyze(cipherString string) facts.CipherVerdict {
	return facts.CipherVerdict{AdmitsANULL: facts.TriUnknown, Reason: "cipher analyser not implemented yet"}
}
