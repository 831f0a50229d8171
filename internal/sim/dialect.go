package sim

import (
	"errors"
	"fmt"
	"strings"
)

// DialectSpec is the scenario-level `asyncos:` block: how this site's
// AsyncOS words the things Cisco's own CLI test library (IAF, see
// ../shared/asyncos-iaf.md) confirms, and which plausible form it takes
// where IAF is silent. Forms today's client copes with are the defaults;
// `iaf: true` switches every confirmed form that it cannot yet speak on at
// once, and each field can still be set on its own.
type DialectSpec struct {
	// IAF is kept for scenarios written when the confirmed forms were
	// opt-in; every one of them is now the default.
	IAF bool `yaml:"iaf"`
	// Levels: notice ([C-IAF] NOTICE, then the 3-item "What would you like
	// to do?" when another mode holds settings, else the Y/N question; the
	// default) or notice-yn (always the Y/N question).
	Levels string `yaml:"levels"`
	// NoticeDefault is the default of the NOTICE questions, [unknown]:
	// dangerous (Y, item 2; the default, so a bare Enter creates a pending
	// configuration), safe (N, item 1) or none (a blank answer asks again).
	NoticeDefault string `yaml:"notice_default"`
	// NoticeCommands print the NOTICE. policyconfig is [C-IAF]; the others
	// are [unknown]. Default: all seven (policyconfig, filters, dlpconfig,
	// dmarcconfig, quarantineconfig, deliveryconfig, sslconfig).
	NoticeCommands []string `yaml:"notice_commands"`
	// NoticeSwitch is what item 1 ("Switch modes") does, [unknown]:
	// continue (the command goes on in the new mode; default) or prompt.
	NoticeSwitch string `yaml:"notice_switch"`
	// NoticeCtrlC is what Ctrl-C at a NOTICE question does, [unknown]:
	// nothing (default) or creates (stages the empty configuration, so a
	// client relying on Ctrl-C there is caught; N and item 1 stay safe).
	NoticeCtrlC string `yaml:"notice_ctrl_c"`
	// ServicesStageDefaults: SMA SERVICES answers that keep the current
	// state still stage a change, [unknown] (default true).
	ServicesStageDefaults *bool `yaml:"services_stage_defaults"`
	// PolicyType: policyconfig asks Incoming/Outgoing/Match first [C-IAF];
	// default true.
	PolicyType *bool `yaml:"policy_type"`
	// ClearConfirm: clearchanges/clear ask to confirm, or print "No changes
	// have been made" [C-IAF]; clearchanges is then ESA-only. Default true.
	ClearConfirm *bool `yaml:"clear_confirm"`
	// DeliveryNoTLS: deliveryconfig SETUP's 5th question on ESA 12.0+
	// [C-IAF]: always (the default), off, or below-max (only when the TLS
	// maximum is below the maximum, [unknown]).
	DeliveryNoTLS string `yaml:"delivery_no_tls"`
	// SSLMethod: every sslconfig service asks its method list, then the
	// cipher, on every release (ESA: no VERSIONS, no outbound renegotiation;
	// SMA 12.0+: VERSIONS and no GUI) [C-IAF]. Default true; false plays
	// the fact sheets' [I] 12.0+ variant.
	SSLMethod *bool `yaml:"ssl_method"`
	// Restricted is the wording of the offer to switch to machine mode:
	// quoted (`restricted to "machine" mode`, default) or login-machine
	// (`restricted to run in machine mode of the machine you are logged in
	// to`), both [C-IAF].
	Restricted string `yaml:"restricted"`
	// RestrictedDisconnected: a machine-only command on or from a
	// disconnected machine takes the disconnected branch [C-IAF]; default
	// true.
	RestrictedDisconnected *bool `yaml:"restricted_disconnected"`
	// Rollback: ESA commit asks "save the current configuration for
	// rollback" (11.0+, [C-IAF]; default true; false plays rollbackconfig off).
	Rollback *bool `yaml:"rollback"`
	// CommitDiscard: commit of changes that change nothing asks "Are you
	// ready to discard all of your changes?" ([C-IAF] question, [unknown]
	// trigger).
	CommitDiscard bool `yaml:"commit_discard"`
	// ApplianceByName: SMA applianceconfig SERVICES and TEST ask "Enter the
	// name or number of the appliance" and SERVICES loops back [C-IAF];
	// default true.
	ApplianceByName *bool `yaml:"appliance_by_name"`
	// Setttymode: `setttymode 0 1` is accept (default; paging off) or
	// unknown ([unknown] for customer accounts).
	Setttymode string `yaml:"setttymode"`
	// Exec: SSH exec requests (the batch form, `ssh host "version"`,
	// [C] asyncos-cli.md) are accept (default) or refuse (the request is
	// declined, as an SSH server that allows no commands does).
	Exec string `yaml:"exec"`
	// Channels: an SSH connection carries many session channels (default,
	// as OpenSSH's MaxSessions 10 allows) or one ([unknown] for AsyncOS).
	Channels string `yaml:"channels"`
	// UnknownCommand is what an unknown command prints before ": <name>"
	// (default "Unknown command or missing feature key"; IAF's dictionary
	// has "Unknown command").
	UnknownCommand string `yaml:"unknown_command"`
}

