package asyncos

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseCommit reads `commit`: "Changes committed: <date>" or "There is no
// data to commit.". The comment and rollback questions are optional.
func ParseCommit(text string) (*facts.CommitResult, []facts.Warning, error) {
	return parseCommitOutput("commit", text)
}

// ParseClearChanges reads `clearchanges` [I]: "Changes cleared: <date>" or
// "There are no changes to clear.".
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
