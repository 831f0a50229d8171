package diagnose

import (
	"context"
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// execer is a Conn that also runs AsyncOS's batch form, an SSH exec request
// over the same connection (*session.Session is one).
type execer interface {
	Exec(ctx context.Context, command string) (string, error)
}

// batch is a set of question-free commands sent at once as exec requests,
// each on its own channel, while the interactive session goes on: they
// cost one round trip together, off the session's path. Only commands that
// ask nothing go here (see batchCommands); an answer is never typed ahead.
type batch struct {
	res map[string]chan execResult
}

type execResult struct {
	out string
	ok  bool
}

// batchCommands are the commands a role's collection runs that ask no
// question on any release: they print and return to the prompt.
func batchCommands(role facts.Role) []string {
	if role == facts.RoleSMA {
		return []string{"showchanges", "version", "who", "whoami", "status detail", "tcpservices", smaListCommand}
	}
	return []string{"showchanges", "version", "who", "whoami", "status"}
}

// smaListCommand is applianceconfig's batch form [C-IAF]: the managed list
// without the menu (and its way out).
const smaListCommand = "applianceconfig list"

// startBatch sends commands as exec requests in the background; nil when
// the session cannot (then every command runs interactively).
func (c *collector) startBatch(ctx context.Context, commands []string) *batch {
	x, ok := c.s.(execer)
	if !ok || c.dead {
		return nil
	}
	b := &batch{res: map[string]chan execResult{}}
	for _, cmd := range commands {
		ch := make(chan execResult, 1)
		b.res[cmd] = ch
		go func() {
			sctx, cancel := context.WithTimeout(ctx, c.p.StepTimeout)
			defer cancel()
			out, err := x.Exec(sctx, cmd)
			ch <- execResult{out, err == nil && batchUsable(out)}
		}()
	}
	return b
}

// askedRE is a question or prompt at the end of exec output: the command
// wanted input after all, or the batch form is not there.
var askedRE = regexp.MustCompile(`(\]> ?|> ?|\?)$`)

// batchUsable reports whether exec output is a command's whole answer: not
// empty, not a refusal, not cut off at a question (which, with stdin
// closed, got no answer). Anything else runs again interactively, where a
// refusal and a question are handled as ever.
func batchUsable(out string) bool {
	t := strings.TrimSpace(out)
	if t == "" || strings.HasPrefix(t, "Unknown command") || strings.Contains(t, "This command is restricted") {
		return false
	}
	lines := strings.Split(t, "\n")
	return !askedRE.MatchString(strings.TrimSpace(lines[len(lines)-1]))
}

// batched is run for a command of the batch: its exec output when usable,
// logged as the interactive session would show it, else the command run
// interactively.
func (c *collector) batched(ctx context.Context, b *batch, command string) (string, bool) {
	if out, ok := b.result(ctx, command); ok {
		c.progress(command)
		c.log.WriteString(c.prompt() + command + "\n" + out + "\n")
		return out, true
	}
	return c.run(ctx, command)
}

// result waits for command's exec; ok is false when it was not sent,
// failed or gave no usable output.
func (b *batch) result(ctx context.Context, command string) (string, bool) {
	if b == nil {
		return "", false
	}
	ch, sent := b.res[command]
	if !sent {
		return "", false
	}
	select {
	case r := <-ch:
		ch <- r // a second reader sees it too
		return r.out, r.ok
	case <-ctx.Done():
		return "", false
	}
}

// managedList reads the SMA's managed appliances: the batch form where it
// gave a list the parser reads, else the interactive menu (which shows it).
func (c *collector) managedList(ctx context.Context, b *batch) (string, bool) {
	if out, ok := b.result(ctx, smaListCommand); ok {
		if _, _, err := asyncos.ParseApplianceList(out); err == nil {
			return c.batched(ctx, b, smaListCommand)
		}
	}
	return c.run(ctx, "applianceconfig")
}
