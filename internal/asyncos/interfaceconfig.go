package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	// interfaceItemRE reads "Data 1 (192.168.1.11/24 on Data1: esa1.example.com)".
	interfaceItemRE = regexp.MustCompile(`^(.+?)\s+\(([0-9A-Fa-f:.]+)(?:/(\d+))?\s+on\s+([^:]+?):\s*([^)]*)\)$`)
	// telnetItemRE reads telnet's "In (192.168.1.1/24: mx.example.com)".
	telnetItemRE = regexp.MustCompile(`^(.+?)\s+\(([0-9A-Fa-f:.]+)(?:/(\d+))?:\s*([^)]*)\)$`)
)

// TelnetInterfaces reads the interfaces a `telnet` dialog offers to
// telnet from: each one's name, address and hostname, as interfaceconfig
// would list them minus the port. An ESA outside a cluster needs no
// interfaceconfig round trip when its telnet already showed them. nil when
// the output lists none.
func TelnetInterfaces(text string) *facts.Interfaces {
	var ifs *facts.Interfaces
	asking := false
	for _, l := range outputLines(text) {
		t := strings.TrimSpace(l)
		switch {
		case strings.Contains(strings.ToLower(t), "interface you want to telnet from"):
			asking = true
		case !asking:
		case strings.HasPrefix(t, "["):
			return ifs
		default:
			it, ok := parseListItem(t)
			m := telnetItemRE.FindStringSubmatch(it.text)
			if !ok || m == nil {
				continue // Auto, or a line of another shape
			}
			if ifs == nil {
				ifs = &facts.Interfaces{List: []facts.Interface{}, Evidence: evidence("telnet")}
			}
			n, _ := strconv.Atoi(m[3])
			ifs.List = append(ifs.List, facts.Interface{Name: strings.TrimSpace(m[1]), Address: m[2], PrefixLen: n, Hostname: strings.TrimSpace(m[4])})
			addEvidence(&ifs.Evidence, t)
		}
	}
	return ifs
}

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
