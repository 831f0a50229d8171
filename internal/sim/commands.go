package sim

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// command is one AsyncOS CLI command of the simulator.
type command struct {
	run func(s *session, args []string) error
	// role limits the command to "esa" or "sma"; "" means both.
	role string
	// restrict is the cluster mode the command needs on a cluster member:
	// "machine", "cluster" or "".
	restrict string
	// since is the first release with the command (major, minor, patch).
	since [3]int
}

// lookup finds a command by name; a switch keeps the table explicit.
func lookup(name string) (command, bool) {
	switch name {
	case "version":
		return command{run: (*session).cmdVersion}, true
	case "who":
		return command{run: (*session).cmdWho}, true
	case "whoami":
		return command{run: (*session).cmdWhoami}, true
	case "status":
		return command{run: (*session).cmdStatus}, true
	case "resume":
		return command{run: (*session).cmdResume, restrict: "machine"}, true
	case "suspend":
		return command{run: (*session).cmdSuspend, restrict: "machine"}, true
	case "resumetransfers":
		return command{run: (*session).cmdResumeTransfers, role: "sma"}, true
	case "suspendtransfers":
		return command{run: (*session).cmdSuspendTransfers, role: "sma"}, true
	case "deliveryconfig":
		return command{run: (*session).cmdDeliveryconfig}, true
	case "telnet":
		return command{run: (*session).cmdTelnet}, true
	case "tlsverify":
		return command{run: (*session).cmdTLSVerify, role: "esa"}, true
	case "sslconfig":
		return command{run: (*session).cmdSSLConfig}, true
	case "clusterconfig":
		return command{run: (*session).cmdClusterconfig, role: "esa", restrict: "cluster"}, true
	case "clustermode":
		return command{run: (*session).cmdClustermode, role: "esa"}, true
	case "featurekey":
		return command{run: (*session).cmdFeaturekey, restrict: "machine"}, true
	case "policyconfig", "filters", "dlpconfig", "dmarcconfig":
		return command{run: (*session).cmdLevel, role: "esa"}, true
	case "applianceconfig":
		return command{run: (*session).cmdApplianceconfig, role: "sma"}, true
	case "diskquotaconfig":
		return command{run: (*session).cmdDiskquotaconfig}, true
	case "quarantineconfig":
		return command{run: (*session).cmdQuarantineconfig, role: "esa"}, true
	case "interfaceconfig":
		return command{run: (*session).cmdInterfaceconfig, restrict: "machine"}, true
	case "grep":
		return command{run: (*session).cmdGrep}, true
	case "tail":
		return command{run: (*session).cmdTail}, true
	case "tcpservices":
		return command{run: (*session).cmdTCPServices}, true
	case "commit":
		return command{run: (*session).cmdCommit}, true
	case "clearchanges", "clear":
		return command{run: (*session).cmdClearchanges}, true
	case "exit", "quit":
		return command{run: (*session).cmdExit}, true
	case "showchanges":
		return command{run: (*session).cmdShowchanges}, true
	case "setttymode":
		return command{run: (*session).cmdSetttymode}, true
	case "dqconfig":
		return command{run: (*session).cmdDqconfig, role: "esa", since: [3]int{13, 0, 3}}, true
	}
	return command{}, false
}

// execLine runs one command line. It returns nil when the CLI should go on
// (Ctrl-C and cancelled dialogs included), errExit on exit, and any other
// error when the session is over.
func (s *session) execLine(line string) error {
	args := splitArgs(line)
	if len(args) == 0 {
		return nil
	}
	name := strings.ToLower(args[0])
	args[0] = name
	cmd, ok := lookup(name)
	if !ok || (cmd.role != "" && cmd.role != s.a.spec.role) || !s.a.spec.ver.atLeastPatch(cmd.since[0], cmd.since[1], cmd.since[2]) ||
		name == "clearchanges" && s.a.isSMA() && *s.dialect().ClearConfirm {
		s.printf("%s: %s\n", s.dialect().UnknownCommand, args[0])
		return nil
	}
	err := s.restricted(cmd.restrict)
	if err == nil {
		err = cmd.run(s, args)
	}
	switch {
	case err == nil, errors.Is(err, errCancelled):
		s.out("\n")
		return s.err
	case errors.Is(err, errInterrupt):
		return s.err
	case errors.Is(err, io.EOF) && s.exec:
		// Batch input ran out mid-dialog: that command ends, the next runs.
		s.out("\n")
		return nil
	}
	return err
}

