package diagnose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// DiagnosisRead is one read a full diagnosis of an appliance needs: a rule's
// declared read (rules.Read.Command), gathered from rules.All(), so the
// list of what to collect is the list of what the rules judge by.
type DiagnosisRead struct {
	Role facts.Role
	Read string
	// Cluster is true for a read only a cluster member needs (the setting
	// levels, read in cluster mode).
	Cluster bool
}

// FullReads lists, once each and in the rules' order, the reads a full
// diagnosis of an appliance of role needs; cluster adds a member's.
func FullReads(role facts.Role, cluster bool) []DiagnosisRead {
	var out []DiagnosisRead
	add := func(n DiagnosisRead) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	// version names the appliance and its role: the session starts with it.
	add(DiagnosisRead{Role: role, Read: "version"})
	for _, r := range rules.All() {
		for _, rd := range r.Reads {
			if rd.Role != role || rd.Need == rules.Context && !contextCollected[rd.Command] {
				continue
			}
			n := DiagnosisRead{Role: role, Read: rd.Command, Cluster: clusterOnly(rd.Command)}
			if n.Cluster && !cluster {
				continue
			}
			n.Cluster = false
			add(n)
		}
	}
	return out
}

// contextCollected are the context reads check collects anyway: they
// explain a failure, so the next round of logs should hold them.
var contextCollected = map[string]bool{"tcpservices": true, "interfaceconfig": true, "mail_logs": true, "status": true}

// clusterOnly are the reads only a cluster member has: the levels.
func clusterOnly(read string) bool {
	return read == "quarantineconfig levels" || slices.Contains(asyncos.ClusterLevelCommands(), read)
}

// CollectOptions says what `pvo-doctor collect` should print for: the
// appliance's role, whether it is a cluster member (and its members), where
// the ESAs reach the SMA's PVO listener, and, for the SMA, the ESAs it
// should be asked about, in the order its applianceconfig lists them.
type CollectOptions struct {
	Role    facts.Role
	Cluster bool
	Members []string
	PVO     session.Address
	ESAs    []string
}

// Script is what to paste into one appliance's CLI for a full offline
// diagnosis: the lines (commands and the menu answers, "" an Enter), and
// the reads to type by hand (a question no paste can answer safely).
type Script struct {
	Lines []string
	// ByHand are commands whose first question depends on the appliance
	// (a NOTICE in a cluster mode that may offer to create configuration):
	// no fixed answer is safe, so a person types them.
	ByHand []string
}

// CollectScript renders FullReads(o.Role, o.Cluster) as the lines to paste:
// each read as check types it, with the dialogs' answers from the same
// definitions (asyncos' dialogs) the live collection uses. A menu a
// command ends in is left with an Enter, harmless at the main prompt when
// there was none.
func CollectScript(o CollectOptions) (Script, error) {
	var s Script
	host := o.PVO.Host
	port := o.PVO.Port
	if port == 0 {
		port = facts.DefaultPVOPort
	}
	if o.Cluster && len(o.Members) == 0 {
		return s, usagef("--cluster needs each member's name (--member NAME, as clusterconfig LIST shows it)")
	}
	typedAlready := map[string]bool{}
	for _, n := range FullReads(o.Role, o.Cluster) {
		lines, byHand, err := typed(n, o, host, port)
		if err != nil {
			return s, err
		}
		key := strings.Join(lines, "\n")
		if len(lines) > 0 && typedAlready[key] {
			continue // status and status detail are typed alike
		}
		typedAlready[key] = true
		s.Lines = append(s.Lines, lines...)
		if len(lines) > 0 {
			// Enters for the pager (any key goes on) and the menu a
			// command may end in; the ones left over are empty commands.
			s.Lines = append(s.Lines, make([]string, slack)...)
		}
		if len(byHand) > 0 && len(s.ByHand) == 0 && o.Cluster {
			// The level commands are typed in cluster mode.
			s.ByHand = append(s.ByHand, "clustermode cluster")
		}
		s.ByHand = append(s.ByHand, byHand...)
	}
	return s, nil
}

