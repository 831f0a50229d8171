package sim

import "fmt"

// quarantineSize renders megabytes as quarantineconfig does, assuming
// 8 KB a message: 0M, 0.1M, 2.3M.
func quarantineSize(messages int) string {
	if messages == 0 {
		return "0M"
	}
	mb := float64(messages) * 8 / 1024
	if mb < 0.1 {
		mb = 0.1
	}
	return fmt.Sprintf("%.1fM", mb)
}

func (s *session) cmdQuarantineconfig(args []string) error {
	if done, err := s.levelHeader("quarantineconfig"); done || err != nil {
		return err
	}
	q := s.target().spec.Quarantines
	return s.browse("quarantineconfig.menu", [][2]string{
		{"NEW", "Create a new quarantine."},
		{"EDIT", "Edit a quarantine."},
		{"DELETE", "Remove a quarantine."},
		{"OUTBREAKMANAGE", "Manage resources for Outbreak Filters."},
	}, func() { s.quarantineTable(q) })
}

func (s *session) quarantineTable(q QuarantinesSpec) {
	if q.Centralized {
		s.printf("Note: Policy, Virus and Outbreak Quarantines are centralized on %s.\n\n", s.a.site.sc.SMA.Hostname)
	}
	s.printf("    %-23s%-13s%-11s%-12s%s\n", "Quarantine Name", "Space Used", "Messages", "Retention", "Default Action")
	total := 0
	for i, pq := range pvoQuarantines {
		n := 0
		for name, c := range q.Messages {
			if quarantineIndex(name) == i {
				n = c
			}
		}
		total += n
		s.printf("%2d. %-23s%-13s%-11d%-12s%s\n", i+1, pq.name, quarantineSize(n), n, pq.retention, pq.action)
	}
	s.printf("\nThe allocated size for quarantines is 3G. The used size is %s.\n\n", quarantineSize(total))
}
