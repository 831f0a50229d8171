package diagnose

import (
	"context"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// TestCheckIsReadOnlyOnEveryScenario: against every built-in scenario,
// NOTICE ones included (their defaults create a configuration), the
// collection leaves committed and pending state byte-identical, and each
// appliance it logged in to shows showchanges empty before and after.
func TestCheckIsReadOnlyOnEveryScenario(t *testing.T) {
	for _, name := range sim.Scenarios() {
		t.Run(name, func(t *testing.T) {
			cfg, site := simSite(t, name)
			before := map[string]string{}
			for _, a := range site.Appliances() {
				before[a.Hostname] = site.Snapshot(a.Hostname)
			}
			got := Collect(context.Background(), cfg, "")
			for _, a := range site.Appliances() {
				if after := site.Snapshot(a.Hostname); after != before[a.Hostname] {
					t.Errorf("%s changed:\n%s\nwas:\n%s", a.Hostname, after, before[a.Hostname])
				}
			}
			for _, a := range append(append([]*facts.Appliance{}, got.ESAs...), got.SMA) {
				if a == nil || a.Version == nil {
					continue // never logged in (a forced password change)
				}
				// An ESA's reads stage nothing at all; the SMA's SERVICES
				// walk may, and clears what it staged.
				staged := false
				for _, p := range a.Pending {
					staged = staged || p.Pending
				}
				if len(a.Pending) < 2 || a.Pending[0].Pending || a.Pending[len(a.Pending)-1].Pending || (a.Role == facts.RoleESA && staged) {
					t.Errorf("%s: showchanges reads %+v, want nothing pending before and after", a.Address, a.Pending)
				}
				for _, e := range a.Errors {
					if strings.Contains(e.Message, "unexpected prompt") {
						t.Errorf("%s: %s: %s", a.Address, e.Step, e.Message)
					}
				}
			}
		})
	}
}
