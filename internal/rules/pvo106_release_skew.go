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

// sharedNumberingMajor is the first ESA major release whose SMA carries the
// same number. Before it the numbers diverged (SMA 8.3 was the management
// release of ESA 8.5, SMA 9.1 of ESA 9.6), so comparing them said nothing;
// from it on an SMA of major N manages ESAs of major N and older, and an
// ESA major above its SMA's is a pair no SMA release of that number knows.
const sharedNumberingMajor = 11

// compatibilityMatrix is where Cisco publishes which pairs work; pvo-doctor
// carries no copy of it, so it never invents a row.
const compatibilityMatrix = "Cisco's ESA/SMA compatibility matrix (SMA online help: SMA Compatibility Matrix)"

// releaseSkew is PVO-106: a pair known not to work. It fails only where
// no matrix row is needed to know it (an ESA major release above the
// SMA's once both share numbering, or a release older than centralized
// PVO itself) and otherwise passes with the pointer to Cisco's matrix.
func releaseSkew() Rule {
	r := Rule{
		ID:       "PVO-106",
		Title:    "ESA and SMA releases are not a known-incompatible pair",
		Severity: SeverityHigh,
		Description: fmt.Sprintf("Centralized PVO needs ESA %d.%d and SMA %d.%d or later. From release %d on, ESA and SMA "+
			"share release numbers and an SMA manages ESAs of its own major release and older, so an ESA of a newer "+
			"major release is unsupported (Cisco upgrades the SMA first). Before %d the numbers diverged "+
			"(SMA 8.3 managed ESA 8.5), so those pairs, and minor releases within one major, are left to %s.",
			firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor, sharedNumberingMajor, sharedNumberingMajor, compatibilityMatrix),
		Commands: []string{"ESA: version", "SMA: version"},
		Pass:     "both releases are recent enough and no known incompatibility applies (check the matrix for the exact pair)",
		Fail:     fmt.Sprintf("from release %d on, the ESA's major release is above the SMA's; or the ESA is older than %d.%d, or the SMA older than %d.%d", sharedNumberingMajor, firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor),
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
	f.Expected = fmt.Sprintf("ESA %d.%d+ and SMA %d.%d+, and from %d on an SMA of at least the ESA's major release",
		firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor, sharedNumberingMajor)
	f.Actual = fmt.Sprintf("ESA %s, SMA %s", ev.Raw, sv.Raw)
	f.Evidence = append(f.Evidence, quote(a.Name(), ev.Evidence, "Version:"), quote(sma.Name(), sv.Evidence, "Version:"))
	switch {
	case before(ev, firstPVOESAMajor, firstPVOESAMinor) || before(sv, firstPVOSMAMajor, firstPVOSMAMinor):
		f.Summary = fmt.Sprintf("%s runs AsyncOS %s and the SMA %s: centralized PVO needs ESA %d.%d and SMA %d.%d or later.",
			a.Name(), ev.Raw, sv.Raw, firstPVOESAMajor, firstPVOESAMinor, firstPVOSMAMajor, firstPVOSMAMinor)
		f.Fix = r.fix()
	case ev.Major >= sharedNumberingMajor && ev.Major > sv.Major:
		f.Summary = fmt.Sprintf("%s runs AsyncOS %d.%d, a major release above the SMA %s's %d.%d; an SMA manages ESAs of its own major release and older: upgrade the SMA first.",
			a.Name(), ev.Major, ev.Minor, sma.Name(), sv.Major, sv.Minor)
		f.Fix = r.fix()
	case ev.Major < sharedNumberingMajor || sv.Major < sharedNumberingMajor:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("%s runs AsyncOS %d.%d and the SMA %d.%d: before %d.0 ESA and SMA numbers differ, so only %s can say whether this pair works.",
			a.Name(), ev.Major, ev.Minor, sv.Major, sv.Minor, sharedNumberingMajor, compatibilityMatrix)
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("%s runs AsyncOS %d.%d and the SMA %d.%d: no known incompatibility; confirm the exact pair in %s.",
			a.Name(), ev.Major, ev.Minor, sv.Major, sv.Minor, compatibilityMatrix)
	}
	return f
}
