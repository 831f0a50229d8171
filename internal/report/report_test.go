package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

const goldenDir = "../../testdata/golden/report"

// sample is a site with one failure, one unknown, one pass, one n/a, an
// appliance error, a manual check and a fix record: every part a writer
// must render.
func sample() *Report {
	esa := &facts.Appliance{
		ID: "esa-1", Role: facts.RoleESA, Address: "esa-session.log", Hostname: "mx.example.com",
		Version: &facts.Version{Raw: "14.2.0-620"},
		Cluster: &facts.Cluster{Standalone: true},
		Pending: []facts.PendingChanges{{}, {}},
	}
	// The SMA's showchanges was not read: no pending line for it.
	sma := &facts.Appliance{
		ID: "sma-1", Role: facts.RoleSMA, Address: "sma-session.log", Hostname: "sma.example.com",
		Version: &facts.Version{Raw: "14.3.0-120"},
		Errors:  []facts.CollectError{{Step: "tcpservices", Message: "output not recognised at line 3"}},
	}
	site := &facts.Site{SMA: sma, ESAs: []*facts.Appliance{esa}, PVOHost: "sma.example.com", PVOPort: 7025}
	res := rules.Result{
		Findings: []rules.Finding{
			{
				ID: "PVO-001", Case: 1, Title: "SMA is online", Status: rules.StatusPass,
				Severity: rules.SeverityCritical, ApplianceID: "sma-1", Appliance: "sma.example.com",
				Summary: "The SMA is online.", Expected: "Online", Actual: "Online",
				Evidence: []rules.Evidence{{Appliance: "sma.example.com", Command: "status", Lines: []string{"System status:        Online"}}},
			},
			{
				ID: "PVO-004", Case: 4, Title: "Outbound TLS to the SMA authenticates the SMA", Status: rules.StatusUnknown,
				Severity: rules.SeverityHigh, ApplianceID: "esa-1", Appliance: "mx.example.com",
				Summary: "Neither sslconfig nor tlsverify was collected.", Expected: "outbound ciphers exclude aNULL", Actual: "not collected",
			},
			{
				ID: "PVO-003", Case: 3, Title: "Default delivery interface reaches the SMA", Status: rules.StatusFail,
				Severity: rules.SeverityHigh, ApplianceID: "esa-1", Appliance: "mx.example.com",
				Summary:  "The default delivery interface In cannot reach 10.172.12.17:7025.",
				Expected: "Auto, or a telnet from it that connects", Actual: "In; telnet timed out",
				Evidence: []rules.Evidence{
					{Appliance: "mx.example.com", Command: "deliveryconfig", Lines: []string{"Default interface to deliver mail: In"}},
					{Appliance: "mx.example.com", Command: "telnet", Lines: []string{
						"telnet: connect to address 10.172.12.17: Operation timed out",
						"telnet: Unable to connect to remote host",
					}},
				},
				Fix: &rules.Fix{Summary: "Set the default delivery interface to Auto", Automatic: true,
					Action: rules.FixDeliveryAuto, Steps: []string{"deliveryconfig", "SETUP", "1 (Auto)", "commit"}},
			},
			{
				ID: "PVO-005", Case: 5, Title: "Cluster members have the same feature keys", Status: rules.StatusNotApplicable,
				Severity: rules.SeverityMedium, ApplianceID: "esa-1", Appliance: "mx.example.com", Summary: "Standalone ESA.",
			},
		},
		ManualChecks: []rules.ManualCheck{{
			ID: "PVO-002", Appliance: "sma.example.com",
			Summary: "Confirm the migration wizard's changes were committed on the SMA",
			Steps:   []string{"Open Management Appliance > Centralized Services > Policy, Virus and Outbreak Quarantines", "Commit pending changes"},
		}},
	}
	r := New(site, res, Meta{
		ToolVersion: "1.2.3", Mode: ModeAnalyze,
		StartedAt: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC), Duration: 1234 * time.Millisecond,
	})
	r.AddFix(FixRecord{
		Rule: "PVO-003", Appliance: "mx.example.com", Action: rules.FixDeliveryAuto, Status: FixPlanned,
		Steps:         []string{"deliveryconfig", "SETUP", "1", "", "", "", "", "commit"},
		CommitComment: "pvo-doctor: PVO-003 default delivery interface Auto",
	})
	return r
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file string
		w    Writer
	}{
		{"sample.txt", TextWriter{}},
		{"sample.color.txt", TextWriter{Color: true}},
		{"sample.json", JSONWriter{}},
		{"sample.md", MarkdownWriter{}},
		{"sample.html", HTMLWriter{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := c.w.Write(&b, sample()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(goldenDir, c.file)
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", c.file, got)
			}
		})
	}
}

