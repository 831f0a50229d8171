package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// featureKeys is case 5: cluster members with different feature keys (say,
// DLP on one host only) keep their DLP and content-filter settings at
// machine level, and the PVO migration refuses the cluster.
func featureKeys() Rule {
	r := Rule{
		ID:       "PVO-005",
		Case:     5,
		Title:    "Cluster members have the same feature keys",
		Severity: SeverityMedium,
		Description: "When cluster members have different feature keys (e.g. Data Loss Prevention on one host " +
			"only), their content filters and DLP actions cannot live at cluster level, and the PVO migration " +
			"fails with \"… have content filters / DLP actions available at a level different from the cluster level\".",
		Commands: []string{"ESA: clusterconfig (LIST)", "every cluster member: featurekey (machine mode)"},
		Pass:     "every member's feature keys were read and all members have the same set of modules",
		Fail:     "a member lacks a module another member has",
		Unknown:  "clusterconfig or a member's featurekey was not collected",
		Fix: &Fix{
			Summary: "Give every cluster member the same feature keys, then align their settings at cluster level.",
			Steps: []string{
				"on the member that lacks a module: featurekey → ACTIVATE (or CHECKNOW) to install its key, or obtain the key from Cisco licensing",
				"featurekey on every member (clustermode machine <host>): the module lists must match",
				"run the SMA's PVO migration wizard again",
			},
		},
	}
	r.Scope = ScopeCluster
	r.Reads = []Read{{Role: facts.RoleESA, Command: "clusterconfig"}, {Role: facts.RoleESA, Command: "featurekey"}}
	r.judge = func(_ *facts.Site, s subject) Finding { return r.checkFeatureKeys(s.cluster) }
	return r
}

func (r Rule) checkFeatureKeys(c *cluster) Finding {
	f := r.finding(c.label(), StatusUnknown)
	f.Expected = "the same feature-key modules on every member"
	if len(c.members) == 0 {
		f.Summary = fmt.Sprintf("clusterconfig on %s lists no machines in %s; run `clusterconfig` → LIST on %s.", c.first(), c.label(), c.first())
		f.Actual = "no members listed"
		f.Evidence = append(f.Evidence, clusterEvidence(c)...)
		return f
	}
	keys := map[string]*facts.FeatureKeys{}
	var missing, read []string
	for _, m := range c.members {
		if fk := memberKeys(c, m); fk != nil {
			keys[m] = fk
			read = append(read, m)
		} else {
			missing = append(missing, m)
		}
	}
	notRead := func() Finding {
		f.Summary = fmt.Sprintf("The feature keys of %s were not read; run `featurekey` on %s (in a cluster: `clustermode machine <host>` first).",
			strings.Join(missing, ", "), strings.Join(missing, ", "))
		f.Actual = "not read for " + strings.Join(missing, ", ")
		for _, a := range c.esas {
			f.Evidence = append(f.Evidence, errorEvidence(a, stepErrors(a, "featurekey", "clustermode"))...)
		}
		return f
	}
	if len(read) < 2 && len(missing) > 0 {
		return notRead()
	}
	// Modules compare by name; "Dormant" or expiring keys still count, as
	// the tech note's mismatch is about keys present, not their state.
	// Members read that already differ fail the rule whatever the unread
	// ones hold; the engine names those.
	union := map[string]string{}
	sets := map[string]map[string]bool{}
	for _, m := range read {
		sets[m] = map[string]bool{}
		for _, k := range keys[m].Keys {
			n := normModule(k.Module)
			sets[m][n] = true
			union[n] = strings.TrimSpace(k.Module)
		}
	}
	var lacks []string
	lacking := map[string][]string{}
	for _, m := range read {
		for n, shown := range union {
			if !sets[m][n] {
				lacking[m] = append(lacking[m], shown)
			}
		}
		if len(lacking[m]) > 0 {
			sort.Strings(lacking[m])
			lacks = append(lacks, fmt.Sprintf("%s lacks %s", m, strings.Join(lacking[m], ", ")))
		}
	}
	for _, m := range read {
		ev := keys[m].Evidence
		var e Evidence
		if len(lacks) == 0 || len(lacking[m]) > 0 {
			e = quote(m, ev)
		} else {
			e = quote(m, ev, missingEverywhere(lacking)...)
		}
		f.Evidence = append(f.Evidence, e)
	}
	if len(lacks) > 0 {
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("In %s, %s, so settings that depend on those keys cannot sit at cluster level.", c.label(), strings.Join(lacks, "; "))
		f.Actual = strings.Join(lacks, "; ")
		f.Fix = r.fix()
		return f
	}
	if len(missing) > 0 {
		f.Evidence = []Evidence{}
		return notRead()
	}
	f.Status = StatusPass
	f.Summary = fmt.Sprintf("All %d members of %s have the same %d feature-key modules.", len(c.members), c.label(), len(union))
	f.Actual = fmt.Sprintf("%d members, %d modules each", len(c.members), len(union))
	return f
}

// memberKeys finds a member's keys in any examined ESA's map: one session
// can read every member's keys through clustermode machine.
func memberKeys(c *cluster, member string) *facts.FeatureKeys {
	return memberFact(c, member, func(a *facts.Appliance) map[string]*facts.FeatureKeys { return a.FeatureKeys })
}

// memberFact finds a member's per-machine fact in any examined ESA's map.
func memberFact[T any](c *cluster, member string, of func(*facts.Appliance) map[string]*T) *T {
	for _, a := range c.esas {
		if v := lookupFold(of(a), member); v != nil {
			return v
		}
	}
	return nil
}

func normModule(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func missingEverywhere(lacking map[string][]string) []string {
	var out []string
	for _, mods := range lacking {
		out = append(out, mods...)
	}
	return out
}
