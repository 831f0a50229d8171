package report

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// SchemaVersion is the JSON report's schema_version (DESIGN.md).
const SchemaVersion = 1

// Mode says how the facts were gathered.
type Mode string

const (
	ModeCheck   Mode = "check"
	ModeAnalyze Mode = "analyze"
)

// Report is the JSON report, schema version 1. Field order is the output
// order, and every list is non-nil so JSON shows [] rather than null.
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          Tool          `json:"tool"`
	Mode          Mode          `json:"mode"`
	StartedAt     string        `json:"started_at"`
	DurationMS    int64         `json:"duration_ms"`
	Appliances    []Appliance   `json:"appliances"`
	Findings      []Finding     `json:"findings"`
	ManualChecks  []ManualCheck `json:"manual_checks"`
	Summary       Summary       `json:"summary"`
	Fixes         []FixRecord   `json:"fixes"`

	// site names the deployment for titles (Meta.Site).
	site string
}

type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Appliance is one appliance as the report's reader needs to identify it.
// ID is the key findings' appliance_id refers to.
type Appliance struct {
	ID       facts.ApplianceID `json:"id"`
	Role     facts.Role        `json:"role"`
	Address  string            `json:"address"`
	Hostname string            `json:"hostname"`
	Version  string            `json:"version"`
	// Cluster is the cluster name, "standalone", or "" when clusterconfig
	// was not read.
	Cluster string               `json:"cluster"`
	Errors  []facts.CollectError `json:"errors"`
	// Pending is what showchanges said around the run: "nothing pending
	// (showchanges)", or what was pending before it; "" when not read.
	Pending string `json:"pending,omitempty"`
	// Notes say how the facts were read (pasted without prompts, merged
	// from several sessions), to weigh the findings by.
	Notes []string `json:"notes"`
}

// Finding is one finding as the report shows it: the schema's own type,
// converted from the rules' finding, so the rules can change without the
// schema changing. StatusBefore is set after --fix.
type Finding struct {
	ID       string         `json:"id"`
	Case     int            `json:"case,omitempty"`
	Title    string         `json:"title"`
	Status   rules.Status   `json:"status"`
	Severity rules.Severity `json:"severity"`
	// ApplianceID is the appliance's stable key; Appliance its display name.
	ApplianceID  facts.ApplianceID `json:"appliance_id"`
	Appliance    string            `json:"appliance"`
	Summary      string            `json:"summary"`
	Expected     string            `json:"expected"`
	Actual       string            `json:"actual"`
	Evidence     []Evidence        `json:"evidence"`
	Fix          *Fix              `json:"fix,omitempty"`
	StatusBefore rules.Status      `json:"status_before,omitempty"`
}

// Evidence is what a finding quotes: the appliance, the command, its lines.
type Evidence struct {
	Appliance string   `json:"appliance"`
	Command   string   `json:"command"`
	Lines     []string `json:"lines"`
}