// Command names the NOTICE may be configured for, with the store prefix
// whose keys hold the command's settings and the key a new, empty
// configuration creates.
var noticeTargets = map[string]struct{ prefix, marker string }{
	"policyconfig":     {"level.content_filters", "level.content_filters"},
	"filters":          {"level.message_filters", "level.message_filters"},
	"dlpconfig":        {"level.dlp", "level.dlp"},
	"dmarcconfig":      {"level.dmarc", "level.dmarc"},
	"quarantineconfig": {"level.pvo", "level.pvo"},
	"deliveryconfig":   {"delivery.", "delivery.level"},
	"sslconfig":        {"ssl.", "ssl.level"},
}

// emptyConfig is the value a NOTICE's "new, empty configuration" stores.
const emptyConfig = "empty"

func (d *DialectSpec) check(v *validator) {
	at := func(k string) []any { return []any{"asyncos", k} }
	def := func(p **bool, on bool) {
		if *p == nil {
			*p = &on
		}
	}
	def(&d.PolicyType, true)
	def(&d.ClearConfirm, true)
	def(&d.SSLMethod, true)
	def(&d.RestrictedDisconnected, true)
	def(&d.ApplianceByName, true)
	def(&d.Rollback, true)
	def(&d.ServicesStageDefaults, true)
	for _, c := range []struct {
		key  string
		val  *string
		vals []string
	}{
		{"levels", &d.Levels, []string{"notice", "notice-yn"}},
		{"notice_default", &d.NoticeDefault, []string{"dangerous", "safe", "none"}},
		{"notice_switch", &d.NoticeSwitch, []string{"continue", "prompt"}},
		{"notice_ctrl_c", &d.NoticeCtrlC, []string{"nothing", "creates"}},
		{"delivery_no_tls", &d.DeliveryNoTLS, []string{"always", "off", "below-max"}},
		{"restricted", &d.Restricted, []string{"quoted", "login-machine"}},
		{"setttymode", &d.Setttymode, []string{"accept", "unknown"}},
		{"exec", &d.Exec, []string{"accept", "refuse"}},
		{"channels", &d.Channels, []string{"many", "one"}},
	} {
		if *c.val == "" {
			*c.val = c.vals[0]
		}
		if !oneOf(*c.val, c.vals) {
			v.failf(at(c.key), "%s %q is not one of %s", c.key, *c.val, strings.Join(c.vals, ", "))
		}
	}
	if d.NoticeCommands == nil {
		// Every clusterable command the client reads: only policyconfig's
		// NOTICE is [C-IAF]; iaf-cluster-notice plays the others without.
		d.NoticeCommands = []string{"policyconfig", "filters", "dlpconfig", "dmarcconfig", "quarantineconfig", "deliveryconfig", "sslconfig"}
	}
	for i, c := range d.NoticeCommands {
		if _, ok := noticeTargets[c]; !ok {
			v.failf([]any{"asyncos", "notice_commands", i}, "notice command %q is not one of %s", c, strings.Join(sortedKeys(noticeTargets), ", "))
		}
	}
	if d.UnknownCommand == "" {
		d.UnknownCommand = "Unknown command or missing feature key"
	}
	if !strings.HasPrefix(d.UnknownCommand, "Unknown command") {
		v.failf(at("unknown_command"), "unknown_command %q does not start with \"Unknown command\"", d.UnknownCommand)
	}
}