func TestNewCountsAndOrders(t *testing.T) {
	r := sample()
	if want := (Summary{Pass: 1, Fail: 1, Unknown: 1, NotApplicable: 1}); r.Summary != want {
		t.Errorf("summary = %+v, want %+v", r.Summary, want)
	}
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, ","); got != "PVO-001,PVO-003,PVO-004,PVO-005" {
		t.Errorf("findings order = %s", got)
	}
	if len(r.Appliances) != 2 || r.Appliances[0].Role != facts.RoleESA || r.Appliances[1].Role != facts.RoleSMA {
		t.Fatalf("appliances = %+v, want the ESA then the SMA", r.Appliances)
	}
	if r.Appliances[0].Cluster != "standalone" || r.Appliances[1].Cluster != "" {
		t.Errorf("clusters = %q, %q; want standalone and not collected", r.Appliances[0].Cluster, r.Appliances[1].Cluster)
	}
	g := r.groups()
	if len(g) != 2 || g[0].Name != "mx.example.com" {
		t.Fatalf("groups = %+v", g)
	}
	var st []rules.Status
	for _, f := range g[0].Findings {
		st = append(st, f.Status)
	}
	if want := []rules.Status{rules.StatusFail, rules.StatusUnknown, rules.StatusNotApplicable}; !equalStatus(st, want) {
		t.Errorf("ESA group statuses = %v, want %v", st, want)
	}
}

func equalStatus(a, b []rules.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSetStatusBefore(t *testing.T) {
	r := sample()
	r.SetStatusBefore(rules.Result{Findings: []rules.Finding{
		{ID: "PVO-003", ApplianceID: "esa-1", Appliance: "mx.example.com", Status: rules.StatusFail},
		{ID: "PVO-003", ApplianceID: "esa-1", Appliance: "other", Status: rules.StatusPass},
		// Another appliance shown under the same name is not the same one.
		{ID: "PVO-001", ApplianceID: "sma-2", Appliance: "sma.example.com", Status: rules.StatusFail},
	}})
	for _, f := range r.Findings {
		want := rules.Status("")
		if f.ID == "PVO-003" {
			want = rules.StatusFail
		}
		if f.StatusBefore != want {
			t.Errorf("%s status_before = %q, want %q", f.ID, f.StatusBefore, want)
		}
	}
}

// TestJSONListsNeverNull covers an empty run and a finding whose lists
// were left nil by its rule.
func TestJSONListsNeverNull(t *testing.T) {
	res := rules.Result{Findings: []rules.Finding{{
		ID: "PVO-101", Status: rules.StatusUnknown, Appliance: "x",
		Evidence: []rules.Evidence{{Command: "status"}}, Fix: &rules.Fix{Summary: "s"},
	}}}
	for name, r := range map[string]*Report{
		"empty":   New(nil, rules.Result{}, Meta{Mode: ModeCheck}),
		"nillist": New(&facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Address: "a"}}}, res, Meta{Mode: ModeAnalyze}),
	} {
		r.AddFix(FixRecord{Rule: "PVO-101"})
		var b bytes.Buffer
		if err := (JSONWriter{}).Write(&b, r); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "null") {
			t.Errorf("%s: JSON has null:\n%s", name, b.String())
		}
		var top map[string]any
		if err := json.Unmarshal(b.Bytes(), &top); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, k := range []string{"schema_version", "tool", "mode", "started_at", "duration_ms", "appliances", "findings", "manual_checks", "summary", "fixes"} {
			if _, ok := top[k]; !ok {
				t.Errorf("%s: key %q missing", name, k)
			}
		}
		if top["schema_version"] != float64(1) {
			t.Errorf("%s: schema_version = %v", name, top["schema_version"])
		}
	}
}

