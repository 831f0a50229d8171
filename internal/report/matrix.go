package report

import (
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// matrix is the rules × appliances overview: one row per rule, one column
// per appliance, so a large site's state fits on one screen.
type matrix struct {
	Columns []string // appliance names, in the report's order
	Rows    []matrixRow
}

type matrixRow struct {
	ID    string
	Title string
	// Cells holds, per column, the most pressing status of the rule's
	// findings about that appliance; "" when it has none.
	Cells []rules.Status
}

// matrix places each finding by its appliance_id, and a cluster's finding
// under every member examined, so a member's column never reads as clean.
func (r *Report) matrix() matrix {
	var m matrix
	m.Columns = r.headings()
	row := map[string]int{}
	for _, f := range r.Findings {
		i, ok := row[f.ID]
		if !ok {
			i = len(m.Rows)
			row[f.ID] = i
			m.Rows = append(m.Rows, matrixRow{ID: f.ID, Title: f.Title, Cells: make([]rules.Status, len(m.Columns))})
		}
		cells := m.Rows[i].Cells
		for c, a := range r.Appliances {
			about := f.ApplianceID != "" && f.ApplianceID == a.ID ||
				a.Cluster != "" && a.Cluster != "standalone" && f.Appliance == "cluster "+a.Cluster
			if about && (cells[c] == "" || statusRank(f.Status) < statusRank(cells[c])) {
				cells[c] = f.Status
			}
		}
	}
	return m
}

// siteName is how the title names the deployment: the given site, else
// its SMA, else its first ESA.
func (r *Report) siteName() string {
	if r.site != "" {
		return r.site
	}
	var esa string
	for _, a := range r.Appliances {
		if a.Role == "sma" {
			return a.Name()
		}
		if esa == "" {
			esa = a.Name()
		}
	}
	return esa
}

// startedDay is the run's start as a title shows it, or "" when unknown.
func (r *Report) startedDay() string {
	t, err := time.Parse(time.RFC3339, r.StartedAt)
	if err != nil || t.IsZero() || t.Year() <= 1 {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// titleHead is "pvo-doctor report for SITE, DATE", leaving out what is not
// known.
func (r *Report) titleHead() string {
	parts := []string{r.Tool.Name + " report"}
	if s := r.siteName(); s != "" {
		parts[0] += " for " + s
	}
	if d := r.startedDay(); d != "" {
		parts = append(parts, d)
	}
	return strings.Join(parts, ", ")
}
