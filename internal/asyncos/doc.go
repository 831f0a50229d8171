// Package asyncos turns the text AsyncOS commands print into typed facts.
// There is one file per appliance command; each parser takes the command's
// whole output (sub-prompt lines with their typed answers included), as the
// session-log splitter or the live channel gives it, and never panics:
// output it cannot read becomes a *ParseError, and lines it does not know
// become warnings. FromSession and ScanMailLog are the offline entry points.
package asyncos
