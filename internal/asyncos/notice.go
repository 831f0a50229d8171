package asyncos

import (
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	// noticeRE is the [C-IAF] first line of a clusterable command in a
	// cluster mode where it has no settings.
	noticeRE = regexp.MustCompile(`(?i)^NOTICE: This configuration command has not yet been configured for the current cluster mode \((.+?)\)\.?$`)
	// switchModeRE is the menu form's item 1, naming where the settings are.
	switchModeRE = regexp.MustCompile(`(?i)^\s*(?:[-*]\s+)?1\.\s*Switch modes to edit at mode "([^"]+)"`)
	modeNameRE   = regexp.MustCompile(`(?i)^(Cluster|Group|Machine)\s+(\S+)$`)
)

// DetectNotice reports whether a clusterable command's block opens with the
// cluster NOTICE [C-IAF], which means "not defined at this mode". The
// NOTICE is the block's first output line, or the first after a leading
// question such as policyconfig's type list; anywhere later it is not the
// command's verdict on this mode. The menu form's item 1 names the mode
// holding the settings; the Y/N form names none.
func DetectNotice(text string) (*facts.Notice, bool) {
	ls := outputLines(text)
	start := 0
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if noticeRE.MatchString(t) {
			start = i
			break
		}
		if !isDialogNoise(t) && !strings.HasSuffix(t, "?") {
			return nil, false
		}
	}
	m := noticeRE.FindStringSubmatch(strings.TrimSpace(ls[start]))
	if m == nil {
		return nil, false
	}
	mode, ok := parseModeName(m[1])
	if !ok {
		return nil, false
	}
	n := &facts.Notice{Mode: mode, Evidence: evidence("NOTICE")}
	addEvidence(&n.Evidence, ls[start])
	for _, l := range ls[start+1:] {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case strings.Contains(lt, "start a new, empty configuration") && strings.HasSuffix(strings.TrimSpace(strings.SplitN(t, "[", 2)[0]), "?") && n.Question == "":
			n.Question = "yes_no"
			addEvidence(&n.Evidence, t)
		case strings.HasPrefix(lt, "what would you like to do"):
			n.Question = "menu"
			addEvidence(&n.Evidence, t)
		case n.Question == "menu" && n.SettingsAt == nil:
			if sm := switchModeRE.FindStringSubmatch(t); sm != nil {
				if at, ok := parseModeName(sm[1]); ok {
					n.SettingsAt = &at
					addEvidence(&n.Evidence, t)
				}
			}
		}
		if _, ok := parseSubPrompt(t); ok && n.Question != "" {
			break
		}
	}
	return n, true
}

// parseModeName reads "Cluster C", "Group G" or "Machine host" as AsyncOS
// names a mode in prompts and NOTICEs.
func parseModeName(s string) (facts.LevelDefinition, bool) {
	m := modeNameRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return facts.LevelDefinition{}, false
	}
	return facts.LevelDefinition{Level: facts.Level(strings.ToLower(m[1])), Name: m[2]}, true
}
