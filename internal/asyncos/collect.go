package asyncos

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
)

// The dialogs of the read-only collection, beside the parsers that read
// their output: the driver's collection plan decides when each runs, these
// say what is typed at which question. Items are chosen by label, never
// by number.

// TelnetDialog probes host:port from the interface labelled iface. A 220
// banner means connected, and the SMTP session is left politely.
func TelnetDialog(iface, host string, port int) []channel.Step {
	return []channel.Step{
		{Expect: `(?i)interface`, Choose: iface},
		{Expect: `(?i)host ?name|address`, Answer: host},
		{Expect: `(?i)port`, Answer: strconv.Itoa(port)},
		{Expect: `(?m)^220[ -]`, Anywhere: true, Optional: true, Answer: "QUIT"},
	}
}

var connectedRE = regexp.MustCompile(`(?m)^220[ -]|Connected to `)

// TelnetConnected reports whether a telnet dialog's output shows a connection.
func TelnetConnected(out string) bool { return connectedRE.MatchString(out) }

// TLSVerifyDialog checks TLS to host:port as the ESA's delivery to domain
// would; port 25 is left implicit, as an administrator types it.
func TLSVerifyDialog(domain, host string, port int) []channel.Step {
	target := host
	if port != 25 {
		target += ":" + strconv.Itoa(port)
	}
	return []channel.Step{
		{Expect: `(?i)domain`, Answer: domain},
		{Expect: `(?i)destination host|host to connect`, Answer: target},
	}
}

// ClusterConfigDialog leaves a standalone appliance standalone (the
// default) and, in a cluster, lists the machines and their connections,
// then leaves the menu.
func ClusterConfigDialog() []channel.Step {
	return []channel.Step{
		{Expect: `(?i)join or create a cluster`, Default: true, Optional: true},
		{Expect: `(?i)choose the operation`, Answer: "LIST", Optional: true},
		{Expect: `(?i)choose the operation`, Answer: "CONNSTATUS", Optional: true},
		{Expect: `(?i)choose the operation`, Default: true, Optional: true},
	}
}

// ServicesAndTestDialog walks the SMA's applianceconfig SERVICES (every
// question answered with its default, the current state) and TEST for
// each named appliance, in one dialog. Both forms are spoken: the [C-IAF]
// "Enter the name or number of the appliance" (typed, and asked again
// after the services, where a blank answer ends the loop) and the older
// numbered lists. In the [C-IAF] form every appliance's services are read
// in one pass of SERVICES' loop, each name typed where the loop asks for
// the next one (5 round trips an appliance, not 7); the older form goes
// back to the operations menu after each appliance and is asked SERVICES
// again. AsyncOS may record even unchanged SERVICES answers as a pending
// change: the caller proves with showchanges, and clears only what it
// staged itself.
func ServicesAndTestDialog(names []string) []channel.Step {
	steps := servicesLoop(names)
	for _, n := range names {
		steps = append(steps, testSteps(n)...)
	}
	return append(steps, leaveMenu)
}

// ServicesDialog is ServicesAndTestDialog's SERVICES for one appliance
// alone, so that another session may run its TEST meanwhile.
func ServicesDialog(name string) []channel.Step {
	return append(servicesLoop([]string{name}), leaveMenu)
}

// TestDialog is ServicesAndTestDialog's TEST for one appliance alone.
func TestDialog(name string) []channel.Step { return append(testSteps(name), leaveMenu) }

var leaveMenu = channel.Step{Expect: `(?i)choose the operation`, Default: true}

// servicesLoop reads the services of names in one SERVICES. Only the
// first SERVICES is required: a later one answers the operations menu
// only where the older form returned to it, since in the [C-IAF] form the
// loop's own question for the next name comes first and takes the name.
func servicesLoop(names []string) []channel.Step {
	var steps []channel.Step
	for i, n := range names {
		steps = append(steps,
			channel.Step{Expect: `(?i)choose the operation`, Answer: "SERVICES", Optional: i > 0},
			channel.Step{Expect: `(?i)choose the appliance whose services`, Choose: n, Optional: true},
			channel.Step{Fragment: "name or number of the appliance", Answer: n, Optional: true})
		for j := 0; j < 6; j++ {
			steps = append(steps, channel.Step{Expect: `(?i)to be (enabled|disabled)`, Default: true, Optional: true})
		}
	}
	// A blank answer where the loop asks for another name ends it.
	return append(steps, channel.Step{Fragment: "name or number of the appliance", Default: true, Optional: true})
}

