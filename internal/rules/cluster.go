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
