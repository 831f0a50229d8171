package asyncos

import (
	"errors"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseStatus reads `status` (or `status detail`): the system status and
// when the appliance came up.
func ParseStatus(text string) (*facts.SystemStatus, []facts.Warning, error) {
	const cmd = "status"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	s := &facts.SystemStatus{Evidence: evidence(cmd)}
	var warns []facts.Warning
	seen := false
	inTable := false // `status detail` adds tables under "Counters:" and friends
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(t), `enter "status detail"`) {
			continue
		}
		if name, rem, ok := featureLine(t); ok {
			// [C-IAF] "Feature - <name>: <time remaining>".
			s.Features = append(s.Features, facts.StatusFeature{Name: name, Remaining: rem})
			addEvidence(&s.Evidence, t)
			continue
		}
		label, value, ok := parseLabel(t)
		if ok && (value == "" || isStatusTable(label)) {
			if isStatusTable(label) {
				s.Sections = append(s.Sections, sectionName(label))
			}
			inTable = true
			continue
		}
		if !ok {
			if !inTable {
				warns = append(warns, warning(cmd, i+1, l))
			}
			continue
		}
		ll := strings.ToLower(label)
		switch {
		case ll == "system status":
			if value == "" {
				return nil, warns, parseErr(cmd, i+1, l, errors.New("empty system status"))
			}
			s.Value = value
			seen = true
			addEvidence(&s.Evidence, t)
		case ll == "up since":
			s.UpSince = value
			addEvidence(&s.Evidence, t)
		case strings.Contains(ll, "transfer"):
			// [I] How `suspendtransfers` shows in `status` is not confirmed;
			// read a "... transfer ...: Suspended/Active" line if there is one.
			lv := strings.ToLower(value)
			var b bool
			switch {
			case strings.Contains(lv, "suspend"):
				b = true
			case strings.Contains(lv, "active"), strings.Contains(lv, "enabled"), strings.Contains(lv, "resumed"), strings.Contains(lv, "online"):
				b = false
			default:
				warns = append(warns, warning(cmd, i+1, l))
				continue
			}
			s.TransfersSuspended = &b
			addEvidence(&s.Evidence, t)
		}
	}
	if !seen {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "System status:" line`))
	}
	return s, warns, nil
}

// isStatusTable recognises the headings of `status detail`'s tables, whose
// column names follow the colon: "Counters:   Reset   Uptime   Lifetime".
func isStatusTable(label string) bool {
	return sectionName(label) != ""
}

// sectionName names a `status detail` table heading: Counters, Rates
// ("Rates (Events Per Hour)"), Gauges or Current IDs; "" for anything else.
func sectionName(label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	for _, s := range []string{"Counters", "Rates", "Gauges", "Current IDs"} {
		if l == strings.ToLower(s) || strings.HasPrefix(l, strings.ToLower(s)+" (") {
			return s
		}
	}
	return ""
}

// featureLine splits "Feature - IronPort Anti-Spam: 287 days".
func featureLine(t string) (name, remaining string, ok bool) {
	rest, ok := cutPrefixFold(t, "Feature - ")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndex(rest, ": ")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+2:]), true
}
