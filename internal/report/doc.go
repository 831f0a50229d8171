// Package report turns a site's facts and the rules' verdicts into the
// schema-v1 Report and renders it as text, JSON, Markdown or HTML. The
// Report's findings are this package's own types, converted from the rules'
// findings, so the rules can change without the schema changing. Every
// writer reads the same Report, so a ticket attachment and a terminal run
// can never disagree about a finding.
package report
