package asyncos

import (
	"errors"
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	// managedItemRE reads a list item's text: "mx.example.com (10.1.1.1) - Email".
	managedItemRE = regexp.MustCompile(`^(\S.*?)\s*\(([^()]*)\)\s*(?:-\s*(.+?))?\s*$`)
	serviceRE     = regexp.MustCompile(`(?i)do you want (?:the )?(.+?) to be (?:enabled|disabled)`)
	testedRE      = regexp.MustCompile(`(?i)^(?:connection to|authentication to|error while trying to connect to)\s+(\S+)`)
)

// ParseApplianceConfig reads the SMA's `applianceconfig` [C menu, I layout]:
// the "Security Appliances:" list (or "No appliances have been added."),
// and, when the dialog went on, each SERVICES question's current state (the
// default in brackets) and each TEST result, tied to the appliance chosen.
func ParseApplianceConfig(text string) (*facts.ManagedAppliances, []facts.Warning, error) {
	const cmd = "applianceconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	m := &facts.ManagedAppliances{Appliances: []facts.ManagedAppliance{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	seen := false
	inList := false
	var items []listItem // the choice list being read
	choosing := ""       // "services" or "test" while a choice list is read
	current := -1        // the appliance the SERVICES questions or TEST are about
	find := func(name string) int {
		for i := range m.Appliances {
			if strings.EqualFold(m.Appliances[i].Name, name) {
				return i
			}
		}
		return -1
	}
	add := func(name, addr, product string) int {
		if i := find(name); i >= 0 {
			if m.Appliances[i].Address == "" {
				m.Appliances[i].Address = addr
			}
			if m.Appliances[i].Product == "" {
				m.Appliances[i].Product = product
			}
			return i
		}
		m.Appliances = append(m.Appliances, facts.ManagedAppliance{Name: name, Address: addr, Product: product, Evidence: evidence(cmd)})
		return len(m.Appliances) - 1
	}
	cite := func(i int, l string) {
		if i >= 0 && !hasLine(m.Appliances[i].Lines, l) {
			addEvidence(&m.Appliances[i].Evidence, l)
		}
	}
	for n, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		if t == "" {
			inList = false
			continue
		}
		if sp, ok := parseSubPrompt(t); ok {
			switch {
			case choosing != "":
				label, ok := choose(items, sp.value())
				if !ok {
					return nil, warns, parseErr(cmd, n+1, l, errors.New("answer matches no listed appliance"))
				}
				current = find(label)
				if current < 0 {
					current = add(label, "", "")
				}
				if choosing == "services" && m.Appliances[current].Services == nil {
					m.Appliances[current].Services = map[string]bool{}
				}
				choosing, items = "", nil
			case serviceRE.MatchString(sp.question) && current >= 0:
				svc := serviceRE.FindStringSubmatch(sp.question)[1]
				on, ok := yesNo(sp.def)
				if !ok {
					warns = append(warns, warning(cmd, n+1, l))
					continue
				}
				a := &m.Appliances[current]
				if a.Services == nil {
					a.Services = map[string]bool{}
				}
				a.Services[svc] = on
				if strings.Contains(strings.ToLower(svc), "policy quarantine") {
					v := on
					a.PVOService = &v
				}
				cite(current, sp.question+" ["+sp.def+"]")
			}
			continue
		}
		if it, ok := parseListItem(t); ok && (inList || choosing != "") {
			if choosing != "" {
				items = append(items, it)
				continue
			}
			mm := managedItemRE.FindStringSubmatch(it.text)
			if mm == nil {
				warns = append(warns, warning(cmd, n+1, l))
				continue
			}
			i := add(strings.TrimSpace(mm[1]), strings.TrimSpace(mm[2]), mm[3])
			cite(i, t)
			if !hasLine(m.Lines, t) {
				addEvidence(&m.Evidence, t)
			}
			continue
		}
		switch {
		case strings.HasPrefix(lt, "security appliances"):
			seen, inList = true, true
			if !hasLine(m.Lines, t) {
				addEvidence(&m.Evidence, t)
			}
		case strings.HasPrefix(lt, "no appliances have been added"):
			seen = true
			if !hasLine(m.Lines, t) {
				addEvidence(&m.Evidence, t)
			}
		case strings.HasPrefix(lt, "choose the appliance whose services"):
			choosing, items = "services", nil
		case strings.HasPrefix(lt, "choose the appliance to test"):
			choosing, items = "test", nil
		case strings.HasPrefix(lt, "testing connection to"):
			cite(current, t)
		case testedRE.MatchString(t):
			i := current
			if j := find(testedRE.FindStringSubmatch(t)[1]); j >= 0 {
				i = j
			}
			if i < 0 {
				warns = append(warns, warning(cmd, n+1, l))
				continue
			}
			out := facts.TestSucceeded
			switch {
			case strings.HasPrefix(lt, "authentication to"):
				out = facts.TestAuthFailed
			case strings.HasPrefix(lt, "error while"), !strings.Contains(lt, "succeeded"):
				out = facts.TestCannotConnect
			}
			m.Appliances[i].Test = &facts.ApplianceTest{Outcome: out, Detail: t}
			cite(i, t)
		case isDialogNoise(t):
		default:
			warns = append(warns, warning(cmd, n+1, l))
		}
	}
	if !seen {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Security Appliances:" list`))
	}
	return m, warns, nil
}

// mergeManaged folds a later applianceconfig into an earlier one: the list
// is the latest, and services and test results read in either are kept.
func mergeManaged(into, from *facts.ManagedAppliances) *facts.ManagedAppliances {
	if into == nil {
		return from
	}
	out := *from
	out.Appliances = append([]facts.ManagedAppliance{}, from.Appliances...)
	for i := range out.Appliances {
		a := &out.Appliances[i]
		old := into.Find(a.Name)
		if old == nil {
			continue
		}
		if a.Services == nil {
			a.Services, a.PVOService = old.Services, old.PVOService
		}
		if a.Test == nil {
			a.Test = old.Test
		}
		a.Lines = append(append([]string{}, old.Lines...), a.Lines...)
	}
	return &out
}

// yesNo reads a [Y]/[N] default.
func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes":
		return true, true
	case "n", "no":
		return false, true
	}
	return false, false
}

func hasLine(lines []string, l string) bool {
	l = strings.TrimSpace(l)
	for _, x := range lines {
		if x == l {
			return true
		}
	}
	return false
}
