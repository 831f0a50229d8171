package asyncos

import (
	"errors"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseDiskQuotaConfig reads `diskquotaconfig` [C rows, I layout]: a header
// naming Service, then "<service>  <usage>  <quota>" rows in GB, columns two
// or more blanks apart; the Total row's quota reads "<allocated> of
// <available>" and keeps only the allocated figure.
func ParseDiskQuotaConfig(text string) (*facts.DiskQuota, []facts.Warning, error) {
	const cmd = "diskquotaconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	d := &facts.DiskQuota{Rows: []facts.QuotaRow{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	header, inTable := false, false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "":
			inTable = false
			continue
		case strings.HasPrefix(lt, "service") && strings.Contains(lt, "quota"):
			if !header {
				addEvidence(&d.Evidence, t)
			}
			header, inTable = true, true
			continue
		case !inTable:
			if !isDialogNoise(t) {
				warns = append(warns, warning(cmd, i+1, l))
			}
			continue
		}
		f := splitColumns(t)
		if len(f) < 3 {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		usage, err1 := strconv.ParseFloat(f[1], 64)
		quotaText, _, _ := strings.Cut(f[2], " of ")
		quota, err2 := strconv.ParseFloat(strings.TrimSpace(quotaText), 64)
		if err1 != nil || err2 != nil || usage < 0 || quota < 0 {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		if d.Row(f[0]) != nil && strings.EqualFold(d.Row(f[0]).Service, f[0]) {
			continue // the table again after a menu visit
		}
		d.Rows = append(d.Rows, facts.QuotaRow{Service: f[0], Usage: usage, Quota: quota})
		addEvidence(&d.Evidence, t)
	}
	if !header {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Service … Quota" table`))
	}
	return d, warns, nil
}
