package sim

import (
	"strings"
	"testing"
	"time"
)

// A stalled session answers nothing until Release, then goes on with the
// input typed meanwhile, as a stopped and continued process would.
func TestStallUntilReleased(t *testing.T) {
	site := startSite(t, "case3-delivery-interface", Options{Fault: Fault{StallAt: "deliveryconfig.menu"}})
	tm := openTerm(t, site, "mx.example.com", 100)
	tm.expect(`mx\.example\.com> $`)
	tm.send("deliveryconfig\r")
	select {
	case <-site.Stalled():
	case <-time.After(waitFor):
		t.Fatalf("no stall within %v", waitFor)
	}
	tm.send("\r") // typed while stalled: leaves the menu once released
	if got := tm.out.String(); strings.Contains(got, "Choose the operation") {
		t.Fatalf("the menu came before the release:\n%s", got)
	}
	site.Release()
	tm.expect(`Choose the operation you want to perform:`)
	tm.expect(`mx\.example\.com> $`)
}

// A stall ends with its connection: the session is gone, and a commit it
// held before taking effect did not take effect.
func TestStallEndsWithConnection(t *testing.T) {
	site := startSite(t, "case3-delivery-interface", Options{Fault: Fault{StallAt: "commit.comment"}})
	tm := openTerm(t, site, "mx.example.com", 100)
	tm.expect(`mx\.example\.com> $`)
	before := site.Snapshot("mx.example.com")
	tm.cmd("deliveryconfig", `\[\]> $`)
	tm.cmd("SETUP", `\[\d*\]> $`)
	tm.cmd("1", `\[[YN]\]> $`)
	for !strings.HasSuffix(tm.out.String(), "[]> ") {
		tm.send("\r")
		tm.expect(`\]> $`)
	}
	tm.cmd("", `mx\.example\.com> $`)
	if !site.Pending("mx.example.com") {
		t.Fatal("deliveryconfig staged nothing")
	}
	tm.send("commit\r")
	select {
	case <-site.Stalled():
	case <-time.After(waitFor):
		t.Fatalf("no stall within %v", waitFor)
	}
	tm.client.Close()
	tm.waitClosed()
	site.Close() // waits for the stalled session to end
	if site.Pending("mx.example.com") || site.Snapshot("mx.example.com") != before {
		t.Errorf("a commit stalled before taking effect took effect after the connection ended")
	}
}
