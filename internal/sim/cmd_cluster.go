package sim

import (
	"strings"
)

func (s *session) cmdClusterconfig(args []string) error {
	cl := s.a.cluster
	if cl == nil {
		i, err := s.choose("clusterconfig.menu", "Do you want to join or create a cluster?", []string{
			"No, configure as standalone.", "Create a new cluster.",
			"Join an existing cluster over SSH.", "Join an existing cluster over CCS.",
		}, 1)
		if err != nil || i <= 0 {
			return err
		}
		s.out("\nThe simulator cannot create or join clusters.\n")
		return nil
	}
	if len(args) > 1 {
		switch strings.ToLower(args[1]) {
		case "list":
			s.clusterList()
		case "connstatus":
			s.clusterConnStatus()
		default:
			s.printf("Unknown clusterconfig operation: %s\n", args[1])
		}
		return nil
	}
	s.printf("Cluster %s\n\n", cl.spec.Name)
	for {
		op, err := s.menu("clusterconfig.menu", [][2]string{
			{"ADDGROUP", "Add a cluster group."},
			{"SETGROUP", "Set the group that machines are a member of."},
			{"RENAMEGROUP", "Rename a cluster group."},
			{"DELETEGROUP", "Remove a cluster group."},
			{"REMOVEMACHINE", "Remove a machine from the cluster."},
			{"SETNAME", "Set the cluster name."},
			{"LIST", "List the machines in the cluster."},
			{"CONNSTATUS", "Show the status of connections between machines in the cluster."},
			{"COMMUNICATION", "Configure how machines communicate within the cluster."},
			{"DISCONNECT", "Temporarily detach machines from the cluster."},
			{"RECONNECT", "Restore connections with machines that were previously detached."},
			{"PREPJOIN", "Prepare the addition of a new machine over CCS."},
		})
		if err != nil || op == "" {
			return err
		}
		s.out("\n")
		switch op {
		case "LIST":
			s.clusterList()
		case "CONNSTATUS":
			s.clusterConnStatus()
		default:
			s.out("This operation is not available in the simulator.\n")
		}
		s.out("\n")
	}
}

func (s *session) clusterList() {
	cl := s.a.cluster
	s.printf("cluster = %s\n", cl.spec.Name)
	for _, g := range cl.spec.Groups {
		s.printf("Group %s:\n", g.Name)
		for _, m := range g.Machines {
			s.printf("    Machine %s (Serial #: %s)\n", m, cl.member(m).spec.Serial)
		}
	}
}

func (s *session) clusterConnStatus() {
	cl := s.a.cluster
	down := map[string]bool{}
	for _, d := range cl.spec.Disconnected {
		down[d] = true
	}
	for _, m := range cl.members {
		if m == s.a {
			continue
		}
		state := "Connected (via SSH, port 22)"
		if down[m.spec.Hostname] {
			state = "Disconnected"
		}
		s.printf("Machine %s (Serial #: %s): %s\n", m.spec.Hostname, m.spec.Serial, state)
	}
}

// modes lists every mode of the cluster in clustermode's menu order.
func (c *cluster) modes() []mode {
	out := []mode{{"cluster", c.spec.Name}}
	for _, g := range c.spec.Groups {
		out = append(out, mode{"group", g.Name})
	}
	for _, m := range c.members {
		out = append(out, mode{"machine", m.spec.Hostname})
	}
	return out
}

func (m mode) label() string {
	return strings.ToUpper(m.kind[:1]) + m.kind[1:] + " " + m.name
}

func (s *session) cmdClustermode(args []string) error {
	cl := s.a.cluster
	if cl == nil {
		s.out("This machine is not part of a cluster.\n")
		return nil
	}
	modes := cl.modes()
	if len(args) == 1 {
		return s.clustermodeMenu(modes)
	}
	kind := strings.ToLower(args[1])
	name := ""
	if len(args) > 2 {
		name = args[2]
	}
	for _, m := range modes {
		if m.kind != kind {
			continue
		}
		short, _, _ := strings.Cut(m.name, ".")
		if kind == "cluster" || strings.EqualFold(m.name, name) || (kind == "machine" && strings.EqualFold(short, name)) {
			s.mode = m
			return nil
		}
	}
	switch kind {
	case "cluster", "group", "machine":
		s.printf("Unknown %s: %s\n", kind, name)
	default:
		s.out("Usage: clustermode [cluster | group <name> | machine <name>]\n")
	}
	return nil
}

