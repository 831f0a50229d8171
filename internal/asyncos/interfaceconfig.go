package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// interfaceItemRE reads "Data 1 (192.168.1.11/24 on Data1: esa1.example.com)".
var interfaceItemRE = regexp.MustCompile(`^(.+?)\s+\(([0-9A-Fa-f:.]+)(?:/(\d+))?\s+on\s+([^:]+?):\s*([^)]*)\)$`)

// ParseInterfaceConfig reads `interfaceconfig`: under "Currently configured
// interfaces:", one numbered item per interface; its name is the text
// before " (", the port follows "on". Machine is left for the caller.
func ParseInterfaceConfig(text string) (*facts.Interfaces, []facts.Warning, error) {
	const cmd = "interfaceconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	ifs := &facts.Interfaces{List: []facts.Interface{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	seen, inList := false, false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "":
			inList = false
		case strings.HasPrefix(lt, "currently configured interfaces"):
			seen, inList = true, len(ifs.List) == 0
		case inList:
			it, ok := parseListItem(t)
			m := interfaceItemRE.FindStringSubmatch(it.text)
			if !ok || m == nil {
				warns = append(warns, warning(cmd, i+1, l))
				continue
			}
			n, _ := strconv.Atoi(m[3])
			ifs.List = append(ifs.List, facts.Interface{Name: strings.TrimSpace(m[1]), Address: m[2], PrefixLen: n,
				Port: strings.TrimSpace(m[4]), Hostname: strings.TrimSpace(m[5])})
			addEvidence(&ifs.Evidence, t)
		case isDialogNoise(t) || strings.Contains(lt, "restricted to"):
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if !seen {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Currently configured interfaces:" list`))
	}
	return ifs, warns, nil
}
