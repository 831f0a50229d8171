// Package facts holds the typed observations that parsers read from AsyncOS
// output and that rules decide on. A fact that was not collected is nil; a
// fact that was collected and empty is a non-nil zero value, so a rule can
// tell "we did not look" from "we looked and found nothing" and never passes
// on silence. Facts judge nothing: verdicts live in rules and ciphers.
package facts
