package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var versionNumberRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:-(\d+))?`)

// ParseVersion reads the `version` command's Current Version block.
func ParseVersion(text string) (*facts.Version, []facts.Warning, error) {
	const cmd = "version"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	v := &facts.Version{Evidence: evidence(cmd)}
	var warns []facts.Warning
	seen := false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" || strings.EqualFold(t, "Current Version") || strings.Trim(t, "=-") == "" {
			continue
		}
		label, value, ok := parseLabel(t)
		if !ok {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		switch strings.ToLower(label) {
		case "product":
			v.Product = value
			addEvidence(&v.Evidence, t)
		case "model":
			v.Model = value
			addEvidence(&v.Evidence, t)
		case "serial #", "serial":
			v.Serial = value
		case "version":
			if seen {
				continue
			}
			m := versionNumberRE.FindStringSubmatch(value)
			if m == nil {
				return nil, warns, parseErr(cmd, i+1, l, errors.New("version is not major.minor.patch-build"))
			}
			seen = true
			v.Raw = value
			v.Major, _ = strconv.Atoi(m[1])
			v.Minor, _ = strconv.Atoi(m[2])
			v.Patch, _ = strconv.Atoi(m[3])
			v.Build, _ = strconv.Atoi(m[4])
			addEvidence(&v.Evidence, t)
		}
	}
	if !seen {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Version:" line`))
	}
	return v, warns, nil
}

// VersionRole tells an SMA (M-series) from an ESA (C- and X-series) by the
// model, or failing that by the product name. ok is false when neither says.
func VersionRole(v *facts.Version) (role facts.Role, ok bool) {
	if v == nil {
		return "", false
	}
	model := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v.Model), "Cisco ")))
	if model != "" {
		switch model[0] {
		case 'M':
			return facts.RoleSMA, true
		case 'C', 'X':
			return facts.RoleESA, true
		}
	}
	p := strings.ToLower(v.Product)
	switch {
	case strings.Contains(p, "security management"):
		return facts.RoleSMA, true
	case strings.Contains(p, "email security"):
		return facts.RoleESA, true
	}
	return "", false
}