// typed is how one read is typed at the CLI.
func typed(n DiagnosisRead, o CollectOptions, host string, port int) (lines, byHand []string, err error) {
	menu := func(cmd string) []string { return []string{cmd} }
	switch n.Read {
	case "version", "tcpservices":
		return []string{n.Read}, nil, nil
	case "whoami":
		return []string{"who", "whoami"}, nil, nil
	case "status", "status detail":
		// Only `status detail` shows whether transfers are suspended.
		return []string{"status detail"}, nil, nil
	case "deliveryconfig", "sslconfig", "diskquotaconfig", "quarantineconfig":
		return menu(n.Read), nil, nil
	case "featurekey", "interfaceconfig":
		if !o.Cluster {
			return menu(n.Read), nil, nil
		}
		for _, m := range o.Members {
			lines = append(lines, "clustermode machine "+m, n.Read)
			lines = append(lines, make([]string, slack)...)
		}
		return append(lines, "clustermode cluster"), nil, nil
	case "clusterconfig":
		if !o.Cluster {
			// Standalone: the first question's default leaves it so.
			return menu("clusterconfig"), nil, nil
		}
		return append([]string{"clusterconfig"}, answers(asyncos.ClusterConfigDialog())...), nil, nil
	case "quarantineconfig levels":
		// In cluster mode quarantineconfig prints the PVO settings' level.
		return []string{"clustermode cluster", "quarantineconfig"}, nil, nil
	case "telnet":
		if o.Role == facts.RoleSMA {
			// The SMA's own release path to each ESA's PVO listener.
			for _, e := range o.ESAs {
				lines = append(lines, "telnet")
				lines = append(lines, answers(asyncos.TelnetDialog("Auto", e, facts.DefaultPVOPort))...)
			}
			return lines, nil, nil
		}
		if host == "" {
			return nil, nil, usagef("--role esa needs where the ESA reaches the SMA's PVO listener (--sma-pvo-host HOST[:PORT])")
		}
		return append([]string{"telnet"}, answers(asyncos.TelnetDialog("Auto", host, port))...), nil, nil
	case "tlsverify":
		if host == "" {
			return nil, nil, nil
		}
		return append([]string{"tlsverify"}, answers(asyncos.TLSVerifyDialog(host, host, port))...), nil, nil
	case "mail_logs":
		return []string{asyncos.MailLogPortGrep(port)}, nil, nil
	case "applianceconfig":
		// One applianceconfig per ESA, TEST before SERVICES: how many
		// service questions SERVICES asks differs by release, so its
		// questions get Enters (each the current state) until one lands on
		// the operation menu, which an Enter leaves; the rest are Enters at
		// the main prompt.
		if len(o.ESAs) == 0 {
			return []string{"applianceconfig"}, nil, nil
		}
		for i := range o.ESAs {
			n := strconv.Itoa(i + 1)
			lines = append(lines, "applianceconfig", "TEST", n, "SERVICES", n)
			lines = append(lines, make([]string, servicesQuestionsMax+slack)...)
		}
		// A paste is typed ahead, so it never clears: the SMA has only the
		// confirmed `clear` [C-IAF], and it would discard whatever else is
		// pending too. showchanges shows what SERVICES left, and the
		// person at the keyboard clears it (see servicesNote).
		return append(lines, "showchanges"), []string{servicesNote}, nil
	}
	if slices.Contains(asyncos.ClusterLevelCommands(), n.Read) {
		return nil, []string{n.Read + "   (in cluster mode, then again after clustermode group G and clustermode machine M for each group and member; " +
			"at \"start a new, empty configuration\" answer N, at \"What would you like to do?\" choose 1 (Switch modes), never Y, 2, 3, Ctrl-C or a bare Enter; at the menu press Enter)"}, nil
	}
	return nil, nil, fmt.Errorf("no way to type the read %q", n.Read)
}

// servicesNote is what the person pasting must do after SERVICES.
const servicesNote = "showchanges   (after the paste: AsyncOS may record SERVICES' answers as a pending change; " +
	"if showchanges lists only those applianceconfig settings, type clear and confirm; never clear changes someone else made)"

