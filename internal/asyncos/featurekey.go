package asyncos

import (
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// featureRowRE is Cisco's own test library's row pattern, the fallback for
// rows whose columns are not two blanks apart.
var featureRowRE = regexp.MustCompile(`^(.+?)\s+(\d+)\s+(.+?)\s{2,}(.+)$`)

// ParseFeatureKey reads the `featurekey` table (Module, Quantity,
// Remaining, Expiration Date; columns two or more blanks apart). Output
// with the operations menu but no header means no keys: collected, empty.
// Machine is left for the caller, who knows which machine ran it.
func ParseFeatureKey(text string) (*facts.FeatureKeys, []facts.Warning, error) {
	const cmd = "featurekey"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	fk := &facts.FeatureKeys{Keys: []facts.FeatureKey{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	var header []string
	inTable, menu := false, false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		if strings.HasPrefix(lt, "module") && (strings.Contains(lt, "quantity") || strings.Contains(lt, "remaining")) {
			header = splitColumns(t)
			inTable = true
			addEvidence(&fk.Evidence, t)
			continue
		}
		if t == "" || strings.Trim(t, "=-") == "" {
			if t == "" {
				inTable = false
			}
			continue
		}
		if strings.HasPrefix(lt, "choose the operation") {
			menu = true
			inTable = false
			continue
		}
		if !inTable {
			if !isDialogNoise(t) && !strings.Contains(lt, "restricted to") {
				warns = append(warns, warning(cmd, i+1, l))
			}
			continue
		}
		k, ok := featureRow(header, t)
		if !ok {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		fk.Keys = append(fk.Keys, k)
		addEvidence(&fk.Evidence, t)
	}
	if header == nil && !menu {
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return fk, warns, nil
}

func featureRow(header []string, t string) (facts.FeatureKey, bool) {
	f := splitColumns(t)
	if len(f) == len(header) {
		var k facts.FeatureKey
		for i, h := range header {
			switch hl := strings.ToLower(h); {
			case strings.HasPrefix(hl, "module"):
				k.Module = f[i]
			case strings.HasPrefix(hl, "quantity"):
				k.Quantity = f[i]
			case strings.HasPrefix(hl, "remaining"), strings.HasPrefix(hl, "time remaining"):
				k.Remaining = f[i]
			case strings.HasPrefix(hl, "expir"):
				k.Expiration = f[i]
			}
		}
		if k.Module != "" {
			return k, true
		}
	}
	if m := featureRowRE.FindStringSubmatch(t); m != nil {
		return facts.FeatureKey{Module: strings.TrimSpace(m[1]), Quantity: m[2], Remaining: m[3], Expiration: m[4]}, true
	}
	return facts.FeatureKey{}, false
}
