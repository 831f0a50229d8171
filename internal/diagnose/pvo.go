package diagnose

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// pvoGate is where the ESAs of one collection probe the SMA's PVO listener,
// settled once: by --sma-pvo-host at once, else by the SMA's session as
// soon as its tcpservices was read (before the SMA waits for the ESAs, so
// neither waits for the other), else, when the SMA's session ends without
// it, the SMA's SSH address. The ESAs wait for it only just before their
// probes, having logged in and read their cluster layout meanwhile.
type pvoGate struct {
	once  sync.Once
	ready chan struct{}
	addr  session.Address
	why   string
	// sshHost is the SMA's SSH address, for a wildcard listener and the
	// fallback; "" when there is no SMA.
	sshHost string
}

func newPVOGate(cfg Config, ids []Identity) *pvoGate {
	g := &pvoGate{ready: make(chan struct{})}
	for _, id := range ids {
		if id.Role == facts.RoleSMA {
			g.sshHost = id.Addr.Host
		}
	}
	switch {
	case cfg.PVO.Host != "":
		port := cfg.PVO.Port
		if port == 0 {
			port = facts.DefaultPVOPort
		}
		g.settle(session.Address{Host: cfg.PVO.Host, Port: port}, "given with --sma-pvo-host")
	case g.sshHost == "":
		g.settle(session.Address{Port: facts.DefaultPVOPort}, "no SMA named: the PVO probes were skipped")
	}
	return g
}

func (g *pvoGate) settle(a session.Address, why string) {
	g.once.Do(func() {
		g.addr, g.why = a, why
		close(g.ready)
	})
}

// fromListeners settles the gate from the SMA's tcpservices (nil when it
// could not be read).
func (g *pvoGate) fromListeners(ts *facts.TCPServices) {
	if ts != nil {
		for _, l := range ts.Listeners {
			if !strings.EqualFold(l.Process, "cpq_listener") || l.Port <= 0 {
				continue
			}
			if wildcard(l.Address) {
				g.settle(session.Address{Host: g.sshHost, Port: l.Port}, fmt.Sprintf(
					"the SMA's tcpservices shows cpq_listener on port %d of every interface (%s), so the SMA's SSH address was probed on that port", l.Port, l.Address))
				return
			}
			g.settle(session.Address{Host: l.Address, Port: l.Port}, fmt.Sprintf(
				"where the SMA's tcpservices shows its cpq_listener (%s:%d)", l.Address, l.Port))
			return
		}
		g.fallback("the SMA's tcpservices lists no cpq_listener")
		return
	}
	g.fallback("the SMA's tcpservices could not be read")
}

// fallback settles the gate on the SMA's SSH address, saying why.
func (g *pvoGate) fallback(reason string) {
	g.settle(session.Address{Host: g.sshHost, Port: facts.DefaultPVOPort}, fmt.Sprintf(
		"%s, so the SMA's SSH address and the default port %d were probed (--sma-pvo-host names another)", reason, facts.DefaultPVOPort))
}

// wait returns the endpoint, or false when ctx ended first.
func (g *pvoGate) wait(ctx context.Context) (session.Address, bool) {
	select {
	case <-g.ready:
		return g.addr, true
	case <-ctx.Done():
		return session.Address{}, false
	}
}

func wildcard(addr string) bool {
	switch strings.Trim(addr, "[]") {
	case "*", "0.0.0.0", "::", "":
		return true
	}
	return false
}

// probeRules are the rules whose findings rest on the ESAs' probes of the
// PVO endpoint, and so say which address was probed and why.
var probeRules = map[string]bool{"PVO-003": true, "PVO-004": true, "PVO-101": true}

// ExplainPVO adds to each finding of res that rests on the ESAs' probes
// which address they probed and why (site.PVOSource). It is idempotent, so
// a caller may apply it to a result already explained.
func ExplainPVO(site *facts.Site, res *rules.Result) {
	if site == nil || site.PVOHost == "" || site.PVOSource == "" {
		return
	}
	note := fmt.Sprintf(" (Probed %s: %s.)", session.Address{Host: site.PVOHost, Port: site.PVOPort}, site.PVOSource)
	for i := range res.Findings {
		f := &res.Findings[i]
		if !probeRules[f.ID] || f.Status == rules.StatusNotApplicable || strings.HasSuffix(f.Summary, note) {
			continue
		}
		f.Summary += note
	}
}