// clustermodeMenu is bare clustermode [C-IAF]: "Choose the configuration"
// with items naming Cluster, Group and Machine, then the group or machine
// list only when there is more than one. The item wording is [I].
func (s *session) clustermodeMenu(modes []mode) error {
	byKind := map[string][]mode{}
	for _, m := range modes {
		byKind[m.kind] = append(byKind[m.kind], m)
	}
	kinds := []string{"cluster", "group", "machine"}
	items := make([]string, len(kinds))
	for i, k := range kinds {
		items[i] = mode{k, ""}.label()
		if ms := byKind[k]; len(ms) == 1 {
			items[i] = ms[0].label()
		}
		items[i] = strings.TrimSpace(items[i])
	}
	i, err := s.choose("clustermode.choose", "Choose the configuration mode you want to edit:", items, 1)
	if err != nil || i < 0 {
		return err
	}
	ms := byKind[kinds[i]]
	if len(ms) > 1 {
		names := make([]string, len(ms))
		for j, m := range ms {
			names[j] = m.name
		}
		header := "Choose the group to configure."
		if kinds[i] == "machine" {
			header = "Choose a machine."
		}
		s.out("\n")
		j, err := s.choose("clustermode.choose", header, names, 1)
		if err != nil || j < 0 {
			return err
		}
		ms = ms[j:]
	}
	s.mode = ms[0]
	return nil
}

// levelCommand describes one of the four commands whose setting level
// matters for PVO.
var levelCommands = map[string]struct {
	setting, title, thing string
}{
	"policyconfig": {"content_filters", "Incoming Mail Policy Configuration", "content filter"},
	"filters":      {"message_filters", "Message Filters", "message filter"},
	"dlpconfig":    {"dlp", "Data Loss Prevention", "DLP policy"},
	"dmarcconfig":  {"dmarc", "DMARC Verification", "DMARC verification profile"},
}

// clusterShow is CLUSTERSHOW's read-only account of where the settings
// are configured: [C-IAF] that it exists, [I] its layout.
func (s *session) clusterShow(key string) string {
	var b strings.Builder
	b.WriteString("Settings are configured at these modes:\n")
	for _, m := range s.a.cluster.modes() {
		if s.a.store.definedAt(s.id, levelOf(m), key) {
			b.WriteString("  " + m.label() + "\n")
		}
	}
	return b.String()
}

func (s *session) cmdLevel(args []string) error {
	lc := levelCommands[args[0]]
	title := lc.title
	if args[0] == "policyconfig" && *s.dialect().PolicyType {
		// [C-IAF] the type comes first, chosen by label; wording [I].
		types := []string{"Incoming Mail Policies", "Outgoing Mail Policies", "Match Headers Priority"}
		i, err := s.choose("policyconfig.type", "Would you like to configure Incoming Mail Policy or Outgoing Mail Policy or Match Headers Priority?", types, 1)
		if err != nil || i < 0 {
			return err
		}
		title = []string{"Incoming Mail Policy Configuration", "Outgoing Mail Policy Configuration", "Match Headers Priority Configuration"}[i]
		s.out("\n")
	}
	if done, err := s.levelHeader(args[0]); done || err != nil {
		return err
	}
	s.out(title + "\n\n")
	ops := [][2]string{
		{"NEW", "Create a new " + lc.thing + " at this level."},
		{"DELETE", "Remove the " + lc.thing + "s defined at this level."},
		{"LIST", "List the " + lc.thing + "s."},
	}
	if args[0] == "policyconfig" && s.a.cluster != nil {
		ops = append(ops, [2]string{"CLUSTERSET", "Set how policies are configured in a cluster."},
			[2]string{"CLUSTERSHOW", "Display how policies are configured in a cluster."})
	}
	for {
		op, err := s.menu("level.menu", ops)
		if err != nil || op == "" {
			return err
		}
		key := "level." + lc.setting
		here := s.a.store.definedAt(s.id, s.editLevel(), key) && s.get(key) != emptyConfig
		switch op {
		case "CLUSTERSHOW":
			s.out("\n" + s.clusterShow(key))
		case "CLUSTERSET":
			s.out("\nThis operation is not available in the simulator.\n")
		case "NEW":
			s.set(key, "defined")
			s.printf("\nA %s was created.\n", lc.thing)
		case "DELETE":
			if here {
				s.set(key, deleted)
				s.printf("\nThe %ss at this level were removed.\n", lc.thing)
			} else {
				s.printf("\nNo %ss are defined at this level.\n", lc.thing)
			}
		case "LIST":
			if here {
				s.printf("\n1. sim_%s\n", strings.ReplaceAll(lc.setting, "_", ""))
			} else {
				s.printf("\nNo %ss are defined at this level.\n", lc.thing)
			}
		}
		s.out("\n")
	}
}
