package asyncos

import (
	"errors"
	"regexp"
	"strconv"
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
	byName := false      // the [C-IAF] form: a typed name or number, no list
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
			case choosing != "" && byName && sp.value() == "":
				// A blank name ends the [C-IAF] SERVICES loop.
				choosing, items = "", nil
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
		case strings.Contains(lt, "name or number of the appliance"):
			// [C-IAF] "Enter the name or number of the appliance…": the
			// number is the appliance's place in the list shown above.
			choosing, byName, items = "services", true, nil
			if strings.Contains(lt, "to test") {
				choosing = "test"
			}
			for i, a := range m.Appliances {
				items = append(items, listItem{num: i + 1, label: a.Name, text: a.Name})
			}
		case strings.HasPrefix(lt, "no appliance named"):
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
		// The batch `applianceconfig list` [C-IAF] shows a table instead.
		if l, lw, err := ParseApplianceList(text); err == nil && len(lw) == 0 {
			return l, nil, nil
		}
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

// ParseApplianceList reads the batch `applianceconfig list` [C-IAF form, I
// layout]: a header naming Name, IP Address, Authenticated and Product
// columns (two or more blanks apart) and a row per appliance, or "No
// appliances have been added.".
func ParseApplianceList(text string) (*facts.ManagedAppliances, []facts.Warning, error) {
	const cmd = "applianceconfig list"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	m := &facts.ManagedAppliances{Appliances: []facts.ManagedAppliance{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	var header []string
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "":
		case strings.HasPrefix(lt, "no appliances have been added"):
			addEvidence(&m.Evidence, t)
			return m, warns, nil
		case header == nil && strings.HasPrefix(lt, "name") && strings.Contains(lt, "ip"):
			header = splitColumns(t)
			addEvidence(&m.Evidence, t)
		case header != nil:
			f := splitColumns(t)
			if len(f) != len(header) {
				warns = append(warns, warning(cmd, i+1, l))
				continue
			}
			a := facts.ManagedAppliance{Evidence: evidence(cmd)}
			for j, h := range header {
				switch hl := strings.ToLower(h); {
				case hl == "name":
					a.Name = f[j]
				case strings.HasPrefix(hl, "ip") || strings.Contains(hl, "address") || strings.Contains(hl, "host"):
					a.Address = f[j]
				case strings.HasPrefix(hl, "auth"):
					if on, ok := yesNo(f[j]); ok {
						a.Authenticated = &on
					}
				case strings.HasPrefix(hl, "product") || strings.HasPrefix(hl, "type"):
					a.Product = f[j]
				}
			}
			if a.Name == "" {
				warns = append(warns, warning(cmd, i+1, l))
				continue
			}
			addEvidence(&a.Evidence, t)
			m.Appliances = append(m.Appliances, a)
			addEvidence(&m.Evidence, t)
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if header == nil {
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return m, warns, nil
}

var portRE = regexp.MustCompile(`(?i)\bport\b\D*?(\d{1,5})\b`)

// ParseAppliancePort reads the batch `applianceconfig port` [C-IAF form, I
// wording]: the port the SMA connects to its appliances on.
func ParseAppliancePort(text string) (int, facts.Evidence, error) {
	const cmd = "applianceconfig port"
	ls, err := begin(cmd, text)
	if err != nil {
		return 0, facts.Evidence{}, err
	}
	for i, l := range ls {
		if m := portRE.FindStringSubmatch(l); m != nil {
			p, err := strconv.Atoi(m[1])
			if err != nil || p < 1 || p > 65535 {
				return 0, facts.Evidence{}, parseErr(cmd, i+1, l, errors.New("port out of range"))
			}
			ev := evidence(cmd)
			addEvidence(&ev, l)
			return p, ev, nil
		}
	}
	return 0, facts.Evidence{}, parseErr(cmd, 0, "", ErrUnrecognised)
}
