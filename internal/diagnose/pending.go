package diagnose

import (
	"context"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// pager is a session that can turn AsyncOS's pager off (setttymode).
type pager interface {
	DisablePaging(ctx context.Context) (bool, error)
}

// begin turns the pager off, as Cisco's own CLI tests do first (every
// "-Press Any Key For More-" is one more round trip; a refusal leaves it
// on and answered), then reads what is pending before anything runs.
// That read comes from the batch (an exec request, run beside setttymode):
// this session has just begun, so whether AsyncOS keeps pending changes
// per session or per appliance ([unknown]), a fresh exec session sees
// exactly what this one would.
func (c *collector) begin(ctx context.Context) {
	if p, ok := c.s.(pager); ok && !c.dead {
		prompt := c.prompt()
		sctx, cancel := context.WithTimeout(ctx, c.p.StepTimeout)
		on, err := p.DisablePaging(sctx)
		cancel()
		c.paging = !on
		c.log.WriteString(prompt + "setttymode 0 1\n")
		if err != nil {
			c.fail(ctx, "setttymode", err)
		}
	}
	c.before = c.parsePending(c.batched(ctx, c.batch, "showchanges"))
}

// end reads what is pending after the read-only plan: the proof that the
// check staged nothing. Only what this session staged itself is cleared
// (the SERVICES walk, where AsyncOS records even unchanged answers), and
// only when nothing was pending before: someone else's uncommitted work is
// shown, never discarded.
func (c *collector) end(ctx context.Context) {
	after := c.showchanges(ctx)
	if after == nil || !after.Pending {
		return
	}
	if !c.walked || c.before == nil || c.before.Pending {
		// Nothing else the plan runs may stage a change: what shows is a
		// finding, never cleared.
		return
	}
	if _, ok := c.dialog(ctx, "clear", asyncos.ClearDialog()...); ok {
		c.showchanges(ctx)
	}
}

// endBesideSide is end while the side session (side.go) finishes its last
// read, the mail_logs greps: this session's showchanges does not wait for
// the other session, and the session log still reads in plan order, the
// greps before the last showchanges.
func (c *collector) endBesideSide(ctx context.Context) {
	if c.side == nil {
		c.end(ctx)
		return
	}
	before := c.log.String()
	c.log.Reset()
	c.end(ctx)
	last := c.log.String()
	c.log.Reset()
	c.log.WriteString(before)
	c.fromSide(ctx, sideMailLog, func() { c.mailLog(ctx) })
	c.log.WriteString(last)
}

// showchanges reads the session's pending changes; nil when it could not.
func (c *collector) showchanges(ctx context.Context) *pendingRead {
	return c.parsePending(c.run(ctx, "showchanges"))
}

// parsePending reads showchanges' output; nil when it was not read.
func (c *collector) parsePending(out string, ok bool) *pendingRead {
	if !ok {
		return nil
	}
	pc, _, err := asyncos.ParseShowChanges(out)
	if err != nil || pc == nil {
		return nil
	}
	return &pendingRead{Pending: pc.Pending}
}

type pendingRead struct{ Pending bool }

// dialog runs a command with steps, logged like run.
func (c *collector) dialog(ctx context.Context, command string, steps ...session.Step) (string, bool) {
	return c.step(ctx, command, func(ctx context.Context) (string, error) { return c.s.Dialog(ctx, command, steps...) })
}

// step runs one step of the plan under the step timeout (do is its Run or
// Dialog) and keeps its output as a session log shows it. ok is false when
// it did not complete; then the error is recorded and the session brought
// back to the prompt.
func (c *collector) step(ctx context.Context, command string, do func(context.Context) (string, error)) (string, bool) {
	if c.dead {
		return "", false
	}
	c.progress(command)
	prompt := c.prompt()
	sctx, cancel := context.WithTimeout(ctx, c.p.StepTimeout)
	out, err := do(sctx)
	cancel()
	c.log.WriteString(prompt + command + "\n" + out + "\n")
	if err != nil {
		c.fail(ctx, command, err)
		return out, false
	}
	return out, true
}

// afterCommit proves with showchanges that a committed fix left nothing
// pending, and quotes what it says beside each committed fix; what is
// still pending is dropped with the session, and the record says so.
func afterCommit(ctx context.Context, s Conn, fs fix.Session, out *fix.Outcome) {
	committed := false
	for i, f := range fs.Fixes {
		committed = committed || f.Comment != "" && out.Results[i].Status == fix.Applied
	}
	if !committed {
		return
	}
	text, err := s.Run(ctx, "showchanges")
	line := "could not be read"
	if err == nil {
		if pc, _, perr := asyncos.ParseShowChanges(text); perr == nil {
			line = "nothing pending after the commit"
			if pc.Pending {
				line = "still pending after the commit (dropped with the session): " + strings.Join(pc.KeyNames(), ", ")
			}
		}
	}
	for i, f := range fs.Fixes {
		if f.Comment != "" && out.Results[i].Status == fix.Applied {
			out.Results[i].Evidence = append(out.Results[i].Evidence, fix.Evidence{Appliance: fs.Appliance, Command: "showchanges", Lines: []string{line}})
		}
	}
}