func TestFormats(t *testing.T) {
	for path, want := range map[string]Format{
		"r.json": FormatJSON, "R.JSON": FormatJSON, "a/b.md": FormatMarkdown, "x.markdown": FormatMarkdown,
		"x.html": FormatHTML, "x.htm": FormatHTML, "x.txt": FormatText,
	} {
		if got, ok := FormatFromPath(path); !ok || got != want {
			t.Errorf("FormatFromPath(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
	for _, path := range []string{"report", "x.pdf", "x.json.bak", ""} {
		if got, ok := FormatFromPath(path); ok {
			t.Errorf("FormatFromPath(%q) = %q, want none", path, got)
		}
	}
	for _, name := range []string{"text", "JSON", "md", "markdown", "html"} {
		f, err := ParseFormat(name)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", name, err)
			continue
		}
		if _, err := NewWriter(f, Options{}); err != nil {
			t.Errorf("NewWriter(%q): %v", f, err)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("ParseFormat(pdf) error = %v, want one naming pdf", err)
	}
	if _, err := NewWriter("pdf", Options{}); err == nil {
		t.Error("NewWriter(pdf) succeeded")
	}
}

func TestTextSaysWhenNothingWasJudged(t *testing.T) {
	var b bytes.Buffer
	r := New(&facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Hostname: "mx"}}}, rules.Result{}, Meta{Mode: ModeAnalyze})
	if err := (TextWriter{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No findings") || !strings.Contains(b.String(), "Summary: 0 fail, 0 unknown, 0 pass") {
		t.Errorf("empty report:\n%s", b.String())
	}
}

// TestHTMLFixBeforeAfter: a fix in the HTML report shows its rule's status
// before the fix and as re-checked after it.
func TestHTMLFixBeforeAfter(t *testing.T) {
	r := sample()
	r.SetStatusBefore(rules.Result{Findings: []rules.Finding{
		{ID: "PVO-003", ApplianceID: "esa-1", Appliance: "mx.example.com", Status: rules.StatusFail},
	}})
	r.AddFix(FixRecord{Rule: "PVO-003", Appliance: "mx.example.com", Action: rules.FixDeliveryAuto, Status: FixApplied})
	var b bytes.Buffer
	if err := (HTMLWriter{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	var after rules.Status
	for _, f := range r.Findings {
		if f.ID == "PVO-003" {
			after = f.Status
		}
	}
	want := `<p class="before-after">FAIL → ` + statusLabel(after) + `</p>`
	if !strings.Contains(b.String(), want) {
		t.Errorf("html report lacks %q", want)
	}
}

// TestGroupsKeepSameNamedAppliancesApart: two cloned ESAs that kept the
// factory hostname are two appliances (appliance_id), each with its own
// findings under a heading that adds its address, in every format.
func TestGroupsKeepSameNamedAppliancesApart(t *testing.T) {
	const name = "ironport.example.com"
	esa := func(id facts.ApplianceID, addr string) *facts.Appliance {
		return &facts.Appliance{ID: id, Role: facts.RoleESA, Address: addr, Hostname: name,
			Version: &facts.Version{Raw: "14.2.0-620"}, Pending: []facts.PendingChanges{{}, {}}}
	}
	site := &facts.Site{ESAs: []*facts.Appliance{esa("esa/10.0.0.1:22", "10.0.0.1:22"), esa("esa/10.0.0.2:22", "10.0.0.2:22")}}
	res := rules.Result{Findings: []rules.Finding{
		{ID: "PVO-003", Title: "Default delivery interface reaches the SMA", Status: rules.StatusFail, Severity: rules.SeverityHigh,
			ApplianceID: "esa/10.0.0.1:22", Appliance: name, Summary: "first: delivers from In."},
		{ID: "PVO-003", Title: "Default delivery interface reaches the SMA", Status: rules.StatusPass, Severity: rules.SeverityHigh,
			ApplianceID: "esa/10.0.0.2:22", Appliance: name, Summary: "second: delivers from Auto."},
	}}
	r := New(site, res, Meta{})
	g := r.groups()
	if len(g) != 2 || g[0].Name != name+" (10.0.0.1:22)" || g[1].Name != name+" (10.0.0.2:22)" {
		t.Fatalf("groups = %+v, want one per appliance, each named with its address", g)
	}
	for i, want := range []string{"first", "second"} {
		if len(g[i].Findings) != 1 || !strings.HasPrefix(g[i].Findings[0].Summary, want) {
			t.Errorf("group %d findings = %+v, want only the %s appliance's", i, g[i].Findings, want)
		}
	}
	if m := r.matrix(); len(m.Columns) != 2 || m.Columns[0] == m.Columns[1] {
		t.Errorf("matrix columns = %q, want two distinct", m.Columns)
	}
	for _, format := range []Format{FormatText, FormatMarkdown, FormatHTML} {
		var b strings.Builder
		w, err := NewWriter(format, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&b, r); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"10.0.0.1:22", "10.0.0.2:22", "first: delivers", "second: delivers"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s report lacks %q:\n%s", format, want, b.String())
			}
		}
	}
}
