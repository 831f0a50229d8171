package asyncos

import (
	"errors"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseDeliveryConfig reads the `deliveryconfig` settings block. After a
// SETUP the block is printed again: when the last differs from the first,
// the first is what runs and the last is Staged until a commit.
func ParseDeliveryConfig(text string) (*facts.Delivery, []facts.Warning, error) {
	const cmd = "deliveryconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	var first, d *facts.Delivery
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
			if first == nil {
				first = d
			}
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
	if d.DefaultInterface == "" || first.DefaultInterface == "" {
		return nil, warns, parseErr(cmd, 0, "", errors.New("empty default interface"))
	}
	if d != first && (d.DefaultInterface != first.DefaultInterface || d.PossibleDelivery != first.PossibleDelivery ||
		d.MaxConcurrency != first.MaxConcurrency || d.TLSMaxConcurrency != first.TLSMaxConcurrency) {
		first.Staged = d
	}
	return first, warns, nil
}
