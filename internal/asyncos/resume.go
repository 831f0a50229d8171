package asyncos

import (
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var resumedForRE = regexp.MustCompile(`(?i)resumed for (.*)$`)

// ParseResume reads `resume`: "Receiving resumed for euq_listener,
// cpq_listener." or "No listeners were resumed.".
func ParseResume(text string) (*facts.ResumeResult, []facts.Warning, error) {
	return parseResumeOutput("resume", text)
}

// ParseResumeTransfers reads `resumetransfers` [I]: "Transfers resumed." or
// "Transfers are not suspended.".
func ParseResumeTransfers(text string) (*facts.ResumeResult, []facts.Warning, error) {
	return parseResumeOutput("resumetransfers", text)
}

func parseResumeOutput(cmd, text string) (*facts.ResumeResult, []facts.Warning, error) {
	ls := outputLines(text)
	if isBlank(text) {
		return nil, nil, parseErr(cmd, 0, "", ErrNoOutput)
	}
	r := &facts.ResumeResult{Evidence: evidence(cmd)}
	if _, l, ok := refusal(ls); ok {
		r.Outcome = facts.ResumeError
		addEvidence(&r.Evidence, l)
		return r, nil, nil
	}
	var warns []facts.Warning
	resumed, nothing := false, false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "" || isDialogNoise(t):
		case strings.HasPrefix(lt, "no ") || strings.Contains(lt, "not suspended") || strings.Contains(lt, "already"):
			nothing = true
			addEvidence(&r.Evidence, t)
		case strings.Contains(lt, "resumed"):
			resumed = true
			addEvidence(&r.Evidence, t)
			if m := resumedForRE.FindStringSubmatch(t); m != nil {
				for _, name := range strings.Split(strings.TrimSuffix(m[1], "."), ",") {
					if name = strings.TrimSpace(name); name != "" {
						r.Listeners = append(r.Listeners, name)
					}
				}
			}
		case strings.Contains(lt, "error") || strings.Contains(lt, "fail"):
			r.Outcome = facts.ResumeError
			addEvidence(&r.Evidence, t)
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	switch {
	case r.Outcome == facts.ResumeError:
	case resumed:
		r.Outcome = facts.ResumeResumed
	case nothing:
		r.Outcome = facts.ResumeNothingToDo
	default:
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return r, warns, nil
}
