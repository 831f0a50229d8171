package rules

import (
	"net"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// noSMA is the finding for a site without an SMA session, for the rules
// that read the SMA; todo says what to run there.
func (r Rule) noSMA(appliance, todo string) Finding {
	f := r.finding(appliance, StatusUnknown)
	f.Summary = "No SMA was examined; " + todo + "."
	f.Expected = "the SMA's session"
	f.Actual = "no SMA"
	return f
}

// smaManaged returns the SMA's appliance list, or the unknown finding that
// says why it is missing.
func (r Rule) smaManaged(site *facts.Site, appliance string) (*facts.ManagedAppliances, *Finding) {
	const todo = "run `applianceconfig` on the SMA"
	if site.SMA == nil {
		f := r.noSMA(appliance, todo)
		return nil, &f
	}
	if site.SMA.Managed == nil {
		f := r.notCollected(site.SMA, "`applianceconfig`", missingErrors(site.SMA, "applianceconfig"), todo)
		f.Appliance = appliance
		return nil, &f
	}
	return site.SMA.Managed, nil
}

// machineNames are the names and addresses a machine may have been added
// to the SMA by: its hostname, and each interface's IP and hostname as
// any examined ESA's interfaceconfig shows them. known is false when no
// interfaceconfig of the machine was read, so an IP match was impossible.
func machineNames(site *facts.Site, machine string, extra ...string) (names []string, known bool) {
	names = append(names, machine)
	for _, x := range extra {
		if x != "" {
			names = append(names, x)
		}
	}
	for _, a := range site.ESAs {
		for host, ifs := range a.Interfaces {
			if ifs == nil || !strings.EqualFold(host, machine) {
				continue
			}
			known = true
			for _, i := range ifs.List {
				names = append(names, i.Address, i.Hostname)
			}
		}
	}
	return names, known
}

// managedEntry finds the SMA's row for ESA a. definite is true when the
// answer, found or not, can be trusted: a match, or no match although
// the ESA's interface addresses were known (or the list is empty).
func managedEntry(site *facts.Site, m *facts.ManagedAppliances, a *facts.Appliance) (e *facts.ManagedAppliance, definite bool) {
	host, _, err := net.SplitHostPort(stripUser(a.Address))
	if err != nil {
		host = stripUser(a.Address)
	}
	names, known := machineNames(site, selfName(a), host)
	if e := m.Find(names...); e != nil {
		return e, true
	}
	return nil, known || len(m.Appliances) == 0
}

func stripUser(addr string) string {
	if _, h, ok := strings.Cut(addr, "@"); ok {
		return h
	}
	return addr
}

// managedEvidence quotes the SMA's list, or the one appliance's lines.
func managedEvidence(site *facts.Site, e *facts.ManagedAppliance, keys ...string) Evidence {
	if e != nil {
		return quote(site.SMA.Name(), e.Evidence, keys...)
	}
	return quote(site.SMA.Name(), site.SMA.Managed.Evidence)
}

// ipOf returns host as an IP, or nil when it is a name.
func ipOf(host string) net.IP {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return net.ParseIP(strings.Trim(host, "[]"))
}

// selfName is the machine an ESA session ran on: its hostname, or, for a
// session whose prompt shows only the cluster, the member whose serial
// number `version` showed.
func selfName(a *facts.Appliance) string {
	if a.Hostname != "" || a.Version == nil || a.Version.Serial == "" || a.Cluster == nil {
		return a.Name()
	}
	if m := a.Cluster.MachineBySerial(a.Version.Serial); m != "" {
		return m
	}
	return a.Name()
}

// esaLabel names an ESA in a summary: the machine, and the session's
// address when that is all the finding's appliance says.
func esaLabel(a *facts.Appliance) string {
	if n := selfName(a); n != a.Name() {
		return n + " (" + a.Name() + ")"
	}
	return a.Name()
}