func (s *session) dialect() *DialectSpec { return &s.a.site.sc.AsyncOS }

// levelHeader starts a clusterable command in a cluster with the [C-IAF]
// NOTICE flow. done means the command ends here (the NOTICE was declined
// or left by switching modes back to the prompt).
func (s *session) levelHeader(cmd string) (done bool, err error) {
	if s.a.cluster == nil {
		return false, nil
	}
	d := s.dialect()
	t := noticeTargets[cmd]
	if !oneOf(cmd, d.NoticeCommands) || s.a.store.definedPrefixAt(s.id, s.editLevel(), t.prefix) {
		return false, nil
	}
	here := s.mode.label()
	s.printf("NOTICE: This configuration command has not yet been configured for the current cluster mode (%s).\n\n", here)
	holders := s.holders(t.prefix)
	if d.Levels == "notice-yn" || len(holders) == 0 {
		def := map[string]string{"dangerous": "Y", "safe": "N", "none": ""}[d.NoticeDefault]
		yes, err := s.askYNOrBlank("notice.new", fmt.Sprintf("Do you want to start a new, empty configuration at the current mode (%s)?", here), def)
		if err != nil || !yes {
			return true, s.noticeInterrupted(err, t.marker)
		}
		s.set(t.marker, emptyConfig)
		s.out("\n")
		return false, nil
	}
	items := []string{
		fmt.Sprintf("Switch modes to edit at mode %q.", holders[0].label()),
		fmt.Sprintf("Start a new, empty configuration at the current mode (%s).", here),
		fmt.Sprintf("Copy settings from another cluster mode to the current mode (%s).", here),
	}
	def := map[string]int{"dangerous": 2, "safe": 1, "none": 0}[d.NoticeDefault]
	i := -1
	for i < 0 {
		if i, err = s.choose("notice.menu", "What would you like to do?", items, def); err != nil {
			return true, s.noticeInterrupted(err, t.marker)
		}
	}
	s.out("\n")
	switch i {
	case 0:
		s.mode = holders[0]
		return d.NoticeSwitch == "prompt", nil
	case 1:
		s.set(t.marker, emptyConfig)
		return false, nil
	}
	labels := make([]string, len(holders))
	for j, h := range holders {
		labels[j] = h.label()
	}
	j := -1
	for j < 0 {
		if j, err = s.choose("notice.copy", "Choose the mode from which to copy settings:", labels, 1); err != nil {
			return true, err
		}
	}
	s.a.store.copyPrefix(s.id, s.a.spec.Hostname, levelOf(holders[j]), s.editLevel(), t.prefix)
	s.out("\n")
	return false, nil
}

// noticeInterrupted plays notice_ctrl_c: creates stages the empty
// configuration when the NOTICE question was left with Ctrl-C.
func (s *session) noticeInterrupted(err error, marker string) error {
	if errors.Is(err, errInterrupt) && s.dialect().NoticeCtrlC == "creates" {
		s.set(marker, emptyConfig)
	}
	return err
}

