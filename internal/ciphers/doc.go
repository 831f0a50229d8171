// Package ciphers answers one question about an OpenSSL-style cipher string
// as AsyncOS's sslconfig stores it: does it admit anonymous (aNULL) suites?
// Anonymous suites send no certificate, which is why TLS from an ESA to the
// SMA's PVO listener fails (case 4). The answer is three-valued: a string the
// analyser cannot fully decide is unknown, never a guessed "no". It also
// holds the one safe outbound string the fix sets, and tells a negotiated
// anonymous suite by its name.
package ciphers