// splitArgs splits a command line at blanks, keeping double-quoted words
// (quotes removed) together.
func splitArgs(line string) []string {
	var out []string
	var cur strings.Builder
	quoted, have := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, have = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// restricted enforces machine-only and cluster-only commands on a cluster
// member, offering to switch modes as AsyncOS does.
func (s *session) restricted(need string) error {
	if need == "" || s.a.cluster == nil {
		return nil
	}
	if need == "machine" && *s.dialect().RestrictedDisconnected {
		if done, err := s.restrictedDisconnected(); done {
			return err
		}
	}
	if s.mode.kind == need {
		return nil
	}
	cl := s.a.cluster
	question := fmt.Sprintf("This command is restricted to %q mode.  Would you like to switch to %q mode?", need, need)
	if need == "machine" && s.dialect().Restricted == "login-machine" {
		question = fmt.Sprintf("This command is restricted to run in machine mode of the machine you are logged in to.  Do you want to switch to \"Machine %s\" mode?", s.a.spec.Hostname)
	}
	switchTo, err := s.askYN("restricted.switch", question, true)
	if err != nil {
		return err
	}
	if !switchTo {
		s.out("Command cancelled.\n")
		return errCancelled
	}
	if need == "machine" && s.dialect().Restricted == "login-machine" {
		s.mode = mode{"machine", s.a.spec.Hostname}
		s.out("\n")
		return nil
	}
	if need == "cluster" {
		s.mode = mode{"cluster", cl.spec.Name}
		return nil
	}
	target := s.a
	if len(cl.members) > 1 {
		names := make([]string, len(cl.members))
		def := 1
		for i, m := range cl.members {
			names[i] = m.spec.Hostname
			if m == s.a {
				def = i + 1
			}
		}
		i, err := s.choose("restricted.machine", "Choose a machine:", names, def)
		if err != nil {
			return err
		}
		target = cl.members[i]
	}
	s.mode = mode{"machine", target.spec.Hostname}
	s.out("\n")
	return nil
}

// restrictedDisconnected plays the two [C-IAF] disconnected branches of a
// machine-only command: the login host, or the current mode's machine,
// being disconnected. done is false when neither applies.
func (s *session) restrictedDisconnected() (done bool, err error) {
	cl := s.a.cluster
	down := map[string]bool{}
	for _, m := range cl.spec.Disconnected {
		down[m] = true
	}
	var first string
	switch {
	case s.mode.kind == "machine" && down[s.mode.name]:
		first = fmt.Sprintf("This command is restricted to machine-mode only.  The machine for the current mode (Machine %s) is currently disconnected.  You may only run the command on a connected machine.", s.mode.name)
	case s.mode.kind != "machine" && down[s.a.spec.Hostname]:
		first = fmt.Sprintf("This command is restricted to machine mode.  Since the current host (%s) is disconnected, you may only run it in machine mode.", s.a.spec.Hostname)
	default:
		return false, nil
	}
	s.out(first + "\n")
	yes, err := s.askYN("restricted.switch", "Do you want to switch to a different machine to run the command on?", true)
	if err != nil {
		return true, err
	}
	if !yes {
		s.out("Command cancelled.\n")
		return true, errCancelled
	}
	var names []string
	var ms []*appliance
	for _, m := range cl.members {
		if !down[m.spec.Hostname] || m == s.a {
			names, ms = append(names, m.spec.Hostname), append(ms, m)
		}
	}
	s.out("\n")
	i, err := s.choose("restricted.machine", "Choose the machine to run this command on.", names, 1)
	if err != nil || i < 0 {
		return true, err
	}
	s.mode = mode{"machine", ms[i].spec.Hostname}
	s.out("\n")
	return true, nil
}

// target is the appliance a machine-level command acts on: the machine of
// the current mode, else the one logged into.
func (s *session) target() *appliance {
	if s.mode.kind == "machine" && s.a.cluster != nil {
		if m := s.a.cluster.member(s.mode.name); m != nil {
			return m
		}
	}
	return s.a
}

// chain is where the session reads configuration: the current mode's level
// first, then the levels above it, then the login machine's own chain.
func (s *session) chain() []string {
	cl := s.a.cluster
	if cl == nil {
		return s.a.chain()
	}
	var c []string
	switch s.mode.kind {
	case "cluster":
		c = []string{"cluster"}
	case "group":
		c = []string{"group:" + s.mode.name, "cluster"}
	case "machine":
		c = []string{"machine:" + s.mode.name, "group:" + cl.groupOf[s.mode.name], "cluster"}
	}
	return append(c, s.a.chain()...)
}

// editLevel is where the session's changes go: the current mode's level.
func (s *session) editLevel() string {
	switch s.mode.kind {
	case "cluster":
		return "cluster"
	case "group":
		return "group:" + s.mode.name
	case "machine":
		return "machine:" + s.mode.name
	}
	return "machine:" + s.a.spec.Hostname
}

// get reads a setting as this session sees it (its pending changes included).
func (s *session) get(key string) string {
	v, _ := s.a.store.get(s.id, s.chain(), key)
	return v
}

// set records a pending change at the current mode's level.
func (s *session) set(key, val string) {
	s.a.store.set(s.id, s.a.spec.Hostname, s.editLevel(), key, val)
}

// committed reads what the appliance actually runs with: uncommitted
// changes take no effect on AsyncOS.
func (a *appliance) committed(key string) string {
	v, _ := a.store.get(-1, a.chain(), key)
	return v
}

func (s *session) cmdCommit(args []string) error {
	if !s.a.store.hasPending(s.id) {
		s.out("There is no data to commit.\n")
		return nil
	}
	if _, err := s.ask("commit.comment", "Please enter some comments describing your changes:\n", ""); err != nil {
		return err
	}
	if s.dialect().CommitDiscard && s.a.store.noOp(s.id) {
		// [C-IAF] question; [I] that changes which change nothing trigger it.
		s.out("\n")
		yes, err := s.askYN("commit.discard", "Your changes do not modify the configuration.  Are you ready to discard all of your changes?", true)
		if err != nil {
			return err
		}
		if yes {
			s.a.store.discard(s.id)
			s.out("\nChanges discarded.\n")
			return nil
		}
	}
	if !s.a.isSMA() && s.a.spec.ver.atLeast(11, 0) && *s.dialect().Rollback {
		s.out("\n")
		if _, err := s.askYN("commit.rollback", "Do you want to save the current configuration for rollback?", true); err != nil {
			return err
		}
	}
	s.a.store.commit(s.id)
	// commit.reply: the commit took effect, its reply is yet to come.
	if err := s.fault("commit.reply"); err != nil {
		return err
	}
	s.printf("\nChanges committed: %s UTC\n", simDate)
	return nil
}

func (s *session) cmdClearchanges(args []string) error {
	if *s.dialect().ClearConfirm {
		// [C-IAF] a confirmation, or "No changes have been made"; the
		// wording around both and the default are [I].
		if !s.a.store.hasPending(s.id) {
			s.out("No changes have been made since the last commit.\n")
			return nil
		}
		yes, err := s.askYN("clear.confirm", "Are you sure you want to clear all changes since the last commit?", true)
		if err != nil || !yes {
			return err
		}
		s.a.store.discard(s.id)
		s.out("\nChanges cleared.\n")
		return nil
	}
	if s.a.store.discard(s.id) {
		s.printf("Changes cleared: %s UTC\n", simDate)
	} else {
		s.out("There are no changes to clear.\n")
	}
	return nil
}

func (s *session) cmdExit(args []string) error {
	if s.a.store.hasPending(s.id) {
		// [C-IAF] "Are you sure you wish to exit?"; the sentence before it
		// and the default are [I].
		leave, err := s.askYN("exit.confirm", "You have uncommitted changes.  Are you sure you wish to exit?", false)
		if err != nil || !leave {
			return err
		}
		s.a.store.discard(s.id)
	}
	return errExit
}

// logName accepts the one log the simulator keeps, mail_logs.
func (s *session) logName(name string) bool {
	if name != "mail_logs" {
		s.printf("Unknown log name: %s\n", name)
		return false
	}
	return true
}

func (s *session) chooseLog() error {
	_, err := s.choose("log.choose", "Currently configured logs:", []string{`"mail_logs" Type: "IronPort Text Mail Logs" Retrieval: Manual Download`}, 0)
	return err
}

func (s *session) cmdGrep(args []string) error {
	args = args[1:]
	insensitive := false
	if len(args) > 0 && args[0] == "-i" {
		insensitive, args = true, args[1:]
	}
	var pattern string
	switch len(args) {
	case 0:
		if err := s.chooseLog(); err != nil {
			return err
		}
		p, err := s.ask("grep.regex", "\nEnter the regular expression to grep.\n", "")
		if err != nil {
			return err
		}
		pattern = p
		if insensitive, err = s.askYN("grep.case", "\nDo you want this search to be case insensitive?", true); err != nil {
			return err
		}
	case 2:
		if !s.logName(args[1]) {
			return nil
		}
		pattern = args[0]
	default:
		s.out("Usage: grep [-i] \"<regex>\" <log name>\n")
		return nil
	}
	if insensitive {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		s.printf("Invalid regular expression: %s\n", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	for _, l := range s.a.spec.MailLogs {
		if re.MatchString(l) {
			s.out(l + "\n")
		}
	}
	return nil
}

func (s *session) cmdTail(args []string) error {
	switch len(args) {
	case 1:
		if err := s.chooseLog(); err != nil {
			return err
		}
	case 2:
		if !s.logName(args[1]) {
			return nil
		}
	default:
		s.out("Usage: tail <log name>\n")
		return nil
	}
	logs := s.a.spec.MailLogs
	if len(logs) > 10 {
		logs = logs[len(logs)-10:]
	}
	s.out("Press Ctrl-C to stop.\n")
	for _, l := range logs {
		s.out(l + "\n")
	}
	return s.waitInterrupt()
}
