package diagnose

import (
	"context"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// TestCollectPVOFromTCPServices: without --sma-pvo-host, the ESAs probe
// where the SMA's tcpservices shows cpq_listener, also with one session at
// a time (the ESAs wait for the SMA's endpoint and the SMA for the ESAs'
// names, each giving its slot back), on a site with two clustered ESAs.
func TestCollectPVOFromTCPServices(t *testing.T) {
	for _, conc := range []int{1, 4} {
		cfg := simConfig(t, "cluster-two-esa")
		cfg.PVO = session.Address{}
		cfg.Concurrency = conc
		out := Check(context.Background(), cfg)
		if out.Site.PVOHost != "10.172.12.18" || out.Site.PVOPort != facts.DefaultPVOPort ||
			!strings.Contains(out.Site.PVOSource, "tcpservices shows its cpq_listener") {
			t.Fatalf("concurrency %d: endpoint %s:%d (%s)", conc, out.Site.PVOHost, out.Site.PVOPort, out.Site.PVOSource)
		}
		ExplainPVO(out.Site, &out.Result)
		ExplainPVO(out.Site, &out.Result) // idempotent
		n := 0
		for _, f := range out.Result.Findings {
			if f.ID == "PVO-101" {
				n++
				if f.Status != rules.StatusPass || strings.Count(f.Summary, "Probed 10.172.12.18:7025") != 1 {
					t.Errorf("concurrency %d: PVO-101 on %s: %s: %s", conc, f.Appliance, f.Status, f.Summary)
				}
			}
		}
		if n != 2 {
			t.Errorf("concurrency %d: %d PVO-101 findings, want one per ESA", conc, n)
		}
	}
}

// TestPVOGateFallbacks: a wildcard listener keeps the SMA's SSH host with
// the listener's port; no listener, or no tcpservices, falls back to the
// SSH address and port 7025, saying why.
func TestPVOGateFallbacks(t *testing.T) {
	sma := []Identity{{Role: facts.RoleSMA, Addr: session.Address{Host: "sma.example.com", Port: 22}}}
	for _, c := range []struct {
		ts   *facts.TCPServices
		want string
		why  string
	}{
		{&facts.TCPServices{Listeners: []facts.Listener{{Process: "cpq_listener", Address: "*", Port: 7055}}}, "sma.example.com:7055", "every interface"},
		{&facts.TCPServices{Listeners: []facts.Listener{{Process: "euq_listener", Address: "10.0.0.1", Port: 6025}}}, "sma.example.com:7025", "lists no cpq_listener"},
		{nil, "sma.example.com:7025", "could not be read"},
	} {
		g := newPVOGate(Config{}, sma)
		g.fromListeners(c.ts)
		g.fromListeners(&facts.TCPServices{Listeners: []facts.Listener{{Process: "cpq_listener", Address: "10.9.9.9", Port: 1}}}) // settled once
		a, ok := g.wait(context.Background())
		if !ok || a.String() != c.want || !strings.Contains(g.why, c.why) {
			t.Errorf("%+v: %s (%s), want %s (%s)", c.ts, a, g.why, c.want, c.why)
		}
	}
}
