// Package rules holds pvo-doctor's diagnosis: one rule per file, each a
// check over facts.Site that returns findings with their evidence and the
// fix to apply. Rules read facts only; a rule passes only on positive
// evidence, and says which command to run when it cannot decide.
package rules
