package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// settingNames is how findings name a setting; the command that shows its
// levels is facts' one map (Setting.Command).
var settingNames = map[facts.Setting]string{
	facts.SettingContentFilters: "content filters",
	facts.SettingMessageFilters: "message filters",
	facts.SettingDLP:            "DLP",
	facts.SettingDMARC:          "DMARC",
}

// settingLevels is case 6: content filters, message filters, DLP or DMARC
// defined below cluster level block the PVO migration for the cluster.
func settingLevels() Rule {
	r := Rule{
		ID:       "PVO-006",
		Case:     6,
		Title:    "Cluster settings sit at cluster level",
		Severity: SeverityMedium,
		Description: "In a cluster, centralized PVO needs content filters, message filters, DLP and DMARC " +
			"defined at cluster level only; a group- or machine-level definition makes the migration refuse the cluster.",
		Commands: []string{"ESA: clusterconfig", "ESA, in every cluster mode (cluster, each group, each machine): policyconfig, filters, dlpconfig, dmarcconfig (a NOTICE means not defined there)"},
		Pass:     "the levels of all four settings were read and each is defined at cluster level only",
		Fail:     "any of them is defined at group or machine level",
		Unknown:  "clusterconfig or any setting's levels were not read",
		Fix: &Fix{
			Summary: "Move the group- or machine-level settings to cluster level, or remove the machine from the cluster and rejoin it.",
			Steps: []string{
				"ESA web interface: on each setting's page, Centralized Management Options → move (or copy, then delete) the group or machine settings to the cluster level",
				"or CLI, in cluster mode: clusterconfig → REMOVEMACHINE → the machine, then join it again with clusterconfig",
				"commit",
			},
		},
	}
	r.Scope = ScopeCluster
	r.Reads = []Read{{Role: facts.RoleESA, Command: "clusterconfig"}}
	for _, s := range facts.ClusterSettings {
		r.Reads = append(r.Reads, Read{Role: facts.RoleESA, Command: s.Command()})
	}
	r.judge = func(_ *facts.Site, s subject) Finding { return r.checkSettingLevels(s.cluster) }
	return r
}

func (r Rule) checkSettingLevels(c *cluster) Finding {
	f := r.finding(c.label(), StatusUnknown)
	f.Expected = "content filters, message filters, DLP and DMARC at cluster level only"
	var below, odd []string
	var unread, cmds []string
	for _, s := range facts.ClusterSettings {
		name := settingNames[s]
		read := false
		for _, a := range c.esas {
			sl := a.SettingLevels[s]
			if sl == nil {
				continue
			}
			read = true
			f.Evidence = append(f.Evidence, quote(a.Name(), sl.Evidence, "defined at"))
			for _, d := range sl.Definitions {
				where := fmt.Sprintf("%s at %s level (%s)", name, d.Level, d.Name)
				switch d.Level {
				case facts.LevelCluster:
				case facts.LevelGroup, facts.LevelMachine:
					if !containsFold(below, where) {
						below = append(below, where)
					}
				default:
					odd = append(odd, where)
				}
			}
		}
		if !read {
			unread = append(unread, name)
			cmds = append(cmds, "`"+s.Command()+"`")
		}
	}
	switch {
	case len(below) > 0:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("In %s, %s: PVO needs them at cluster level only.", c.label(), strings.Join(below, "; "))
		f.Actual = strings.Join(below, "; ")
		f.Fix = r.fix()
	case len(odd) > 0:
		f.Summary = fmt.Sprintf("In %s, a level pvo-doctor does not recognise was read (%s); run `clustermode cluster` and the setting's command on %s and check where it is defined.",
			c.label(), strings.Join(odd, "; "), c.first())
		f.Actual = strings.Join(odd, "; ")
	case len(unread) > 0:
		f.Summary = fmt.Sprintf("The levels of %s were not read in %s; run %s in every cluster mode (clustermode cluster, each group, each machine) on %s, answering a NOTICE with N: it means \"not defined here\".",
			strings.Join(unread, ", "), c.label(), strings.Join(cmds, ", "), c.first())
		f.Actual = "not read: " + strings.Join(unread, ", ")
		for _, a := range c.esas {
			f.Evidence = append(f.Evidence, errorEvidence(a, stepErrors(a, "policyconfig", "filters", "dlpconfig", "dmarcconfig", "clustermode"))...)
		}
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("In %s, content filters, message filters, DLP and DMARC are defined at cluster level only.", c.label())
		f.Actual = "all four at cluster level only"
	}
	return f
}
