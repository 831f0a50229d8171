package rules

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Need says how much a read weighs in a verdict.
type Need int

const (
	// Needed: absent, failed or cut short, the finding cannot pass.
	Needed Need = iota
	// IfRead: absent is fine (the rule passes without it), but a read
	// that failed or was cut short may hide the failure, so it cannot pass.
	IfRead
	// Context explains a failure or adds history; it never decides a pass.
	Context
)

// Read is one piece of evidence a rule reads, as data: the output of a
// command on the SMA, on the ESA a finding is about, or on every member of
// its cluster. The engine, not the rule, keeps a finding from passing
// without its reads.
type Read struct {
	Role facts.Role
	// Command names the read as the session runs it; it is a key of
	// blocks ("version", "featurekey", "quarantineconfig levels").
	Command string
	Need    Need
	// When, if set, limits Need to the ESAs it holds for (the telnet from
	// a named delivery interface matters only when it is not Auto).
	When func(a *facts.Appliance) bool
}

// readSteps lists the reads whose errors show under other step names than
// the command itself. A step counts when it is one of them or starts with
// one and a space ("telnet from In", "status detail").
var readSteps = map[string][]string{
	"whoami":        {"who", "whoami"},
	"status detail": {"status"},
	"mail_logs":     {"grep mail_logs", "mail_logs"},
	pvoLevels:       {"quarantineconfig"},
}

func steps(cmd string) []string {
	if s, ok := readSteps[cmd]; ok {
		return s
	}
	return []string{cmd}
}

// memberRead: the read is kept per cluster machine, so one session can hold
// every member's (clustermode machine).
func memberRead(cmd string) bool { return cmd == "featurekey" || cmd == "interfaceconfig" }

// pvoLevels is quarantineconfig read in every cluster mode (its NOTICE
// says where the PVO settings are not defined), the PVO settings' level:
// a fact of its own beside the table.
const pvoLevels = "quarantineconfig levels"

// shown is how summaries name read cmd: as the command a person types.
func shown(cmd string) string {
	if cmd == pvoLevels {
		return "`quarantineconfig` in every cluster mode"
	}
	return "`" + cmd + "`"
}

// levelSetting is the setting whose levels read cmd shows: one of the four
// PVO-006 judges, or the PVO settings' own.
func levelSetting(cmd string) (facts.Setting, bool) {
	if cmd == pvoLevels {
		return facts.SettingPVO, true
	}
	for _, s := range facts.ClusterSettings {
		if s.Command() == cmd {
			return s, true
		}
	}
	return "", false
}

// blocks returns the evidence read cmd produced on a (for a member read,
// machine's); ok is false when it was not read. The pointers let the
// engine see, and tests set, a block's completeness.
func blocks(a *facts.Appliance, cmd, machine string) (ev []*facts.Evidence, ok bool) {
	single := func(present bool, e func() *facts.Evidence) ([]*facts.Evidence, bool) {
		if !present {
			return nil, false
		}
		return []*facts.Evidence{e()}, true
	}
	if s, isLevel := levelSetting(cmd); isLevel {
		sl := a.SettingLevels[s]
		return single(sl != nil, func() *facts.Evidence { return &sl.Evidence })
	}
	switch cmd {
	case "version":
		return single(a.Version != nil, func() *facts.Evidence { return &a.Version.Evidence })
	case "whoami":
		return single(a.Account != nil, func() *facts.Evidence { return &a.Account.Evidence })
	case "status", "status detail":
		return single(a.Status != nil, func() *facts.Evidence { return &a.Status.Evidence })
	case "tcpservices":
		return single(a.TCPServices != nil, func() *facts.Evidence { return &a.TCPServices.Evidence })
	case "deliveryconfig":
		return single(a.Delivery != nil, func() *facts.Evidence { return &a.Delivery.Evidence })
	case "tlsverify":
		return single(a.TLSVerify != nil, func() *facts.Evidence { return &a.TLSVerify.Evidence })
	case "sslconfig":
		return single(a.SSL != nil, func() *facts.Evidence { return &a.SSL.Evidence })
	case "clusterconfig":
		return single(a.Cluster != nil, func() *facts.Evidence { return &a.Cluster.Evidence })
	case "mail_logs":
		return single(a.MailLog != nil, func() *facts.Evidence { return &a.MailLog.Evidence })
	case "diskquotaconfig":
		return single(a.DiskQuota != nil, func() *facts.Evidence { return &a.DiskQuota.Evidence })
	case "quarantineconfig":
		return single(a.Quarantines != nil, func() *facts.Evidence { return &a.Quarantines.Evidence })
	case "applianceconfig":
		// A row's SERVICES or TEST block cut short is as bad as the list.
		if a.Managed == nil {
			return nil, false
		}
		out := []*facts.Evidence{&a.Managed.Evidence}
		for i := range a.Managed.Appliances {
			out = append(out, &a.Managed.Appliances[i].Evidence)
		}
		return out, true
	case "telnet":
		if len(a.Probes) == 0 {
			return nil, false
		}
		out := make([]*facts.Evidence, 0, len(a.Probes))
		for i := range a.Probes {
			out = append(out, &a.Probes[i].Evidence)
		}
		return out, true
	case "featurekey":
		if fk := lookupFold(a.FeatureKeys, machine); fk != nil {
			return []*facts.Evidence{&fk.Evidence}, true
		}
	case "interfaceconfig":
		if ifs := lookupFold(a.Interfaces, machine); ifs != nil {
			return []*facts.Evidence{&ifs.Evidence}, true
		}
	}
	return nil, false
}

// lookupFold finds a per-machine fact by hostname, case-insensitively.
func lookupFold[T any](m map[string]*T, machine string) *T {
	for host, v := range m {
		if v != nil && strings.EqualFold(host, machine) {
			return v
		}
	}
	return nil
}

// Found reports whether read cmd (a Read's Command) is among a's facts;
// machine names the member for a per-machine read. What a report says is
// still to collect comes from the same table the engine judges by.
func Found(a *facts.Appliance, cmd, machine string) bool {
	_, ok := blocks(a, cmd, machine)
	return ok
}

// MemberRead reports whether read cmd is kept per cluster machine.
func MemberRead(cmd string) bool { return memberRead(cmd) }