func testSteps(n string) []channel.Step {
	return []channel.Step{
		{Expect: `(?i)choose the operation`, Answer: "TEST"},
		{Expect: `(?i)choose the appliance to test`, Choose: n, Optional: true},
		{Fragment: "name or number of the appliance", Answer: n, Optional: true}}
}

// LevelDialog reads a clusterable command without ever configuring it. In
// a cluster mode where the command has no settings AsyncOS opens with a
// NOTICE and offers to start a new, empty configuration there [C-IAF]:
// the menu form is left with "Switch modes" (chosen by label; it only
// changes the CLI mode, which the caller switches back), the yes/no form
// with N. Never Y, item 2 or 3, or a bare Enter (the defaults are
// unknown), and never Ctrl-C, which may stage the configuration too.
// policyconfig first asks the policy type [C-IAF]. The dialog ends in the
// command's own menu, which the caller backs out of.
//
// Where the menu offers CLUSTERSHOW (policyconfig in a cluster [C-IAF]),
// it is read too: read-only, it lists where the settings are configured
// [I content], a second account beside the NOTICEs.
func LevelDialog(command string) []channel.Step {
	var steps []channel.Step
	if command == "policyconfig" {
		steps = append(steps, channel.Step{Fragment: "Incoming Mail Policy or Outgoing", Choose: "Incoming Mail Policies", Optional: true})
	}
	steps = append(steps,
		channel.Step{Fragment: "What would you like to do?", Choose: "Switch modes to edit at mode", Optional: true},
		channel.Step{Fragment: "start a new, empty configuration", Answer: "N", Optional: true})
	if command == "policyconfig" {
		steps = append(steps, channel.Step{Expect: `(?m)^- CLUSTERSHOW - `, Answer: "CLUSTERSHOW", Optional: true})
	}
	return steps
}

// ReadDialog is how the read-only plan runs command: a clusterable one
// through LevelDialog, dqconfig declining to enable Delayed Quarantine
// (13.0.3+ asks when PVO is centralized and it is off) [C-IAF]; nil for
// a command that asks nothing.
func ReadDialog(command string) []channel.Step {
	if _, ok := SettingForCommand(command); ok {
		return LevelDialog(command)
	}
	if command == "dqconfig" {
		return []channel.Step{{Fragment: "enable Delayed Quarantine", Answer: "N", Optional: true}}
	}
	return nil
}

// ClearDialog discards this session's pending changes: `clear` (ESA and
// SMA; the SMA has no clearchanges) confirms with Y [C-IAF] or prints "No
// changes have been made".
func ClearDialog() []channel.Step {
	return []channel.Step{{Expect: `(?i)sure|clear`, Answer: "Y", Optional: true}}
}

// MailLogPortGrep finds the recent deliveries to the PVO port in mail_logs.
func MailLogPortGrep(port int) string { return fmt.Sprintf(`grep "port %d" mail_logs`, port) }

var newDCIDRe = regexp.MustCompile(`New SMTP DCID (\d+) `)

// MailLogDCIDs lists, once each and in order, the DCIDs MailLogPortGrep's
// output shows, keeping the last max.
func MailLogDCIDs(out string, max int) []string {
	var dcids []string
	seen := map[string]bool{}
	for _, m := range newDCIDRe.FindAllStringSubmatch(out, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			dcids = append(dcids, m[1])
		}
	}
	if max > 0 && len(dcids) > max {
		dcids = dcids[len(dcids)-max:]
	}
	return dcids
}

// MailLogTLSGrep finds the TLS outcome of these DCIDs in mail_logs.
func MailLogTLSGrep(dcids []string) string {
	return fmt.Sprintf(`grep "DCID (%s) TLS" mail_logs`, strings.Join(dcids, "|"))
}
