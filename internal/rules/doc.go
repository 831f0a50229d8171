// Package rules holds pvo-doctor's diagnosis: one rule per file, listed in
// All(). A rule is data (id, criteria, fix, the reads it needs, the scope of
// one finding) plus a judge over facts.Site. The engine (engine.go) lists
// the subjects, so every examined appliance gets its finding, and composes
// each verdict with the declared reads: no pass on a read that failed, is
// absent or was cut short; a proven failure stands and names what could
// not be read. Judgements about facts (is this cipher anonymous, is this
// account an Administrator) live here or in package ciphers, never in facts.
package rules
