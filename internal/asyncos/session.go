package asyncos

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// singleCommands are read once: when a session repeats one, the last
// occurrence is the current state.
var singleCommands = map[string]bool{
	"version": true, "who": true, "whoami": true, "status": true, "resume": true,
	"tcpservices": true, "deliveryconfig": true, "tlsverify": true, "sslconfig": true,
	"clusterconfig": true, "diskquotaconfig": true, "quarantineconfig": true,
}

// perMachine are commands whose output belongs to one cluster member: a
// session reads them once per machine.
var perMachine = map[string]bool{"featurekey": true, "interfaceconfig": true}

// FromSession reads a saved AsyncOS CLI session (what a terminal logger or a
// copy-paste captured) and returns the facts its commands show. name is the
// file name used in messages and as the appliance address; role is the role
// the user said the file belongs to (--esa or --sma). A command whose output
// does not parse becomes an entry in Errors; only a file that is no session
// at all, or that `version` shows to be the other kind of appliance, fails.
func FromSession(name string, r io.Reader, role facts.Role) (*facts.Appliance, error) {
	cmds, err := sessionlog.Split(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return fromCommands(name, cmds, role)
}

// OpenSession opens a saved session the user named for FromSession or
// FromFile: a FIFO, a device or "-" (standard input) is read under
// sessionlog.ReadTimeout, and nothing beyond sessionlog.MaxSessionBytes.
func OpenSession(path string) (io.ReadCloser, error) {
	return sessionlog.OpenInput(path, sessionlog.Limits{MaxBytes: sessionlog.MaxSessionBytes})
}

// FileSession is one appliance's session found in a saved file, with what
// the driver needs to merge sessions across files: who it is (hostname,
// serial, cluster and machine prompts) and when (file order, time stamps).
type FileSession struct {
	Appliance *facts.Appliance
	// RoleFrom says what showed Appliance.Role: "version" (its product
	// line), "banner" (the login banner), "commands" (one only an ESA or
	// only an SMA answers), "given" (the caller's role, nothing in the
	// session said otherwise), or "" when nothing did (Role is then "").
	RoleFrom  string
	Hostname  string // from the login prompts, or the cluster by serial
	Serial    string // `version`'s Serial #
	Cluster   string // `(Cluster c)> ` prompts
	Machines  []string
	FirstLine int // input lines of the first and last command
	LastLine  int
	Start     time.Time `json:",omitzero"` // the first logger time stamp; zero without
}

// FromFile reads a saved file that may hold several sessions (several
// appliances, several logins) and returns each with its facts, in file
// order. role is what the user said the file is (--esa or --sma), or ""
// to let each session's own output decide; a session's `version` that
// shows the other kind of appliance than role is an error, weaker signs
// yield to role.
//
// A file with no prompt at all is read as outputs pasted without their
// prompts: each block is recognised by its shape (pasteShapes) and the
// whole file is one appliance, with no hostname of its own, and the
// warning PastedWarning. Such a block counts as whole only where the
// command's own end shows (completeness).
func FromFile(name string, r io.Reader, role facts.Role) ([]FileSession, error) {
	cmds, err := sessionlog.SplitPasted(r, newPasteReader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	groups := sessionlog.Group(cmds)
	out := make([]FileSession, 0, len(groups))
	for _, g := range groups {
		got, from := guessRole(g)
		switch {
		case role != "" && from == "version" && got != role:
			return nil, fmt.Errorf("%s: the session at line %d shows an %s in version, not an %s", name, g.FirstLine,
				strings.ToUpper(string(got)), strings.ToUpper(string(role)))
		case role != "" && from != "version":
			got, from = role, "given"
		}
		addr := name
		if len(groups) > 1 {
			addr = fmt.Sprintf("%s#%d", name, g.FirstLine)
		}
		app, err := fromCommands(addr, g.Commands, got)
		if err != nil {
			return nil, err
		}
		if app.Hostname == "" {
			app.Hostname = g.Hostname
		}
		if g.Commands[0].Pasted {
			app.Warnings = append(app.Warnings, facts.Warning{Line: g.FirstLine, Text: PastedWarning})
			app.Notes = append(app.Notes, PastedWarning)
		}
		fs := FileSession{Appliance: app, RoleFrom: from, Hostname: app.Hostname, Cluster: g.Cluster,
			Machines: g.Machines, FirstLine: g.FirstLine, LastLine: g.LastLine, Start: g.Start}
		if app.Version != nil {
			fs.Serial = app.Version.Serial
		}
		out = append(out, fs)
	}
	return out, nil
}

// Commands only one kind of appliance answers.
var (
	smaOnly = map[string]bool{"applianceconfig": true}
	esaOnly = map[string]bool{"deliveryconfig": true, "policyconfig": true, "filters": true, "dlpconfig": true,
		"dmarcconfig": true, "quarantineconfig": true, "listenerconfig": true}
)

// guessRole says what kind of appliance a session shows, strongest sign
// first: version's product line, the login banner, the commands it
// answered (a refused command is no sign).
func guessRole(g sessionlog.Session) (facts.Role, string) {
	for i := len(g.Commands) - 1; i >= 0; i-- {
		c := g.Commands[i]
		if c.Name != "version" {
			continue
		}
		if v, _, err := ParseVersion(c.Text); err == nil {
			if r, ok := VersionRole(v); ok {
				return r, "version"
			}
		}
	}
	if b := strings.ToLower(g.Login); b != "" {
		switch {
		case strings.Contains(b, "security management"):
			return facts.RoleSMA, "banner"
		case strings.Contains(b, "email security"):
			return facts.RoleESA, "banner"
		}
	}
	for _, c := range g.Commands {
		if _, _, refused := refusal(outputLines(c.Text)); refused || isBlank(c.Text) {
			continue
		}
		switch {
		case smaOnly[c.Name]:
			return facts.RoleSMA, "commands"
		case esaOnly[c.Name]:
			return facts.RoleESA, "commands"
		}
	}
	return "", ""
}

// fromCommands reads the facts of one appliance's commands.
func fromCommands(name string, cmds []sessionlog.Command, role facts.Role) (*facts.Appliance, error) {
	app := &facts.Appliance{Role: role, Address: name}
	for _, c := range cmds {
		if c.Mode.Level == "" && c.Host != "" {
			app.Hostname = c.Host
			break
		}
	}
	self := app.Hostname // whose a per-machine block is when no prompt says
	if self == "" && len(cmds) > 0 && cmds[0].Pasted {
		self = name // a paste is one appliance, named by its file
	}
	last := map[string]int{}
	for i, c := range cmds {
		key := c.Name
		if perMachine[key] {
			key += "@" + machineOf(cmds, i, self)
		}
		last[key] = i
	}
	var whoText *sessionlog.Command
	var mailText []string
	var telnetIfs *facts.Interfaces // the interfaces telnet offered, outside a cluster
	var telnetHost string
	var mailCut string // why a grep of mail_logs may be cut
	for i, c := range cmds {
		key := c.Name
		if perMachine[key] {
			key += "@" + machineOf(cmds, i, self)
		}
		if (singleCommands[c.Name] || perMachine[c.Name] || isLevelCommand(c.Name)) && last[key] != i {
			continue
		}
		if strings.TrimSpace(c.Text) == "" && c.Name != "grep" {
			if known(c.Name) {
				app.Warnings = append(app.Warnings, facts.Warning{Command: c.CommandLine(), Line: c.Line, Text: "no output captured"})
			}
			continue
		}
		cut := completeness(c)
		if cut != "" && (known(c.Name) || c.Name == "grep") {
			app.Warnings = append(app.Warnings, facts.Warning{Command: c.CommandLine(), Line: c.Line, Text: "output incomplete: " + cut})
		}
		var warns []facts.Warning
		var perr error
		var got any // the fact this block produced, to mark when it is incomplete
		switch c.Name {
		case "version":
			var v *facts.Version
			v, warns, perr = ParseVersion(c.Text)
			if v != nil {
				if got, ok := VersionRole(v); ok && role != "" && got != role {
					return nil, fmt.Errorf("%s: version shows an %s (model %s), not an %s", name,
						strings.ToUpper(string(got)), v.Model, strings.ToUpper(string(role)))
				}
				app.Version = v
				got = v
			}
		case "whoami":
			var a *facts.Account
			a, warns, perr = ParseWhoami(c.Text)
			if a != nil {
				markIncomplete(a, cut)
				app.Account = mergeAccount(app.Account, a)
			}
		case "who":
			whoText = &cmds[i]
			continue // needs the user from whoami, which may come later
		case "status":
			app.Status, warns, perr = ParseStatus(c.Text)
			got = app.Status
		case "resume":
			app.Resume, warns, perr = ParseResume(c.Text)
			got = app.Resume
		case "tcpservices":
			app.TCPServices, warns, perr = ParseTCPServices(c.Text)
			got = app.TCPServices
		case "deliveryconfig":
			if text := StripNotice(c.Text); text != "" {
				app.Delivery, warns, perr = ParseDeliveryConfig(text)
				got = app.Delivery
			}
		case "telnet":
			if telnetIfs == nil && c.Mode.Level == "" {
				if ifs := TelnetInterfaces(c.Text); ifs != nil {
					telnetIfs, telnetHost = ifs, machineOf(cmds, i, self)
				}
			}
			var p *facts.Probe
			p, warns, perr = ParseTelnet(c.Text)
			if p != nil {
				fillProbeFromArgs(p, c.Args)
				markIncomplete(p, cut)
				app.Probes = append(app.Probes, *p)
			}
		case "tlsverify":
			app.TLSVerify, warns, perr = ParseTLSVerify(c.Text)
			got = app.TLSVerify
		case "sslconfig":
			if text := StripNotice(c.Text); text != "" {
				app.SSL, warns, perr = ParseSSLConfig(text)
				got = app.SSL
			}
		case "clusterconfig":
			app.Cluster, warns, perr = ParseClusterConfig(c.Text)
			got = app.Cluster
		case "featurekey":
			var fk *facts.FeatureKeys
			fk, warns, perr = ParseFeatureKey(c.Text)
			if fk != nil {
				got = fk
				fk.Machine = machineOf(cmds, i, self)
				perr = byMachine(&app.FeatureKeys, fk.Machine, fk, "featurekey", "keys")
			}
		case "interfaceconfig":
			var ifs *facts.Interfaces
			ifs, warns, perr = ParseInterfaceConfig(c.Text)
			if ifs != nil {
				got = ifs
				ifs.Machine = machineOf(cmds, i, self)
				perr = byMachine(&app.Interfaces, ifs.Machine, ifs, "interfaceconfig", "interfaces")
			}
		case "applianceconfig":
			var m *facts.ManagedAppliances
			m, warns, perr = ParseApplianceConfig(c.Text)
			if m != nil {
				markIncomplete(m, cut)
				app.Managed = mergeManaged(app.Managed, m)
			}
		case "diskquotaconfig":
			app.DiskQuota, warns, perr = ParseDiskQuotaConfig(c.Text)
			got = app.DiskQuota
		case "quarantineconfig":
			if text := StripNotice(c.Text); text != "" {
				app.Quarantines, warns, perr = ParseQuarantineConfig(text)
				got = app.Quarantines
			}
		case "commit", "clearchanges":
			var cr *facts.CommitResult
			if c.Name == "commit" {
				cr, warns, perr = ParseCommit(c.Text)
			} else {
				cr, warns, perr = ParseClearChanges(c.Text)
			}
			if cr != nil {
				markIncomplete(cr, cut)
				app.Commits = append(app.Commits, *cr)
			}
		case "showchanges":
			var pc *facts.PendingChanges
			pc, warns, perr = ParseShowChanges(c.Text)
			if pc != nil {
				markIncomplete(pc, cut)
				app.Pending = append(app.Pending, *pc)
			}
		case "dqconfig":
			app.DelayedQuarantine, warns, perr = ParseDQConfig(c.Text)
			got = app.DelayedQuarantine
			if errors.Is(perr, ErrRefused) {
				perr = nil // before 13.0.3: no dqconfig, and no evidence
			}
		case "grep":
			if grepsMailLogs(c) {
				mailText = append(mailText, c.Text)
				if mailCut == "" {
					mailCut = cut
				}
			}
			continue
		default:
			// The clusterable commands' levels are read from all their
			// runs at once, below (readLevels).
			if !isLevelCommand(c.Name) && !ignored[c.Name] && !known(c.Name) {
				app.Warnings = append(app.Warnings, facts.Warning{Command: c.CommandLine(), Line: c.Line,
					Text: "a command pvo-doctor does not read; its output decides nothing"})
			}
			continue
		}
		markIncomplete(got, cut)
		record(app, c, warns, perr)
	}
	if whoText != nil {
		user := ""
		if app.Account != nil {
			user = app.Account.User
		}
		a, warns, perr := ParseWho(whoText.Text, user)
		if a != nil && user == "" && whoRows(whoText.Text) > 1 {
			// Several users and no whoami: which row is this session's is
			// not shown, so its role is not either.
			a.Role = ""
			warns = append(warns, facts.Warning{Line: 0, Text: "several users logged in and no whoami: the session's own role is not known"})
		}
		if a != nil {
			markIncomplete(a, completeness(*whoText))
			app.Account = mergeAccount(app.Account, a)
		}
		record(app, *whoText, warns, perr)
	}
	if role == facts.RoleESA && app.Interfaces == nil && telnetIfs != nil && telnetHost != "" {
		telnetIfs.Machine = telnetHost
		app.Interfaces = map[string]*facts.Interfaces{telnetHost: telnetIfs}
	}
	if len(mailText) > 0 {
		ml, err := ScanMailLog(strings.NewReader(dedupLines(mailText)), facts.DefaultPVOPort)
		if err != nil {
			app.Errors = append(app.Errors, facts.CollectError{Step: "grep mail_logs", Message: err.Error()})
		} else {
			markIncomplete(ml, mailCut)
			app.MailLog = ml
		}
	}
	settleEdits(app, cmds)
	readLevels(app, cmds)
	markLevelCuts(app, cmds)
	if app.Hostname == "" && app.Version != nil && app.Cluster != nil {
		// A session typed only in cluster mode never shows the machine's
		// name in its prompt; its serial number finds it in the cluster.
		app.Hostname = app.Cluster.MachineBySerial(app.Version.Serial)
	}
	return app, nil
}

// byMachine files a per-machine fact under the machine that ran it; what
// names the fact in the error when the machine is unknown.
func byMachine[T any](dst *map[string]*T, host string, v *T, cmd, what string) error {
	if host == "" {
		return &ParseError{Command: cmd, Err: fmt.Errorf("cannot tell which machine the %s belong to", what)}
	}
	if *dst == nil {
		*dst = map[string]*T{}
	}
	(*dst)[host] = v
	return nil
}

// record files a parser's warnings and error under the file's own line
// numbers.
func record(app *facts.Appliance, c sessionlog.Command, warns []facts.Warning, err error) {
	for _, w := range warns {
		w.Command = c.CommandLine()
		w.Line = c.InputLine(w.Line)
		app.Warnings = append(app.Warnings, w)
	}
	if err == nil {
		return
	}
	line := c.Line
	msg := err.Error()
	var pe *ParseError
	if errors.As(err, &pe) {
		line = c.InputLine(pe.Line)
		msg = pe.Err.Error()
		if pe.Text != "" {
			msg += ": " + strconv.Quote(pe.Text)
		}
	}
	app.Errors = append(app.Errors, facts.CollectError{
		Step:    c.CommandLine(),
		Message: fmt.Sprintf("line %d: %s", line, msg),
	})
}

// ignored are commands a session holds for their side effects (leaving,
// switching modes), not their output: they are not worth a warning.
var ignored = map[string]bool{
	"exit": true, "quit": true, "logout": true, "clustermode": true, "showchanges": true,
	"resumetransfers": true, "suspendtransfers": true, "help": true,
}

func known(name string) bool {
	if singleCommands[name] || isLevelCommand(name) {
		return true
	}
	switch name {
	case "telnet", "featurekey", "commit", "clearchanges", "interfaceconfig", "applianceconfig",
		"clear", "showchanges", "dqconfig":
		return true
	}
	return false
}

func isLevelCommand(name string) bool {
	_, ok := SettingForCommand(name)
	return ok
}

// mergeAccount combines whoami (user, name, groups) with who (role).
func mergeAccount(into, from *facts.Account) *facts.Account {
	if into == nil {
		return from
	}
	out := *into
	if from.User != "" {
		out.User = from.User
	}
	if from.FullName != "" {
		out.FullName = from.FullName
	}
	if from.Role != "" {
		out.Role = from.Role
	}
	if from.Groups != nil {
		out.Groups = from.Groups
	}
	incomplete := into.Incomplete
	if incomplete == "" {
		incomplete = from.Incomplete
	}
	out.Evidence = facts.Evidence{Command: into.Command + ", " + from.Command, Lines: append(append([]string{}, into.Lines...), from.Lines...),
		Incomplete: incomplete}
	return &out
}

// machineOf says whose data a per-machine command (featurekey,
// interfaceconfig) shows: the machine of a
// `(Machine h)>` prompt; after a switch to machine mode inside the command,
// the machine chosen or the next prompt's; standalone, the hostname.
func machineOf(cmds []sessionlog.Command, i int, hostname string) string {
	c := cmds[i]
	switch c.Mode.Level {
	case "machine":
		return c.Host
	case "":
		if c.Host != "" {
			return c.Host
		}
		return hostname
	}
	if h := chosenMachine(c.Text); h != "" {
		return h
	}
	if i+1 < len(cmds) && cmds[i+1].Mode.Level == "machine" {
		return cmds[i+1].Host
	}
	return ""
}

// chosenMachine maps the answer to "Choose a machine:" back to its label.
func chosenMachine(text string) string {
	var items []listItem
	asking := false
	for _, l := range outputLines(text) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(strings.ToLower(t), "choose a machine") {
			asking, items = true, nil
			continue
		}
		if !asking {
			continue
		}
		if it, ok := parseListItem(t); ok {
			items = append(items, it)
			continue
		}
		if sp, ok := parseSubPrompt(t); ok {
			if h, ok := choose(items, sp.value()); ok {
				return h
			}
			return ""
		}
	}
	return ""
}

// fillProbeFromArgs completes a probe from the batch form `telnet host port`.
func fillProbeFromArgs(p *facts.Probe, args []string) {
	if p.Host == "" && len(args) > 0 {
		p.Host = args[0]
	}
	if p.Port == 0 && len(args) > 1 {
		if n, err := strconv.Atoi(args[1]); err == nil {
			p.Port = n
		}
	}
}

// grepsMailLogs accepts `grep … mail_logs` and an interactive grep whose
// output holds mail_logs lines; a grep of another log is not mail_logs.
func grepsMailLogs(c sessionlog.Command) bool {
	for _, a := range c.Args {
		if a == "mail_logs" {
			return true
		}
	}
	if len(c.Args) >= 2 {
		return false
	}
	return strings.Contains(c.Text, "DCID ")
}

// dedupLines joins several grep outputs, dropping lines already seen so a
// repeated grep does not count its connections twice.
func dedupLines(texts []string) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, t := range texts {
		for _, l := range strings.Split(t, "\n") {
			if seen[l] {
				continue
			}
			seen[l] = true
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// whoRows counts the rows under the `who` table's "====" rule.
func whoRows(text string) int {
	rows, under := 0, false
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "==="):
			under = true
		case under && t != "":
			rows++
		}
	}
	return rows
}

// markLevelCuts marks a setting's level incomplete when any block it was
// read from is: readLevels reads all of a command's runs at once.
func markLevelCuts(app *facts.Appliance, cmds []sessionlog.Command) {
	for _, lc := range facts.SettingCommands {
		sl := app.SettingLevels[lc.Setting]
		if sl == nil {
			continue
		}
		for _, c := range cmds {
			if c.Name == lc.Command && c.Mode.Level != "" {
				markIncomplete(sl, completeness(c))
			}
		}
	}
}
