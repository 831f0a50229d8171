package sim

import (
	"fmt"
	"sort"
	"strings"
)

func (s *session) cmdVersion(args []string) error {
	sp := s.a.spec
	s.out("Current Version\n===============\n")
	s.printf("Product: %s\n", product(sp))
	s.printf("Model: %s\n", sp.Model)
	s.printf("Version: %s\n", sp.ver)
	s.printf("Build Date: %d-04-05\n", 2010+sp.ver.major)
	s.printf("Install Date: %d-05-01 10:22:33\n", 2010+sp.ver.major)
	s.printf("Serial #: %s\n", sp.Serial)
	s.out("BIOS: 6.00\nCPUs: 2 expected, 2 allocated\nMemory: 8192 MB expected, 8192 MB allocated\n" +
		"Hard disk: 250 GB, or 200 GB expected; 250 GB allocated\nRAID: NA\nRAID Status: Unknown\nRAID Type: NA\nBMC: NA\n")
	return nil
}

func product(sp *ApplianceSpec) string {
	kind := "Email Security"
	if sp.role == "sma" {
		kind = "Security Management"
	}
	if strings.HasSuffix(sp.Model, "V") {
		return fmt.Sprintf("Cisco %s %s Virtual Appliance", sp.Model, kind)
	}
	return fmt.Sprintf("Cisco %s %s Appliance", sp.Model, kind)
}

// pad left-aligns cells to the header's column widths, never letting two
// cells touch.
func pad(widths []int, cells ...string) string {
	var b strings.Builder
	for i, c := range cells {
		if i == len(cells)-1 {
			b.WriteString(c)
			break
		}
		w := widths[i]
		if len(c)+2 > w {
			w = len(c) + 2
		}
		b.WriteString(c + strings.Repeat(" ", w-len(c)))
	}
	return strings.TrimRight(b.String(), " ") + "\n"
}

