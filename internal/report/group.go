package report

import (
	"sort"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// group is one appliance's findings, in reading order.
type group struct {
	Name      string
	Appliance *Appliance // nil for findings about no known appliance
	Findings  []Finding
}

// Name is how findings refer to the appliance (facts.Appliance.Name).
func (a Appliance) Name() string {
	if a.Hostname != "" {
		return a.Hostname
	}
	return a.Address
}

// Pending is the group's appliance's showchanges words, "" when there is
// no appliance or showchanges was not read.
func (g group) Pending() string {
	if g.Appliance == nil {
		return ""
	}
	return g.Appliance.Pending
}

// Notes are the group's appliance's notes on how its facts were read.
func (g group) Notes() []string {
	if g.Appliance == nil {
		return nil
	}
	return g.Appliance.Notes
}

// Headed says whether the group gets a heading in a report with findings
// listed by appliance: it has findings, or lines about the appliance
// itself (showchanges, notes) that the reader must see.
func (g group) Headed() bool { return len(g.Findings) > 0 || g.Pending() != "" || len(g.Notes()) > 0 }

// statusRank puts what needs action first: fail, unknown, then the rest.
func statusRank(s rules.Status) int {
	switch s {
	case rules.StatusFail:
		return 0
	case rules.StatusUnknown:
		return 1
	case rules.StatusPass:
		return 2
	case rules.StatusNotApplicable:
		return 3
	}
	return 4
}

// groups splits the findings by appliance, in the report's appliance order,
// then any appliance names no Appliance entry carries, in first-seen order.
// A finding goes to the appliance its appliance_id names, so two appliances
// that go by one name (cloned ESAs keep the factory hostname) each keep
// their own findings; their headings then add the address. Within a group,
// failures come first, then unknown, then pass and not_applicable; rule
// order is kept within a status.
func (r *Report) groups() []group {
	var out []group
	byID, byName := map[facts.ApplianceID]int{}, map[string]int{}
	headings := r.headings()
	for i := range r.Appliances {
		a := &r.Appliances[i]
		n := a.Name()
		if _, dup := byID[a.ID]; dup && a.ID != "" {
			continue
		}
		g := group{Name: headings[i], Appliance: a}
		if a.ID != "" {
			byID[a.ID] = len(out)
		}
		if _, seen := byName[n]; !seen {
			byName[n] = len(out)
		}
		out = append(out, g)
	}
	for _, f := range r.Findings {
		i, ok := byID[f.ApplianceID]
		if !ok || f.ApplianceID == "" {
			i, ok = byName[f.Appliance]
		}
		if !ok {
			i = len(out)
			byName[f.Appliance] = i
			out = append(out, group{Name: f.Appliance})
		}
		out[i].Findings = append(out[i].Findings, f)
	}
	for _, g := range out {
		sort.SliceStable(g.Findings, func(i, j int) bool {
			return statusRank(g.Findings[i].Status) < statusRank(g.Findings[j].Status)
		})
	}
	return out
}

// headings name each appliance for a heading or a column: its name, and
// where another appliance goes by the same name, its address beside it.
func (r *Report) headings() []string {
	named := map[string]int{}
	for i := range r.Appliances {
		named[r.Appliances[i].Name()]++
	}
	out := make([]string, len(r.Appliances))
	for i, a := range r.Appliances {
		out[i] = a.Name()
		if named[out[i]] > 1 && a.Address != "" && a.Address != out[i] {
			out[i] += " (" + a.Address + ")"
		}
	}
	return out
}

// statusLabel is the status as a short upper-case word for text and tables.
func statusLabel(s rules.Status) string {
	switch s {
	case rules.StatusPass:
		return "PASS"
	case rules.StatusFail:
		return "FAIL"
	case rules.StatusUnknown:
		return "UNKNOWN"
	case rules.StatusNotApplicable:
		return "N/A"
	}
	return string(s)
}

// stepText shows an empty dialog answer (accept the default) visibly.
func stepText(s string) string {
	if s == "" {
		return "(press Enter)"
	}
	return s
}

// Unreached reports whether the group's appliance was never reached (no
// session: nothing was read from it, only errors) and every finding about
// it is unknown, so a writer shows one "not reached" block, not the same
// error once per rule.
func (g group) Unreached() bool {
	a := g.Appliance
	if a == nil || len(a.Errors) == 0 || a.Hostname != "" || a.Version != "" || len(g.Findings) == 0 {
		return false
	}
	for _, f := range g.Findings {
		if f.Status != rules.StatusUnknown {
			return false
		}
	}
	return true
}
