package asyncos

import (
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// settleEdits reads a session's settings edits as the appliance applies
// them, so that app.SSL and app.Delivery hold what runs at the session's
// end. A tlsverify older than a commit that changed the outbound ciphers no
// longer describes the ESA: it is marked Superseded.
func settleEdits(app *facts.Appliance, cmds []sessionlog.Command) {
	if app.Delivery != nil {
		app.Delivery, _ = settle(cmds, "deliveryconfig", app.Delivery, func(text string) *facts.Delivery {
			d, _, _ := ParseDeliveryConfig(StripNotice(text))
			return d
		}, func(d *facts.Delivery) **facts.Delivery { return &d.Staged })
	}
	if app.SSL == nil {
		return
	}
	var commits []applied[facts.SSLConfig]
	app.SSL, commits = settle(cmds, "sslconfig", app.SSL, func(text string) *facts.SSLConfig {
		s, _, _ := ParseSSLConfig(StripNotice(text))
		return s
	}, func(s *facts.SSLConfig) **facts.SSLConfig { return &s.Staged })
	lastTLS := -1
	for i, c := range cmds {
		if c.Name == "tlsverify" {
			lastTLS = i
		}
	}
	for _, c := range commits {
		if sameServices(outbound(c.before.Services), outbound(c.after.Services)) {
			continue
		}
		// Later runs and edits of the session start from what this commit
		// put in force; a commit cannot be undone by clearchanges.
		app.SSL.Committed = fmt.Sprintf("line %d", cmds[c.at].Line)
		if app.TLSVerify != nil && lastTLS >= 0 && lastTLS < c.at {
			app.TLSVerify.Superseded = fmt.Sprintf("it ran before the outbound ciphers were changed and committed (line %d)", cmds[c.at].Line)
		}
	}
}

// applied is a commit that put a staged edit in force.
type applied[T any] struct {
	at            int // the commit's index in the session
	before, after *T
}

// settle replays the runs of one settings command with the commits and
// clearchanges between them. shown is the last run's reading (its errors
// and cuts already recorded); parse reads an earlier run (nil: unreadable,
// skipped); staged is the reading's Staged field. An edit stays staged
// until a commit shows "Changes committed"; a clearchanges or a discarded
// commit drops it; a commit whose outcome the log lacks leaves it staged,
// since what runs is then only known to be the settings before it. A run
// after an uncommitted edit shows that edit on entry: what runs is still
// what the edit replaced.
func settle[T any](cmds []sessionlog.Command, name string, shown *T, parse func(string) *T, staged func(*T) **T) (*T, []applied[T]) {
	lastRun := -1
	for i, c := range cmds {
		if c.Name == name {
			lastRun = i
		}
	}
	var cur *T
	var commits []applied[T]
	for i, c := range cmds {
		switch c.Name {
		case name:
			s := shown
			if i != lastRun {
				if s = parse(c.Text); s == nil {
					continue
				}
			}
			if cur != nil && *staged(cur) != nil {
				edit := *staged(s)
				if edit == nil {
					edit = s
				}
				v := *cur
				*staged(&v) = edit
				s = &v
			}
			cur = s
		case "commit", "clearchanges":
			if cur == nil || *staged(cur) == nil {
				continue
			}
			var cr *facts.CommitResult
			if c.Name == "commit" {
				cr, _, _ = ParseCommit(c.Text)
			} else {
				cr, _, _ = ParseClearChanges(c.Text)
			}
			switch {
			case cr == nil:
			case cr.Outcome == facts.CommitCommitted:
				commits = append(commits, applied[T]{at: i, before: cur, after: *staged(cur)})
				cur = *staged(cur)
			case cr.Outcome == facts.CommitCleared || cr.Outcome == facts.CommitDiscarded:
				v := *cur
				*staged(&v) = nil
				cur = &v
			}
		}
	}
	return cur, commits
}

// outbound is the Outbound SMTP service alone, for comparing what TLS to
// the SMA negotiates with.
func outbound(ss []facts.SSLService) []facts.SSLService {
	c := facts.SSLConfig{Services: ss}
	if o := c.Service("outbound"); o != nil {
		return []facts.SSLService{*o}
	}
	return nil
}
