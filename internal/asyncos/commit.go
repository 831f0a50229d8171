package asyncos

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseCommit reads `commit`: "Changes committed: <date>", "There is no
// data to commit." or, after the [C-IAF] discard question was answered
// yes, "Changes discarded." [I]. The comment, rollback (ESA 11.0+) and
// discard questions are optional.
func ParseCommit(text string) (*facts.CommitResult, []facts.Warning, error) {
	return parseCommitOutput("commit", text)
}

// ParseClearChanges reads `clearchanges` or `clear`: "Changes cleared…"
// [I] or "There are no changes to clear." [I], and the [C-IAF] forms: a
// confirmation question, then "Changes cleared." [I], or "No changes have
// been made".
func ParseClearChanges(text string) (*facts.CommitResult, []facts.Warning, error) {
	return parseCommitOutput("clearchanges", text)
}

func parseCommitOutput(cmd, text string) (*facts.CommitResult, []facts.Warning, error) {
	ls := outputLines(text)
	if isBlank(text) {
		return nil, nil, parseErr(cmd, 0, "", ErrNoOutput)
	}
	c := &facts.CommitResult{Evidence: evidence(cmd)}
	if _, l, ok := refusal(ls); ok {
		c.Outcome = facts.CommitFailed
		addEvidence(&c.Evidence, l)
		return c, nil, nil
	}
	var warns []facts.Warning
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "" || isDialogNoise(t):
		case strings.HasPrefix(lt, "changes committed"):
			c.Outcome = facts.CommitCommitted
			c.When = afterColon(t)
			addEvidence(&c.Evidence, t)
		case strings.HasPrefix(lt, "changes discarded"):
			// [I] wording after "Are you ready to discard all of your
			// changes?" [C-IAF] was answered yes.
			c.Outcome = facts.CommitDiscarded
			addEvidence(&c.Evidence, t)
		case strings.HasPrefix(lt, "changes cleared"):
			c.Outcome = facts.CommitCleared
			c.When = afterColon(t)
			addEvidence(&c.Evidence, t)
		case strings.Contains(lt, "no data to commit") || strings.Contains(lt, "no changes"):
			c.Outcome = facts.CommitNothing
			addEvidence(&c.Evidence, t)
		case strings.Contains(lt, "error") || strings.Contains(lt, "fail"):
			c.Outcome = facts.CommitFailed
			addEvidence(&c.Evidence, t)
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if c.Outcome == "" {
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return c, warns, nil
}

func afterColon(s string) string {
	if i := strings.Index(s, ":"); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return ""
}
