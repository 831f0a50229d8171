package asyncos

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseDQConfig reads ESA `dqconfig` (13.0.3 and later) [C-IAF], the ESA's
// own word on whether PVO is centralized: "Delayed Quarantine would be
// available only when centralized quarantine…" means not centralized;
// "Delayed Quarantine feature is not enabled" means centralized with DQ
// off; its menu (Space used:, LISTMIDS, DISABLEDQ…) means DQ on, which
// needs centralized PVO [I-IAF]. An older release's "Unknown command" is
// ErrRefused: the caller keeps PVO centralization unknown.
func ParseDQConfig(text string) (*facts.DelayedQuarantine, []facts.Warning, error) {
	const cmd = "dqconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	dq := &facts.DelayedQuarantine{Evidence: evidence(cmd)}
	yes, no := true, false
	var warns []facts.Warning
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case strings.Contains(lt, "delayed quarantine would be available only when centralized quarantine"):
			dq.PVOCentralized, dq.Enabled = &no, nil
			addEvidence(&dq.Evidence, t)
		case strings.Contains(lt, "delayed quarantine feature is not enabled"):
			dq.PVOCentralized, dq.Enabled = &yes, &no
			addEvidence(&dq.Evidence, t)
		case strings.HasPrefix(lt, "space used:") || strings.Contains(lt, "disabledq") || strings.Contains(lt, "listmids"):
			if dq.Enabled == nil {
				dq.PVOCentralized, dq.Enabled = &yes, &yes
				addEvidence(&dq.Evidence, t)
			}
		case t == "" || isDialogNoise(t):
		case strings.HasPrefix(lt, "numer of messages:"), strings.HasPrefix(lt, "number of messages:"), strings.HasPrefix(lt, "retention time:"),
			strings.HasPrefix(lt, "delayed quarantine enabled"):
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if dq.PVOCentralized == nil {
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return dq, warns, nil
}
