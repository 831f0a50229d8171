package asyncos

import (
	"errors"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseDeliveryConfig reads the `deliveryconfig` settings block. After a
// SETUP the block is printed again; the last one is the current state.
func ParseDeliveryConfig(text string) (*facts.Delivery, []facts.Warning, error) {
	const cmd = "deliveryconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	var d *facts.Delivery
	var warns []facts.Warning
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		label, value, ok := parseLabel(t)
		if !ok || isDialogNoise(t) {
			if !isDialogNoise(t) {
				warns = append(warns, warning(cmd, i+1, l))
			}
			continue
		}
		ll := strings.ToLower(strings.Trim(label, `"`))
		switch {
		case ll == "default interface to deliver mail":
			d = &facts.Delivery{DefaultInterface: value, Evidence: evidence(cmd)}
			addEvidence(&d.Evidence, t)
		case d == nil:
			warns = append(warns, warning(cmd, i+1, l))
		case ll == "possible delivery":
			d.PossibleDelivery = value
			addEvidence(&d.Evidence, t)
		case strings.Contains(ll, "tls maximum outbound"):
			d.TLSMaxConcurrency = value
			addEvidence(&d.Evidence, t)
		case strings.Contains(ll, "maximum outbound"):
			d.MaxConcurrency = value
			addEvidence(&d.Evidence, t)
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if d == nil {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Default interface to deliver mail:" line`))
	}
	if d.DefaultInterface == "" {
		return nil, warns, parseErr(cmd, 0, "", errors.New("empty default interface"))
	}
	return d, warns, nil
}
