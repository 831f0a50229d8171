package rules

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// cluster is one ESA cluster as seen from the ESAs examined.
type cluster struct {
	name    string
	esas    []*facts.Appliance
	members []string // from clusterconfig LIST, merged across the ESAs
}

func (c *cluster) label() string {
	if c.name == "" {
		return "cluster (unnamed)"
	}
	return "cluster " + c.name
}

// first is the ESA findings about the cluster send people to.
func (c *cluster) first() string { return c.esas[0].Name() }

// clusterFindings groups the ESAs by cluster and judges each cluster with
// judge; standalone ESAs are not_applicable and ESAs whose clusterconfig was
// not read are unknown, so every ESA is accounted for.
func (r Rule) clusterFindings(site *facts.Site, judge func(c *cluster) Finding) []Finding {
	if len(site.ESAs) == 0 {
		return []Finding{r.noESA("run `clusterconfig` on each ESA")}
	}
	var out []Finding
	var clusters []*cluster
	byName := map[string]*cluster{}
	for _, a := range site.ESAs {
		switch {
		case a.Cluster == nil:
			out = append(out, r.notCollected(a, "`clusterconfig`", missingErrors(a, "clusterconfig"), "run `clusterconfig` on "+a.Name()))
		case a.Cluster.Standalone:
			f := r.finding(a.Name(), StatusNotApplicable)
			f.Summary = a.Name() + " is not in a cluster (clusterconfig offers to create or join one)."
			f.Expected = "a cluster member"
			f.Actual = "standalone"
			f.Evidence = append(f.Evidence, quote(a.Name(), a.Cluster.Evidence, "cluster"))
			out = append(out, f)
		default:
			key := strings.ToLower(a.Cluster.Name)
			c := byName[key]
			if c == nil {
				c = &cluster{name: a.Cluster.Name}
				byName[key] = c
				clusters = append(clusters, c)
			}
			c.esas = append(c.esas, a)
			for _, m := range a.Cluster.Members() {
				if !containsFold(c.members, m) {
					c.members = append(c.members, m)
				}
			}
		}
	}
	for _, c := range clusters {
		out = append(out, judge(c))
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// clusterEvidence quotes each examined member's clusterconfig.
func clusterEvidence(c *cluster) []Evidence {
	out := make([]Evidence, 0, len(c.esas))
	for _, a := range c.esas {
		out = append(out, quote(a.Name(), a.Cluster.Evidence, "cluster", "Machine", "Group"))
	}
	return out
}
