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
// each named appliance, in one dialog. AsyncOS records even unchanged
// SERVICES answers as a pending change: the caller runs clearchanges after.
func ServicesAndTestDialog(names []string) []channel.Step {
	var steps []channel.Step
	for _, n := range names {
		steps = append(append(steps, servicesSteps(n)...), testSteps(n)...)
	}
	return append(steps, leaveMenu)
}

// ServicesDialog is ServicesAndTestDialog's SERVICES for one appliance
// alone, so that another session may run its TEST meanwhile.
func ServicesDialog(name string) []channel.Step { return append(servicesSteps(name), leaveMenu) }

// TestDialog is ServicesAndTestDialog's TEST for one appliance alone.
func TestDialog(name string) []channel.Step { return append(testSteps(name), leaveMenu) }

var leaveMenu = channel.Step{Expect: `(?i)choose the operation`, Default: true}

func servicesSteps(n string) []channel.Step {
	steps := []channel.Step{
		{Expect: `(?i)choose the operation`, Answer: "SERVICES"},
		{Expect: `(?i)appliance whose services`, Choose: n}}
	for i := 0; i < 6; i++ {
		steps = append(steps, channel.Step{Expect: `(?i)to be (enabled|disabled)`, Default: true, Optional: true})
	}
	return steps
}

func testSteps(n string) []channel.Step {
	return []channel.Step{
		{Expect: `(?i)choose the operation`, Answer: "TEST"},
		{Expect: `(?i)appliance to test`, Choose: n}}
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
