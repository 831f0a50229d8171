package sim

import (
	"fmt"
	"strconv"
)

func (s *session) cmdDiskquotaconfig(args []string) error {
	sp := s.target().spec
	row := func(a, b, c string) { s.printf("%-42s%-17s%s\n", a, b, c) }
	return s.browse("diskquotaconfig.menu", [][2]string{{"EDIT", "Edit disk quotas"}}, func() {
		row("Service", "Disk Usage(GB)", "Quota(GB)")
		var used, allocated float64
		for _, d := range quotaServices {
			q := sp.DiskQuota[d.key]
			used += *q.Usage
			allocated += *q.Quota
			row(d.label, fmt.Sprintf("%.1f", *q.Usage), gb(*q.Quota))
		}
		row("Total", fmt.Sprintf("%.1f", used), gb(allocated)+" of "+gb(sp.DiskAvailable))
		s.out("\n")
	})
}

// gb prints a quota the way the table does: 10, 2.5.
func gb(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
