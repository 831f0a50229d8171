package report

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// What showchanges proved, in words: nothing, someone's work before the
// run (shown, never cleared), or what the run left.
func TestPendingWords(t *testing.T) {
	none := facts.PendingChanges{}
	some := facts.PendingChanges{Pending: true, Keys: []facts.PendingKey{{Mode: "standalone", Key: "system.alert.mailto_addrs"}}}
	for _, tc := range []struct {
		reads []facts.PendingChanges
		want  string
	}{
		{nil, ""},
		{[]facts.PendingChanges{none, none}, "nothing pending (showchanges)"},
		{[]facts.PendingChanges{none, some, none}, "nothing pending (showchanges)"}, // the SERVICES walk, cleared
		{[]facts.PendingChanges{some, some}, "pending before the run, someone's uncommitted work, left as it was (showchanges): system.alert.mailto_addrs"},
		{[]facts.PendingChanges{none, some}, "pending after the run (showchanges): system.alert.mailto_addrs"},
	} {
		if got := pendingWords(tc.reads); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.reads, got, tc.want)
		}
	}
	a := applianceOf(&facts.Appliance{Role: facts.RoleESA, Pending: []facts.PendingChanges{some}})
	if !strings.HasPrefix(a.Pending, "pending before the run") {
		t.Errorf("report appliance: %+v", a)
	}
}