// holders lists the other modes whose own level holds settings under
// prefix: the session's chain upwards first, then the rest in menu order.
func (s *session) holders(prefix string) []mode {
	var out []mode
	seen := map[mode]bool{s.mode: true}
	add := func(m mode) {
		if !seen[m] && s.a.store.definedPrefixAt(s.id, levelOf(m), prefix) {
			out = append(out, m)
		}
		seen[m] = true
	}
	cl := s.a.cluster
	switch s.mode.kind {
	case "machine":
		add(mode{"group", cl.groupOf[s.mode.name]})
		add(mode{"cluster", cl.spec.Name})
	case "group":
		add(mode{"cluster", cl.spec.Name})
	}
	for _, m := range cl.modes() {
		add(m)
	}
	return out
}

func levelOf(m mode) string {
	if m.kind == "cluster" {
		return "cluster"
	}
	return m.kind + ":" + m.name
}

// askYNOrBlank is askYN whose default may be "": then a blank answer asks
// again, as a question without a default does.
func (s *session) askYNOrBlank(name, question, def string) (bool, error) {
	if def != "" {
		return s.askYN(name, question, def == "Y")
	}
	if err := s.fault(name); err != nil {
		return false, err
	}
	for {
		s.prompt(question + " []> ")
		ans, err := s.readLine()
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		s.out("Please answer Y or N.\n")
	}
}

// cmdShowchanges prints the session's pending changes as the Python-dict
// literal IAF reads [C-IAF]: mode, then mode name, then setting keys; `{}`
// when nothing is pending. The cluster-mode keys are [I].
func (s *session) cmdShowchanges(args []string) error {
	name := ""
	if s.a.cluster != nil {
		name = s.a.cluster.spec.Name
	}
	s.out(s.a.store.pythonDict(s.id, name) + "\n")
	return nil
}

// cmdSetttymode plays the hidden `setttymode 0 1` that turns the pager off.
func (s *session) cmdSetttymode(args []string) error {
	if s.dialect().Setttymode != "accept" {
		s.printf("%s: %s\n", s.dialect().UnknownCommand, args[0])
		return nil
	}
	if len(args) != 3 || args[1] != "0" || (args[2] != "0" && args[2] != "1") {
		s.out("Usage: setttymode <echo 0|1> <nopaging 0|1>\n")
		return nil
	}
	s.noPager = args[2] == "1"
	return nil
}

// cmdDqconfig plays ESA 13.0.3+ dqconfig [C-IAF]: what it says tells
// whether PVO is centralized.
func (s *session) cmdDqconfig(args []string) error {
	q := s.target().spec.Quarantines
	if !q.Centralized {
		s.out("Delayed Quarantine would be available only when centralized quarantine is enabled.\n")
		return nil
	}
	if s.get("dq.enabled") != "Yes" {
		s.out("Delayed Quarantine feature is not enabled.\n\n")
		// [unknown] default: the dangerous Y, so a bare Enter stages a change.
		on, err := s.askYN("dqconfig.enable", "Do you want to enable Delayed Quarantine?", true)
		if err != nil || !on {
			return err
		}
		s.set("dq.enabled", "Yes")
		s.out("\nDelayed Quarantine enabled.\n")
		return nil
	}
	for {
		s.out("Space used: 0M\nNumer of messages: 0\nRetention time: 1h\n\n")
		op, err := s.menu("dqconfig.menu", [][2]string{
			{"LISTMIDS", "List the message IDs in Delayed Quarantine."},
			{"RELEASEMESSAGES", "Release messages from Delayed Quarantine."},
			{"MODIFYRETENTIONTIME", "Modify the retention time."},
			{"DISABLEDQ", "Disable Delayed Quarantine."},
		})
		if err != nil || op == "" {
			return err
		}
		s.out("\nThis operation is not available in the simulator.\n\n")
	}
}

// atLeastPatch is v >= major.minor.patch.
func (v version) atLeastPatch(major, minor, patch int) bool {
	if v.major != major || v.minor != minor {
		return v.atLeast(major, minor)
	}
	return v.patch >= patch
}