func (s *session) cmdWho(args []string) error {
	widths := []int{11, 16, 13, 12, 14}
	s.out(pad(widths, "Username", "Role", "Login Time", "Idle Time", "Remote Host", "What"))
	s.out(pad(widths, "========", "=============", "==========", "=========", "===========", "===="))
	s.a.mu.Lock()
	ids := make([]int, 0, len(s.a.sessions))
	for id := range s.a.sessions {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var rows []string
	for _, id := range ids {
		o := s.a.sessions[id]
		if o.user == nil {
			continue
		}
		rows = append(rows, pad(widths, o.user.Name, o.user.Role, loginTime, "0s", o.remote, "CLI"))
	}
	s.a.mu.Unlock()
	for _, r := range rows {
		s.out(r)
	}
	return nil
}

// groupsOf maps a role to the groups whoami lists [I] for all but
// Administrator.
func groupsOf(role string) string {
	switch strings.ToLower(role) {
	case "administrator":
		return "admin, operators, config, log, guest"
	case "operator":
		return "operators, config, log, guest"
	case "read-only operator":
		return "readonly, guest"
	case "technician":
		return "technician"
	case "help desk user":
		return "helpdesk"
	}
	return "guest"
}

func (s *session) cmdWhoami(args []string) error {
	s.printf("Username: %s\nFull Name: %s\nGroups: %s\n", s.user.Name, s.user.FullName, groupsOf(s.user.Role))
	return nil
}

func (s *session) cmdStatus(args []string) error {
	detail := len(args) > 1 && strings.EqualFold(args[1], "detail")
	if len(args) > 1 && !detail {
		s.out("Usage: status [detail]\n")
		return nil
	}
	a := s.a
	a.mu.Lock()
	status, suspended := a.status, a.transfersSuspended
	a.mu.Unlock()
	if !detail {
		s.out("Enter \"status detail\" for more information.\n\n")
	}
	kv := func(k, v string) { s.printf("%-22s%s\n", k+":", v) }
	kv("Status as of", simDate+" GMT")
	kv("Up since", "Mon Nov 23 09:14:02 2026 GMT (3d 8h 45m 58s)")
	kv("Last counter reset", "Never")
	kv("System status", status)
	kv("Oldest Message", "No Messages")
	if a.isSMA() && detail {
		s.out(transfersLine(suspended))
	}
	// [C-IAF] one "Feature - <name>: <time remaining>" line per key.
	if keys := s.target().spec.FeatureKeys; len(keys) > 0 {
		s.out("\n")
		for _, k := range keys {
			s.printf("Feature - %s: %s\n", k.Module, k.Remaining)
		}
	}
	if !detail {
		return nil
	}
	s.out(`
Counters:                           Reset       Uptime     Lifetime
  Receiving
    Messages Received                   0            0            0
    Recipients Received                 0            0            0
  Rejection
    Rejected Recipients                 0            0            0
    Dropped Messages                    0            0            0
  Queue
    Soft Bounced Events                 0            0            0
  Completion
    Completed Recipients                0            0            0
      Hard Bounced Recipients           0            0            0
      Delivered Recipients              0            0            0
      Deleted Recipients                0            0            0

Rates (Events Per Hour):            1-Minute    5-Minutes    15-Minutes
  Receiving
    Messages Received                   0            0             0
    Recipients Received                 0            0             0
  Completion
    Completed Recipients                0            0             0

Gauges:                                                     Current
  System
    RAM Utilization                                             12%
    Overall CPU load average                                     2%
    Disk I/O Utilization                                         0%
  Resource Conservation
    Memory Shortage                                               0
    Queue Space Shortage                                          0
  Connections
    Current Inbound Connections                                   0
    Current Outbound Connections                                  0
  Queue
    Active Recipients                                             0
    Messages In Work Queue                                        0
    Kilobytes Used                                                0
    Kilobytes Free                                        8,388,608
`)
	// [C-IAF] the quarantine gauges differ by product.
	if a.isSMA() {
		s.out("    Messages In Quarantine                                        0\n      Kilobytes In Quarantine                                     0\n")
	} else {
		s.out("    Messages In Quarantine\n      Policy, Virus and Outbreak                                  0\n    Kilobytes In Quarantine\n      Policy, Virus and Outbreak                                  0\n")
	}
	return nil
}

// listenerNames are what resume and suspend act on.
func (a *appliance) listenerNames() string {
	if a.isSMA() && !a.pvoListening() {
		return "euq_listener"
	}
	if a.isSMA() {
		return "euq_listener, cpq_listener"
	}
	return strings.Join(a.spec.Listeners, ", ")
}

func (s *session) cmdResume(args []string) error {
	t := s.target()
	t.mu.Lock()
	was := t.status
	t.status = "Online"
	t.mu.Unlock()
	if was == "Online" {
		s.out("No listeners were resumed.\n")
		return nil
	}
	s.printf("Receiving resumed for %s.\n", t.listenerNames())
	return nil
}

func (s *session) cmdSuspend(args []string) error {
	if _, err := s.ask("suspend.delay", "Enter the number of seconds to wait before abruptly closing connections.\n", "30"); err != nil {
		return err
	}
	t := s.target()
	t.mu.Lock()
	t.status = "Offline"
	t.mu.Unlock()
	s.printf("\nReceiving suspended for %s.\n", t.listenerNames())
	return nil
}

func (s *session) cmdResumeTransfers(args []string) error {
	a := s.a
	a.mu.Lock()
	was := a.transfersSuspended
	a.transfersSuspended = false
	a.mu.Unlock()
	if was {
		s.out("Transfers resumed.\n")
	} else {
		s.out("Transfers are not suspended.\n")
	}
	return nil
}

func (s *session) cmdSuspendTransfers(args []string) error {
	a := s.a
	a.mu.Lock()
	a.transfersSuspended = true
	a.mu.Unlock()
	s.out("Transfers suspended.\n")
	return nil
}

func (s *session) cmdTCPServices(args []string) error {
	a := s.a
	a.mu.Lock()
	online := a.status == "Online"
	a.mu.Unlock()
	ip := a.spec.Interfaces[0].addr()
	if a.isSMA() {
		ip = a.spec.pvoInterface().addr()
	}
	row := func(proc string, pid int, addr string) {
		s.printf("  %-13s %-5d IPv4  TCP  %-20s LISTEN\n", proc, pid, addr)
	}
	s.out("System Processes (Note: All processes may not have been processed)\n")
	row("sshd", 1001, "*:22")
	row("gui", 1002, ip+":443")
	s.out("\nFeature Processes\n")
	if !online {
		return nil
	}
	site := a.site.sc
	if a.isSMA() {
		row("euq_listener", 2001, fmt.Sprintf("%s:%d", ip, site.SpamPort))
		if a.pvoListening() {
			row("cpq_listener", 2002, fmt.Sprintf("%s:%d", ip, a.spec.PVOPortActual))
		}
		return nil
	}
	for i, l := range a.spec.Listeners {
		row(l, 2001+i, ip+":25")
	}
	return nil
}

func (s *session) cmdFeaturekey(args []string) error {
	keys := s.target().spec.FeatureKeys
	switch {
	case len(keys) == 0:
	case s.a.isSMA():
		// [C-IAF] the SMA's table has no Quantity column.
		w := []int{36, 11}
		s.out(pad(w, "Module", "Remaining", "Expiration Date"))
		for _, k := range keys {
			s.out(pad(w, k.Module, k.Remaining, k.Expiration))
		}
		s.out("\n")
	default:
		w := []int{36, 10, 11}
		s.out(pad(w, "Module", "Quantity", "Remaining", "Expiration Date"))
		for _, k := range keys {
			s.out(pad(w, k.Module, k.Quantity, k.Remaining, k.Expiration))
		}
		s.out("\n")
	}
	for {
		op, err := s.menu("featurekey.menu", [][2]string{
			{"ACTIVATE", "Activate a (pending) key."},
			{"CHECKNOW", "Check now for new feature keys."},
		})
		switch {
		case err != nil || op == "":
			return err
		case op == "ACTIVATE":
			s.out("\nThere are no pending feature keys.\n\n")
		case op == "CHECKNOW":
			s.out("\nNo new feature keys are available.\n\n")
		default:
			s.out("\n")
		}
	}
}
