package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// A 16-ESA cluster site: the matrix has a column per appliance, a cluster's
// finding under every member, and the worst of an appliance's findings.
func TestMatrix(t *testing.T) {
	site := &facts.Site{SMA: &facts.Appliance{ID: "sma", Role: facts.RoleSMA, Hostname: "sma.example.com"}}
	var res rules.Result
	for i := 1; i <= 16; i++ {
		id := facts.ApplianceID(fmt.Sprintf("esa-%d", i))
		site.ESAs = append(site.ESAs, &facts.Appliance{ID: id, Role: facts.RoleESA, Hostname: fmt.Sprintf("esa%d.example.com", i),
			Cluster: &facts.Cluster{Name: "C"}})
		st := rules.StatusPass
		if i == 7 {
			st = rules.StatusFail
		}
		res.Findings = append(res.Findings, rules.Finding{ID: "PVO-003", Status: st, ApplianceID: id, Appliance: fmt.Sprintf("esa%d.example.com", i)})
	}
	res.Findings = append(res.Findings,
		rules.Finding{ID: "PVO-005", Status: rules.StatusUnknown, ApplianceID: "esa-1", Appliance: "cluster C"},
		// Two machines judged through one session: the worse one shows.
		rules.Finding{ID: "PVO-109", Status: rules.StatusPass, ApplianceID: "esa-2", Appliance: "esa2.example.com"},
		rules.Finding{ID: "PVO-109", Status: rules.StatusFail, ApplianceID: "esa-2", Appliance: "esa3.example.com"},
		rules.Finding{ID: "PVO-001", Status: rules.StatusPass, ApplianceID: "sma", Appliance: "sma.example.com"},
	)
	r := New(site, res, Meta{Mode: ModeCheck, Site: "Head office", StartedAt: time.Date(2026, 12, 1, 7, 30, 0, 0, time.UTC)})
	m := r.matrix()
	if len(m.Columns) != 17 || m.Columns[0] != "esa1.example.com" || m.Columns[16] != "sma.example.com" {
		t.Fatalf("columns %q", m.Columns)
	}
	rows := map[string][]rules.Status{}
	for _, row := range m.Rows {
		rows[row.ID] = row.Cells
	}
	if c := rows["PVO-003"]; c[6] != rules.StatusFail || c[0] != rules.StatusPass || c[16] != "" {
		t.Errorf("PVO-003 cells %q", c)
	}
	for i, c := range rows["PVO-005"][:16] {
		if c != rules.StatusUnknown {
			t.Errorf("PVO-005 column %d = %q, want the cluster's unknown", i, c)
		}
	}
	if c := rows["PVO-109"]; c[1] != rules.StatusFail || c[2] != "" {
		t.Errorf("PVO-109 cells %q", c)
	}
	var b bytes.Buffer
	if err := (HTMLWriter{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"<title>pvo-doctor report for Head office, 2026-12-01 07:30 UTC: ", `<th class="app">esa16.example.com</th>`} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
}

func TestTitleNamesTheSiteBySMAOrESA(t *testing.T) {
	for _, tc := range []struct {
		site *facts.Site
		want string
	}{
		{&facts.Site{SMA: &facts.Appliance{Role: facts.RoleSMA, Address: "10.0.0.9"}, ESAs: []*facts.Appliance{{Role: facts.RoleESA, Hostname: "mx"}}}, "pvo-doctor report for 10.0.0.9"},
		{&facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Hostname: "mx"}}}, "pvo-doctor report for mx"},
		{nil, "pvo-doctor report"},
	} {
		if got := New(tc.site, rules.Result{}, Meta{}).titleHead(); got != tc.want {
			t.Errorf("title %q, want %q", got, tc.want)
		}
	}
}
