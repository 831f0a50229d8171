package rules

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// want is what one finding must show.
type want struct {
	app     string
	status  Status
	summary []string // substrings of Summary
	lines   []string // exact lines that must be quoted in some evidence
	// fix: "" no fix, "manual" a manual fix, else the automatic FixAction.
	fix string
}

type ruleCase struct {
	name  string
	site  *facts.Site
	wants []want
}

func ev(cmd string, lines ...string) facts.Evidence {
	return facts.Evidence{Command: cmd, Lines: lines}
}

func runCases(t *testing.T, r Rule, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := r.Check(tc.site)
			if len(got) != len(tc.wants) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(tc.wants), got)
			}
			for i, w := range tc.wants {
				checkFinding(t, r, got[i], w)
			}
		})
	}
}

func checkFinding(t *testing.T, r Rule, f Finding, w want) {
	t.Helper()
	if f.ID != r.ID || f.Case != r.Case || f.Title != r.Title || f.Severity != r.Severity {
		t.Errorf("finding header %s/%d/%q/%s, want %s/%d/%q/%s", f.ID, f.Case, f.Title, f.Severity, r.ID, r.Case, r.Title, r.Severity)
	}
	if f.Appliance != w.app {
		t.Errorf("appliance %q, want %q", f.Appliance, w.app)
	}
	if f.Status != w.status {
		t.Errorf("status %s, want %s (summary %q)", f.Status, w.status, f.Summary)
	}
	for _, s := range w.summary {
		if !strings.Contains(f.Summary, s) {
			t.Errorf("summary %q lacks %q", f.Summary, s)
		}
	}
	if f.Status == StatusUnknown && !strings.Contains(f.Summary, "run ") {
		t.Errorf("unknown summary %q says no command to run", f.Summary)
	}
	if f.Expected == "" || f.Actual == "" {
		t.Errorf("expected %q / actual %q must both be set", f.Expected, f.Actual)
	}
	if f.Evidence == nil {
		t.Errorf("evidence is nil, want []")
	}
	var all []string
	for _, e := range f.Evidence {
		if e.Lines == nil || e.Appliance == "" || e.Command == "" {
			t.Errorf("incomplete evidence %+v", e)
		}
		all = append(all, e.Lines...)
	}
	for _, l := range w.lines {
		found := false
		for _, a := range all {
			found = found || a == l
		}
		if !found {
			t.Errorf("evidence lacks line %q; has %q", l, all)
		}
	}
	switch {
	case w.fix == "" && f.Fix != nil:
		t.Errorf("unexpected fix %+v", f.Fix)
	case w.fix == "":
	case f.Fix == nil:
		t.Errorf("no fix, want %s", w.fix)
	case w.fix == "manual" && (f.Fix.Automatic || f.Fix.Action != FixNone):
		t.Errorf("fix %+v, want manual", f.Fix)
	case w.fix != "manual" && (!f.Fix.Automatic || string(f.Fix.Action) != w.fix):
		t.Errorf("fix %+v, want automatic %s", f.Fix, w.fix)
	}
	if f.Fix != nil && (f.Fix.Summary == "" || len(f.Fix.Steps) == 0) {
		t.Errorf("fix without summary or steps: %+v", f.Fix)
	}
}