// slack is how many Enters follow each read: output paged up to three
// times, and the menu it ends in.
const slack = 4

// servicesQuestionsMax is the most service questions an SMA's SERVICES
// asks (ServicesAndTestDialog's bound).
const servicesQuestionsMax = 6

// answers are what a paste types at a dialog's questions: the answer, the
// label chosen (the first item, Auto, is the default: an Enter), or an
// Enter for the default. A question that may not come is still answered,
// so only dialogs whose optional questions end in the default are pasted.
func answers(steps []session.Step) []string {
	var out []string
	for _, st := range steps {
		switch {
		case st.Answer != "":
			out = append(out, st.Answer)
		case st.Choose == "Auto" || st.Default:
			out = append(out, "")
		default:
			out = append(out, st.Choose)
		}
	}
	return out
}

// Coverage is, per appliance, what the files held of a full diagnosis
// and what the next round of logs still needs, as manual checks: a person
// must collect them, and they change no verdict.
func Coverage(site *facts.Site) []rules.ManualCheck {
	var out []rules.ManualCheck
	apps := append([]*facts.Appliance{}, site.ESAs...)
	if site.SMA != nil {
		apps = append(apps, site.SMA)
	}
	for _, a := range apps {
		cluster := a.Cluster != nil && !a.Cluster.Standalone
		var found, missing []string
		for _, n := range FullReads(a.Role, cluster) {
			if readFound(site, a, n.Read, cluster) {
				found = append(found, n.Read)
			} else {
				missing = append(missing, n.Read)
			}
		}
		if len(missing) == 0 {
			continue
		}
		cmd := "pvo-doctor collect --role " + string(a.Role)
		if cluster {
			cmd += " --cluster"
			for _, m := range a.Cluster.Members() {
				cmd += " --member " + m
			}
		}
		if a.Role == facts.RoleSMA && a.Managed != nil {
			// In applianceconfig's order, as --esa wants them.
			for _, m := range a.Managed.Appliances {
				if m.Address != "" {
					cmd += " --esa " + m.Address
				}
			}
		}
		if a.Role == facts.RoleESA && site.PVOHost != "" {
			cmd += " --sma-pvo-host " + session.Address{Host: site.PVOHost, Port: site.PVOPort}.String()
		}
		foundText := "nothing"
		if len(found) > 0 {
			foundText = strings.Join(found, ", ")
		}
		out = append(out, rules.ManualCheck{
			ID:        "coverage",
			Appliance: a.Name(),
			Summary: fmt.Sprintf("The files hold %s of %s; a full diagnosis still needs %s.",
				foundText, a.Name(), strings.Join(missing, ", ")),
			Steps: []string{"Run `" + cmd + "` and paste its lines into " + a.Name() + "'s CLI, saving the session (a terminal log).",
				"Analyze the new log with the old ones: pvo-doctor analyze FILE..."},
		})
	}
	return out
}

// readFound says whether the site holds read for a: a member read needs
// every member's (from whichever member's session it came).
func readFound(site *facts.Site, a *facts.Appliance, read string, cluster bool) bool {
	if cluster && clusterOnly(read) {
		// A level is the cluster's, read in cluster mode by any member.
		return slices.ContainsFunc(site.ESAs, func(e *facts.Appliance) bool {
			return e.Cluster != nil && strings.EqualFold(e.Cluster.Name, a.Cluster.Name) && rules.Found(e, read, e.Hostname)
		})
	}
	// A session that never showed its hostname (a paste without prompts)
	// files its per-machine reads under its file name, a.Name().
	if !rules.MemberRead(read) {
		return rules.Found(a, read, a.Name())
	}
	machines := []string{a.Name()}
	if cluster {
		machines = a.Cluster.Members()
	}
	for _, m := range machines {
		if !slices.ContainsFunc(site.ESAs, func(e *facts.Appliance) bool { return rules.Found(e, read, m) }) &&
			!(a.Role == facts.RoleSMA && rules.Found(a, read, m)) {
			return false
		}
	}
	return true
}
