package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	centralizedRE    = regexp.MustCompile(`(?i)quarantines are centrali[sz]ed(?: on (\S+?))?\.?$`)
	quarantineItemRE = regexp.MustCompile(`^\s*(\d+)\.\s+(.*)$`)
)

// ParseQuarantineConfig reads the ESA's `quarantineconfig` [C table, I note]:
// the "Note: … centralized on <sma>." line when PVO is centralized, and the
// numbered table whose Messages column counts what each quarantine holds.
// Its level in a cluster is read like every clusterable command's
// (ReadLevels).
func ParseQuarantineConfig(text string) (*facts.Quarantines, []facts.Warning, error) {
	const cmd = "quarantineconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	q := &facts.Quarantines{Rows: []facts.QuarantineRow{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	msgCol := -1
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "":
		case centralizedRE.MatchString(t):
			q.Centralized = true
			q.CentralizedOn = strings.TrimSuffix(centralizedRE.FindStringSubmatch(t)[1], ".")
			addEvidence(&q.Evidence, t)
		case strings.HasPrefix(lt, "quarantine name"):
			for j, h := range splitColumns(t) {
				if strings.HasPrefix(strings.ToLower(h), "messages") {
					msgCol = j
				}
			}
			if msgCol < 0 {
				return nil, warns, parseErr(cmd, i+1, l, errors.New("no Messages column"))
			}
			addEvidence(&q.Evidence, t)
		case msgCol >= 0 && quarantineItemRE.MatchString(t):
			f := splitColumns(quarantineItemRE.FindStringSubmatch(t)[2])
			if len(f) <= msgCol {
				warns = append(warns, warning(cmd, i+1, l))
				continue
			}
			n, err := strconv.Atoi(f[msgCol])
			if err != nil || n < 0 {
				return nil, warns, parseErr(cmd, i+1, l, errors.New("message count is not a number"))
			}
			if hasLine(q.Lines, t) {
				continue // the table again after a menu visit
			}
			q.Rows = append(q.Rows, facts.QuarantineRow{Name: f[0], Messages: n})
			addEvidence(&q.Evidence, t)
		case strings.Contains(lt, "allocated size for quarantines"):
			addEvidence(&q.Evidence, t)
		case isDialogNoise(t) || (msgCol >= 0 && len(splitColumns(t)) == 1):
			// Menus, and a default action wrapped onto its own line.
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if msgCol < 0 {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Quarantine Name … Messages" table`))
	}
	return q, warns, nil
}
