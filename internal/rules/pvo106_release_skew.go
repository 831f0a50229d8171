package rules

import (
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// First releases with centralized PVO (TN200068, TN118026).
const (
	firstPVOESAMajor, firstPVOESAMinor = 8, 0
	firstPVOSMAMajor, firstPVOSMAMinor = 8, 1
)

// compatibilityMatrix is where Cisco publishes which pairs work; pvo-doctor
// carries no copy of it, so it never invents a row.
const compatibilityMatrix = "Cisco's ESA/SMA compatibility matrix (SMA online help: SMA Compatibility Matrix)"

// releaseSkew is PVO-106: an ESA newer than its SMA, or releases older
// than centralized PVO itself.
func releaseSkew() Rule {
	r := Rule{
		ID:       "PVO-106",
		Title:    "ESA release is not newer than the SMA's",
		Severity: SeverityHigh,
		Description: "An SMA manages ESAs of its own release and older ones; an ESA upgraded before its SMA is " +
			"generally unsupported, which is why Cisco upgrades the SMA first. Centralized PVO needs ESA 8.0 and " +
			"SMA 8.1 or later. Other pairs pass here; confirm them in " + compatibilityMatrix + ".",
		Commands: []string{"ESA: version", "SMA: version"},
		Pass:     "both releases are recent enough and the ESA's major.minor is not newer than the SMA's (check the matrix for the exact pair)",
		Fail:     "the ESA's major.minor is newer than the SMA's, the ESA is older than 8.0, or the SMA older than 8.1",
		Unknown:  "`version` was not read on the ESA or the SMA",
		Fix: &Fix{
			Summary: "Upgrade the SMA first, to a release that supports the ESA's, then the ESAs.",
			Steps: []string{"look up the pair in " + compatibilityMatrix,
				"on the SMA: upgrade (System Administration > System Upgrade)", "then upgrade the ESAs if needed"},
		},
	}
	r.Scope = ScopeESA
	r.Reads = []Read{{Role: facts.RoleESA, Command: "version"}, {Role: facts.RoleSMA, Command: "version"}}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkSkew(site, s.app) }
	return r
}

func before(v *facts.Version, major, minor int) bool {
	return v.Major < major || v.Major == major && v.Minor < minor
}

func (r Rule) checkSkew(site *facts.Site, a *facts.Appliance) Finding {
	if a.Version == nil {
		return r.notCollected(a, "`version`", missingErrors(a, "version"), "run `version` on "+a.Name())
	}
	sma := site.SMA
	if sma == nil {
		f := r.noSMA(a.Name(), "run `version` on the SMA")
		return f
	}
	if sma.Version == nil {
		f := r.notCollected(sma, "`version`", missingErrors(sma, "version"), "run `version` on the SMA")
		f.Appliance = a.Name()
		return f
	}
	ev, sv := a.Version, sma.Version
	f := r.finding(a.Name(), StatusFail)
	f.Expected = fmt.Sprintf("ESA %d.%d+ and SMA %d.%d+, the ESA not newer than the SMA", firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor)
	f.Actual = fmt.Sprintf("ESA %s, SMA %s", ev.Raw, sv.Raw)
	f.Evidence = append(f.Evidence, quote(a.Name(), ev.Evidence, "Version:"), quote(sma.Name(), sv.Evidence, "Version:"))
	switch {
	case before(ev, firstPVOESAMajor, firstPVOESAMinor) || before(sv, firstPVOSMAMajor, firstPVOSMAMinor):
		f.Summary = fmt.Sprintf("%s runs AsyncOS %s and the SMA %s: centralized PVO needs ESA %d.%d and SMA %d.%d or later.",
			a.Name(), ev.Raw, sv.Raw, firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor)
		f.Fix = r.fix()
	case ev.Major > sv.Major || ev.Major == sv.Major && ev.Minor > sv.Minor:
		f.Summary = fmt.Sprintf("%s runs AsyncOS %d.%d, newer than the SMA %s's %d.%d: upgrade the SMA first.",
			a.Name(), ev.Major, ev.Minor, sma.Name(), sv.Major, sv.Minor)
		f.Fix = r.fix()
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("%s runs AsyncOS %d.%d and the SMA %d.%d: not newer than its SMA; confirm the exact pair in %s.",
			a.Name(), ev.Major, ev.Minor, sv.Major, sv.Minor, compatibilityMatrix)
	}
	return f
}
