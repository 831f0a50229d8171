package rules

import (
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// Status is a rule's verdict for one appliance (or the site).
type Status string

const (
	StatusPass          Status = "pass"
	StatusFail          Status = "fail"
	StatusUnknown       Status = "unknown"
	StatusNotApplicable Status = "not_applicable"
)

// Severity orders failures for the report and for --fail-on.
type Severity string

// Severities lists every severity, most severe first.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}

// AtLeast reports whether s is as severe as min or more. An unknown
// severity counts as the most severe, so it is never ignored.
func (s Severity) AtLeast(min Severity) bool {
	return s.rank() >= min.rank()
}

func (s Severity) rank() int {
	for i, x := range Severities {
		if x == s {
			return len(Severities) - i
		}
	}
	return len(Severities) + 1
}

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityInfo     Severity = "info"
)

// Evidence is what a finding quotes: the appliance, the command and its lines.
type Evidence struct {
	Appliance string   `json:"appliance"`
	Command   string   `json:"command"`
	Lines     []string `json:"lines"`
}

// FixAction names a repair pvo-doctor knows how to apply over SSH; each is
// defined once, in package fix. Only fixes with a non-empty Action can be
// applied by --fix.
type FixAction = fix.Action

const (
	FixNone            FixAction = ""
	FixResume                    = fix.ActionResume
	FixResumeTransfers           = fix.ActionResumeTransfers
	FixDeliveryAuto              = fix.ActionDeliveryAuto
	FixOutboundCiphers           = fix.ActionOutboundCiphers
)

// automaticFix is the Fix of an action pvo-doctor applies, rendered from
// the action's one definition: its summary, its steps in words, its
// parameters.
func automaticFix(a FixAction, p fix.Params) *Fix {
	d, _ := fix.Lookup(a)
	return &Fix{Summary: d.Summary(p), Steps: d.Steps(p), Automatic: true, Action: a,
		Explicit: d.Explicit, Params: d.Map(p)}
}

// Fix is the suggested repair, as data: the exact CLI steps a person would
// type, and whether pvo-doctor can apply it itself.
type Fix struct {
	Summary   string    `json:"summary"`
	Steps     []string  `json:"steps"`
	Automatic bool      `json:"automatic"`
	Action    FixAction `json:"action,omitempty"`
	// Explicit fixes are applied only when the user names the rule
	// (--fix-rule PVO-105), never by a plain --fix: a backup SMA's
	// transfers are suspended on purpose.
	Explicit bool `json:"explicit,omitempty"`
	// Params carries what the fix engine needs (e.g. "ciphers", "method").
	Params map[string]string `json:"params,omitempty"`
}

// Finding is one rule's verdict about one appliance.
type Finding struct {
	ID        string     `json:"id"`
	Case      int        `json:"case,omitempty"`
	Title     string     `json:"title"`
	Status    Status     `json:"status"`
	Severity  Severity   `json:"severity"`
	Appliance string     `json:"appliance"`
	Summary   string     `json:"summary"`
	Expected  string     `json:"expected"`
	Actual    string     `json:"actual"`
	Evidence  []Evidence `json:"evidence"`
	Fix       *Fix       `json:"fix,omitempty"`
}

// ManualCheck is something no CLI can show and a person must confirm. It is
// not a finding: it never changes a status or the exit code.
type ManualCheck struct {
	ID        string   `json:"id"`
	Appliance string   `json:"appliance"`
	Summary   string   `json:"summary"`
	Steps     []string `json:"steps"`
}

// Rule is data (id, title, severity, description) plus a check over facts.
type Rule struct {
	ID          string
	Case        int // 1-6 for Cisco's documented causes, 0 otherwise
	Title       string
	Severity    Severity
	Description string
	// Commands says what the rule reads, as "<appliance>: <command>".
	Commands []string
	// Pass, Fail and Unknown are its criteria in words, for `pvo-doctor rules ID`.
	Pass    string
	Fail    string
	Unknown string
	// Fix is the repair it proposes when it fails. A finding may carry a
	// variant when the evidence calls for another repair.
	Fix *Fix
	// Check returns one finding per appliance it judged (at least one), and
	// any manual checks it wants a person to do.
	Check func(site *facts.Site) ([]Finding, []ManualCheck)
}
