package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// smaNames are every name and address the saved SMA shows for itself: its
// hostname, its interfaces' addresses and hostnames, and the addresses
// its listeners are bound to.
func smaNames(sma *facts.Appliance) []string {
	if sma == nil {
		return nil
	}
	var names []string
	add := func(s string) {
		s = strings.Trim(strings.TrimSpace(s), "[]")
		if s != "" && !wildcard(s) && !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, s) }) {
			names = append(names, s)
		}
	}
	add(sma.Hostname)
	for _, ifs := range sma.Interfaces {
		if ifs == nil {
			continue
		}
		for _, i := range ifs.List {
			add(i.Address)
			add(i.Hostname)
		}
	}
	if sma.TCPServices != nil {
		for _, l := range sma.TCPServices.Listeners {
			add(l.Address)
		}
	}
	return names
}

// bannerHost is the name an ESMTP 220 greeting gives: "220 sma.example.com
// ESMTP" names sma.example.com.
func bannerHost(banner string) string {
	f := strings.Fields(strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(banner), "220"), "- "))
	if len(f) == 0 {
		return ""
	}
	return strings.TrimSuffix(f[0], ".")
}

// savedPVOEndpoint settles where the saved ESAs probed the SMA's PVO
// listener, as check would have: --sma-pvo-host when given; else the port
// from the SMA's tcpservices (cpq_listener), and as host whichever of the
// SMA's names the ESAs' telnet or tlsverify reached on it. A probe to an
// address the SMA's output does not show counts as the SMA's when its
// 220 banner or its tlsverify domain names the SMA; when the only sign is
// that one host answered on the PVO port, the reason says so. Probes to
// another of the SMA's names are filed under the chosen one, so every
// rule sees them as probes of the SMA.
func savedPVOEndpoint(site *facts.Site, given session.Address) {
	if given.Host != "" {
		site.PVOHost, site.PVOPort, site.PVOSource = given.Host, given.Port, "given with --sma-pvo-host"
		return
	}
	sma := site.SMA
	names := smaNames(sma)
	site.PVOPort = given.Port
	portWhy := ""
	if sma != nil && sma.TCPServices != nil {
		for _, l := range sma.TCPServices.Listeners {
			if strings.EqualFold(l.Process, "cpq_listener") && l.Port > 0 {
				site.PVOPort = l.Port
				portWhy = fmt.Sprintf("the port of the SMA's cpq_listener in its tcpservices (%d)", l.Port)
				break
			}
		}
	}
	isSMA := func(h string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, strings.Trim(h, "[]")) })
	}
	// Each host the ESAs probed on the PVO port, and why it is the SMA.
	why := map[string]string{}
	var order, answered []string
	note := func(host, reason string) {
		if host == "" {
			return
		}
		k := strings.ToLower(host)
		if _, ok := why[k]; !ok {
			order = append(order, host)
			why[k] = reason
		} else if why[k] == "" {
			why[k] = reason
		}
	}
	for _, a := range site.ESAs {
		for _, p := range a.Probes {
			if p.Port != site.PVOPort || p.Host == "" {
				continue
			}
			switch b := bannerHost(p.Banner); {
			case isSMA(p.Host):
				note(p.Host, "one of the SMA's own names or addresses")
			case b != "" && isSMA(b):
				note(p.Host, fmt.Sprintf("its ESMTP banner names the SMA (%s)", b))
			default:
				note(p.Host, "")
				if p.Outcome == facts.ProbeConnected && !slices.Contains(answered, p.Host) {
					answered = append(answered, p.Host)
				}
			}
		}
		if tv := a.TLSVerify; tv != nil && tv.Port == site.PVOPort && tv.Host != "" {
			switch {
			case isSMA(tv.Host):
				note(tv.Host, "one of the SMA's own names or addresses")
			case tv.Domain != "" && isSMA(tv.Domain):
				note(tv.Host, fmt.Sprintf("the tlsverify domain names the SMA (%s)", tv.Domain))
			default:
				note(tv.Host, "")
			}
		}
	}
	var chosen []string
	for _, h := range order {
		if why[strings.ToLower(h)] != "" {
			chosen = append(chosen, h)
		}
	}
	reason := ""
	switch {
	case len(chosen) > 0:
		site.PVOHost = chosen[0]
		reason = fmt.Sprintf("%s is the SMA: %s", chosen[0], why[strings.ToLower(chosen[0])])
	case len(answered) == 1 && sma == nil || len(answered) == 1 && len(order) == 1:
		site.PVOHost = answered[0]
		reason = fmt.Sprintf("the only candidate for the SMA is %s, the host that answered on the PVO port; nothing in the SMA's output names it (give --sma-pvo-host to say otherwise)", answered[0])
	case sma != nil:
		site.PVOHost = sma.Hostname
		if site.PVOHost != "" {
			reason = "the SMA's hostname; no ESA probe reached another of its names"
		}
	}
	if portWhy != "" {
		reason = strings.TrimPrefix(reason+"; port: "+portWhy, "; ")
	}
	site.PVOSource = reason
	for _, a := range site.ESAs {
		for i := range a.Probes {
			p := &a.Probes[i]
			if p.Port == site.PVOPort && p.Host != "" && !strings.EqualFold(p.Host, site.PVOHost) && slices.Contains(chosen, p.Host) {
				p.Host = site.PVOHost
			}
		}
		if tv := a.TLSVerify; tv != nil && tv.Port == site.PVOPort && !strings.EqualFold(tv.Host, site.PVOHost) && slices.Contains(chosen, tv.Host) {
			tv.Host = site.PVOHost
		}
	}
}
