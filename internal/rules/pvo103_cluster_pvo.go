package rules

import (
	"fmt"
	"net"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// clusterPVO is PVO-103: enabling PVO at cluster level needs every member
// on the SMA, the PVO interface's name on every member, and no PVO
// settings defined below the level being enabled.
func clusterPVO() Rule {
	r := Rule{
		ID:       "PVO-103",
		Title:    "Cluster is ready for centralized PVO",
		Severity: SeverityMedium,
		Description: "At cluster level, every member must be added on the SMA, the interface PVO uses must have " +
			"the same name on every member (Data1 on one and data_1 on another will not do), and the PVO " +
			"quarantine settings must not be defined again at group or machine level.",
		Commands: []string{"ESA: clusterconfig (LIST)", "SMA: applianceconfig",
			"every cluster member: interfaceconfig (machine mode)", "ESA: deliveryconfig",
			"ESA: quarantineconfig in every cluster mode (a NOTICE means the PVO settings are not defined there)"},
		Pass:    "every member is in the SMA's list, the PVO interface name exists on every member, and the PVO settings are defined at cluster level only",
		Fail:    "a member is missing from the SMA's list, lacks the PVO interface name, or the PVO settings are defined at group or machine level",
		Unknown: "the SMA's list, a member's interfaceconfig, the delivery interface or the PVO settings' level was not read",
		Fix: &Fix{
			Summary: "Add every member on the SMA, give the PVO interface the same name on every member, and keep the PVO settings at cluster level.",
			Steps: []string{"on the SMA: applianceconfig → ADD each missing member, SERVICES → Centralized Policy Quarantine Y, commit",
				"on each member (clustermode machine <host>): interfaceconfig → EDIT the interface so its name matches, commit (disruptive: plan a window)",
				"remove the machine- or group-level PVO quarantine settings (Centralized Management Options in the GUI), commit",
				"or enable PVO at machine level instead"},
		},
	}
	r.Scope = ScopeCluster
	r.Reads = []Read{
		{Role: facts.RoleESA, Command: "clusterconfig"},
		{Role: facts.RoleSMA, Command: "applianceconfig"},
		{Role: facts.RoleESA, Command: "interfaceconfig"},
		{Role: facts.RoleESA, Command: "deliveryconfig"},
		{Role: facts.RoleESA, Command: pvoLevels},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkClusterPVO(site, s.cluster) }
	return r
}

func (r Rule) checkClusterPVO(site *facts.Site, c *cluster) Finding {
	f := r.finding(c.label(), StatusUnknown)
	f.Expected = "every member on the SMA, the PVO interface on every member, PVO settings at cluster level"
	var problems, todo []string
	if len(c.members) == 0 {
		f.Summary = fmt.Sprintf("clusterconfig on %s lists no machines in %s; run `clusterconfig` → LIST on %s.", c.first(), c.label(), c.first())
		f.Actual = "no members listed"
		f.Evidence = append(f.Evidence, clusterEvidence(c)...)
		return f
	}
	// 1. Every member on the SMA.
	switch {
	case site.SMA == nil || site.SMA.Managed == nil:
		todo = append(todo, "`applianceconfig` on the SMA")
	default:
		var missing []string
		for _, m := range c.members {
			names, known := machineNames(site, m)
			if site.SMA.Managed.Find(names...) != nil {
				continue
			}
			if !known && len(site.SMA.Managed.Appliances) > 0 {
				todo = append(todo, "`interfaceconfig` on "+m+" (to match it to the SMA's list by address)")
				continue
			}
			missing = append(missing, m)
		}
		if len(missing) > 0 {
			problems = append(problems, "the SMA does not manage "+strings.Join(missing, ", "))
			f.Evidence = append(f.Evidence, managedEvidence(site, nil))
		}
	}
	// 2. The PVO interface's name on every member.
	name, why := pvoInterface(site, c)
	if name == "" {
		todo = append(todo, why)
	} else {
		var lacking []string
		for _, m := range c.members {
			ifs := memberInterfaces(c, m)
			if ifs == nil {
				todo = append(todo, "`interfaceconfig` on "+m+" (clustermode machine "+m+")")
				continue
			}
			if !hasInterface(ifs, name) {
				lacking = append(lacking, fmt.Sprintf("%s (has %s)", m, interfaceNames(ifs)))
				f.Evidence = append(f.Evidence, quote(m, ifs.Evidence))
			}
		}
		if len(lacking) > 0 {
			problems = append(problems, fmt.Sprintf("the PVO interface %s (%s) is missing on %s", name, why, strings.Join(lacking, "; ")))
		}
	}
	// 3. PVO settings at cluster level only.
	var sl *facts.SettingLevel
	var slFrom string
	for _, a := range c.esas {
		if x := a.SettingLevels[facts.SettingPVO]; x != nil {
			sl, slFrom = x, a.Name()
		}
	}
	if sl == nil {
		todo = append(todo, "`quarantineconfig` in every cluster mode on "+c.first())
	} else {
		var below []string
		for _, d := range sl.Definitions {
			if d.Level != facts.LevelCluster {
				below = append(below, strings.TrimSpace(string(d.Level)+" "+d.Name))
			}
		}
		if len(below) > 0 {
			problems = append(problems, "the PVO quarantine settings are also defined at "+strings.Join(below, ", "))
			f.Evidence = append(f.Evidence, quote(slFrom, sl.Evidence))
		}
	}
	switch {
	case len(problems) > 0:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("In %s, %s.", c.label(), strings.Join(problems, "; "))
		f.Actual = strings.Join(problems, "; ")
		f.Fix = r.fix()
		if len(todo) > 0 {
			f.Summary += " Not yet checked: run " + strings.Join(todo, "; ") + "."
		}
	case len(todo) > 0:
		f.Summary = fmt.Sprintf("%s could not be fully checked; run %s.", c.label(), strings.Join(todo, "; "))
		f.Actual = "not read: " + strings.Join(todo, "; ")
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("Every member of %s is on the SMA, has the PVO interface %s, and the PVO settings are at cluster level only.", c.label(), name)
		f.Actual = fmt.Sprintf("%d members managed; interface %s on all; cluster level", len(c.members), name)
		f.Evidence = append(f.Evidence, quote(slFrom, sl.Evidence))
	}
	return f
}

// pvoInterface names the interface PVO traffic leaves by, from the first
// examined member: the named default delivery interface, or with Auto the
// interface whose subnet holds the SMA's PVO address. why says how it was
// chosen, or, when name is "", what to run.
func pvoInterface(site *facts.Site, c *cluster) (name, why string) {
	a := c.esas[0]
	if a.Delivery == nil || strings.TrimSpace(a.Delivery.DefaultInterface) == "" {
		return "", "`deliveryconfig` on " + a.Name()
	}
	if !isAuto(a.Delivery) {
		return strings.TrimSpace(a.Delivery.DefaultInterface), "the default delivery interface"
	}
	ip := ipOf(site.PVOHost)
	if ip == nil {
		return "", "nothing: with Auto delivery the PVO interface follows the SMA's address, which is not an IP (give --sma-pvo-host as an IP)"
	}
	self := selfName(a)
	if memberInterfaces(c, self) == nil && len(c.members) > 0 {
		self = c.members[0]
	}
	ifs := memberInterfaces(c, self)
	if ifs == nil {
		return "", "`interfaceconfig` on " + self
	}
	for _, i := range ifs.List {
		addr := net.ParseIP(i.Address)
		if addr == nil || i.PrefixLen <= 0 {
			continue
		}
		bits := 32
		if addr.To4() == nil {
			bits = 128
		}
		n := &net.IPNet{IP: addr.Mask(net.CIDRMask(i.PrefixLen, bits)), Mask: net.CIDRMask(i.PrefixLen, bits)}
		if n.Contains(ip) {
			return i.Name, fmt.Sprintf("the interface on %s's subnet, chosen by Auto", ip)
		}
	}
	return "", fmt.Sprintf("nothing: no interface of %s is on %s's subnet, so Auto routes it; check the SMA's address", self, ip)
}

func memberInterfaces(c *cluster, member string) *facts.Interfaces {
	return memberFact(c, member, func(a *facts.Appliance) map[string]*facts.Interfaces { return a.Interfaces })
}

func hasInterface(ifs *facts.Interfaces, name string) bool {
	for _, i := range ifs.List {
		if i.Name == name {
			return true
		}
	}
	return false
}

func interfaceNames(ifs *facts.Interfaces) string {
	var out []string
	for _, i := range ifs.List {
		out = append(out, i.Name)
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
