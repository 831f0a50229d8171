package diagnose

import (
	"context"
	"sync"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// side is a second CLI session on a standalone ESA, opened over the same
// SSH connection (no new login), that runs from the start the reads which
// depend on nothing the first session learns: tlsverify, sslconfig,
// quarantineconfig, featurekey and the mail_logs greps. The first session takes each
// result where it used to run the command, so the session log, and every
// verdict, reads as before; a result the side could not give is run there.
type side struct {
	res map[string]chan sideResult
	// known is closed once the first session knows where the SMA's PVO
	// listener is (host empty: nowhere to probe); host and port are set
	// before.
	known chan struct{}
	once  sync.Once
	host  string
	port  int
}

// endpoint tells the side session where the PVO listener is: p's, when
// resolved; nowhere otherwise. Only the first call counts.
func (sd *side) endpoint(p Plan, resolved bool) {
	if sd == nil {
		return
	}
	sd.once.Do(func() {
		if resolved {
			sd.host, sd.port = p.PVOHost, p.PVOPort
		} else {
			sd.port = p.PVOPort
		}
		close(sd.known)
	})
}

type sideResult struct {
	log      string
	errs     []facts.CollectError
	mailText []string
	ok       bool
}

// Side steps, in the order the side session runs them.
const (
	sideTLS        = "tlsverify"
	sideSSL        = "sslconfig"
	sideQuarantine = "quarantineconfig"
	sideFeatureKey = "featurekey"
	sideMailLog    = "mail_logs"
)

// startSide opens the side session in the background; nil where there is
// none: not an ESA, a cluster member (its reads depend on the mode the
// first session chooses), one session allowed, or no way to open one.
func (c *collector) startSide(ctx context.Context) *side {
	if c.p.Role != facts.RoleESA || c.p.Open == nil || c.sessions() < 2 || c.dead || asyncos.ModeOf(c.prompt()) != "" {
		return nil
	}
	// The order the first session wants them in, and about half the work:
	// the first session's own reads take as long.
	steps := []string{sideSSL, sideQuarantine, sideFeatureKey, sideTLS, sideMailLog}
	sd := &side{res: map[string]chan sideResult{}, known: make(chan struct{})}
	for _, st := range steps {
		sd.res[st] = make(chan sideResult, 1)
	}
	p := c.p // the first session changes its own as it learns
	go func() {
		conn, closeFn, err := p.Open(ctx, 1)
		if err != nil {
			for _, st := range steps {
				sd.res[st] <- sideResult{}
			}
			return
		}
		defer closeFn()
		sub := &collector{s: conn, p: p}
		for _, st := range steps {
			sub.log.Reset()
			sub.errs, sub.mailText = nil, nil
			if st == sideTLS {
				// The probes wait, as the first session does, for the
				// SMA's PVO listener.
				select {
				case <-sd.known:
					sub.p.PVOHost, sub.p.PVOPort = sd.host, sd.port
				case <-ctx.Done():
					sub.dead = true
				}
			}
			if !sub.dead {
				switch st {
				case sideTLS:
					if sub.p.PVOHost != "" {
						sub.tlsverify(ctx)
					}
				case sideSSL, sideQuarantine, sideFeatureKey:
					sub.run(ctx, st)
				case sideMailLog:
					sub.mailLog(ctx)
				}
			}
			// A session that died under a step gives no result: the
			// first session runs it again.
			sd.res[st] <- sideResult{log: sub.log.String(), errs: sub.errs, mailText: sub.mailText, ok: !sub.dead}
		}
	}()
	return sd
}

// fromSide adds step's result from the side session to c, or runs local
// when there is none.
func (c *collector) fromSide(ctx context.Context, step string, local func()) {
	if c.side != nil {
		select {
		case r := <-c.side.res[step]:
			if r.ok {
				c.log.WriteString(r.log)
				c.errs = append(c.errs, r.errs...)
				c.mailText = append(c.mailText, r.mailText...)
				return
			}
		case <-ctx.Done():
		}
	}
	local()
}