// Fix is a finding's repair as the report shows it.
type Fix struct {
	Summary   string            `json:"summary"`
	Steps     []string          `json:"steps"`
	Automatic bool              `json:"automatic"`
	Action    rules.FixAction   `json:"action,omitempty"`
	Explicit  bool              `json:"explicit,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
}

// FixHint says who can apply the finding's fix: "" for a person,
// " (pvo-doctor --fix can apply it)", or, for a fix applied only on
// request, the --fix-rule that asks for it.
func (f Finding) FixHint() string {
	switch {
	case f.Fix == nil || !f.Fix.Automatic:
		return ""
	case f.Fix.Explicit:
		return " (pvo-doctor --fix-rule " + f.ID + " can apply it)"
	}
	return " (pvo-doctor --fix can apply it)"
}

// ManualCheck is something no CLI can show and a person must confirm.
type ManualCheck struct {
	ID        string   `json:"id"`
	Appliance string   `json:"appliance"`
	Summary   string   `json:"summary"`
	Steps     []string `json:"steps"`
}

type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Unknown       int `json:"unknown"`
	NotApplicable int `json:"not_applicable"`
}

// FixStatus is how far a fix got.
type FixStatus string

const (
	FixPlanned  FixStatus = "planned"
	FixApplied  FixStatus = "applied"
	FixVerified FixStatus = "verified"
	FixFailed   FixStatus = "failed"
	FixSkipped  FixStatus = "skipped"
	// FixUncertain: the commit's reply was lost and reconnecting could not
	// establish whether it took effect; never reported as either.
	FixUncertain FixStatus = "uncertain"
)

// FixRecord is one repair --fix planned or ran. Evidence holds what the
// appliance answered, e.g. the `Changes committed:` line of the commit.
type FixRecord struct {
	Rule          string           `json:"rule"`
	Appliance     string           `json:"appliance"`
	Action        rules.FixAction  `json:"action"`
	Status        FixStatus        `json:"status"`
	Steps         []string         `json:"steps"`
	CommitComment string           `json:"commit_comment"`
	Evidence      []rules.Evidence `json:"evidence"`
	Error         string           `json:"error"`
}

// Meta is what the caller knows about the run itself.
type Meta struct {
	ToolName    string
	ToolVersion string
	Mode        Mode
	// Site names the deployment (an inventory's site); "" lets the
	// writers name it by its SMA, or its first ESA.
	Site      string
	StartedAt time.Time
	Duration  time.Duration
}

// New builds the report for site from the rules' result. Findings are
// ordered by rule id (stable within a rule), appliances ESAs first in the
// order given, then the SMA.
func New(site *facts.Site, res rules.Result, meta Meta) *Report {
	name := meta.ToolName
	if name == "" {
		name = "pvo-doctor"
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: name, Version: meta.ToolVersion},
		Mode:          meta.Mode,
		StartedAt:     meta.StartedAt.UTC().Format(time.RFC3339),
		DurationMS:    meta.Duration.Milliseconds(),
		Appliances:    []Appliance{},
		Findings:      []Finding{},
		ManualChecks:  []ManualCheck{},
		Fixes:         []FixRecord{},
		site:          meta.Site,
	}
	if site != nil {
		for _, a := range site.ESAs {
			if a != nil {
				r.Appliances = append(r.Appliances, applianceOf(a))
			}
		}
		if site.SMA != nil {
			r.Appliances = append(r.Appliances, applianceOf(site.SMA))
		}
	}
	for _, f := range res.Findings {
		r.Findings = append(r.Findings, findingOf(f))
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].ID < r.Findings[j].ID })
	for _, m := range res.ManualChecks {
		r.ManualChecks = append(r.ManualChecks, ManualCheck{ID: m.ID, Appliance: m.Appliance, Summary: m.Summary,
			Steps: append([]string{}, m.Steps...)})
	}
	r.Summary = summarize(r.Findings)
	return r
}

// SetStatusBefore records, for each finding, the status the same rule had
// for the same subject in before (the check that ran ahead of --fix). The
// appliance's key comes first; the display name still tells a cluster or
// machine apart when one session examined several.
func (r *Report) SetStatusBefore(before rules.Result) {
	type key struct {
		rule string
		id   facts.ApplianceID
		name string
	}
	was := make(map[key]rules.Status, len(before.Findings))
	for _, f := range before.Findings {
		was[key{f.ID, f.ApplianceID, f.Appliance}] = f.Status
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.StatusBefore = was[key{f.ID, f.ApplianceID, f.Appliance}]
	}
}

func applianceOf(a *facts.Appliance) Appliance {
	out := Appliance{
		ID:       rules.ApplianceID(a),
		Role:     a.Role,
		Address:  a.Address,
		Hostname: a.Hostname,
		Errors:   append([]facts.CollectError{}, a.Errors...),
		Notes:    slices.Compact(append([]string{}, a.Notes...)),
	}
	if a.Version != nil {
		out.Version = a.Version.Raw
	}
	out.Pending = pendingWords(a.Pending)
	if a.Cluster != nil {
		out.Cluster = a.Cluster.Name
		if a.Cluster.Standalone {
			out.Cluster = "standalone"
		}
	}
	return out
}

// findingOf converts a rule's finding, every list non-nil, so the JSON
// never shows null and writers need no nil checks.
func findingOf(f rules.Finding) Finding {
	out := Finding{ID: f.ID, Case: f.Case, Title: f.Title, Status: f.Status, Severity: f.Severity,
		ApplianceID: f.ApplianceID, Appliance: f.Appliance, Summary: f.Summary, Expected: f.Expected, Actual: f.Actual,
		Evidence: make([]Evidence, 0, len(f.Evidence))}
	for _, e := range f.Evidence {
		out.Evidence = append(out.Evidence, Evidence{Appliance: e.Appliance, Command: e.Command, Lines: append([]string{}, e.Lines...)})
	}
	if fx := f.Fix; fx != nil {
		out.Fix = &Fix{Summary: fx.Summary, Steps: append([]string{}, fx.Steps...), Automatic: fx.Automatic,
			Action: fx.Action, Explicit: fx.Explicit}
		if fx.Params != nil {
			out.Fix.Params = make(map[string]string, len(fx.Params))
			for k, v := range fx.Params {
				out.Fix.Params[k] = v
			}
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Status {
		case rules.StatusPass:
			s.Pass++
		case rules.StatusFail:
			s.Fail++
		case rules.StatusUnknown:
			s.Unknown++
		case rules.StatusNotApplicable:
			s.NotApplicable++
		}
	}
	return s
}

// AddFix appends a fix record, with its lists made non-nil.
func (r *Report) AddFix(fr FixRecord) {
	fr.Steps = nonNil(fr.Steps)
	if fr.Evidence == nil {
		fr.Evidence = []rules.Evidence{}
	}
	for i := range fr.Evidence {
		fr.Evidence[i].Lines = nonNil(fr.Evidence[i].Lines)
	}
	r.Fixes = append(r.Fixes, fr)
}

// pendingWords says what showchanges proved: nothing pending before and
// after, or what someone had pending before the run (shown, never
// cleared), or what was still pending after it.
func pendingWords(reads []facts.PendingChanges) string {
	if len(reads) == 0 {
		return ""
	}
	keys := func(p facts.PendingChanges) string {
		if len(p.Keys) == 0 {
			return "unnamed changes"
		}
		return strings.Join(p.KeyNames(), ", ")
	}
	first, last := reads[0], reads[len(reads)-1]
	switch {
	case first.Pending:
		return "pending before the run, someone's uncommitted work, left as it was (showchanges): " + keys(first)
	case last.Pending:
		return "pending after the run (showchanges): " + keys(last)
	}
	return "nothing pending (showchanges)"
}
