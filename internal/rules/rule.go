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

// Finding is one rule's verdict about one appliance (or a cluster, seen
// through an appliance's session). The report has its own JSON types; the
// tags here are for debugging and tests.
type Finding struct {
	ID       string   `json:"id"`
	Case     int      `json:"case,omitempty"`
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Severity Severity `json:"severity"`
	// ApplianceID is the stable key of the appliance the finding is about,
	// or whose session examined the cluster or machine it is about; "" when
	// no such appliance was examined. Join findings by it, not by Appliance.
	ApplianceID facts.ApplianceID `json:"appliance_id"`
	// Appliance is how the finding names its subject for people.
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

// Rule is data (id, title, severity, description, what it reads) plus a
// judge over facts; Check (engine.go) composes the verdicts.
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
	// Scope says what one finding is about; Reads what the rule reads,
	// which the engine holds every pass to.
	Scope Scope
	Reads []Read
	// judge decides one subject from the facts; it need not check that its
	// reads succeeded or are complete: the engine does.
	judge func(site *facts.Site, s subject) Finding
	// manual lists what a person must confirm, whatever the facts.
	manual func(site *facts.Site) []ManualCheck
}
