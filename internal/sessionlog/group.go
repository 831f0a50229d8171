package sessionlog

import (
	"strings"
	"time"
)

// Session is one login found in a file: the commands typed at one
// appliance's prompts, in order. A file may hold several (a ticket's
// paste of the ESA and then the SMA, two logins to cluster members).
type Session struct {
	Commands []Command
	// Hostname is the name the login prompts show (`host> ` or
	// `host (Cluster c)> `); "" when the session only shows cluster or
	// group prompts, and the serial number in `version` must tell.
	Hostname string
	// Cluster is the name `(Cluster c)> ` prompts show.
	Cluster string
	// Machines are the members `(Machine m)> ` prompts switched to, in
	// order of first appearance.
	Machines []string
	// Login is the banner line that began the session, if it was kept.
	Login string
	// FirstLine and LastLine are the input lines of its first and last
	// command; the file's order of sessions.
	FirstLine, LastLine int
	// Start is the first time stamp a logger put on its lines; zero when
	// the file has none.
	Start time.Time
}

// Group splits a file's commands into sessions. A new session starts at a
// login banner, or where the prompt names another appliance or another
// cluster; switching to a member's machine mode stays in the session.
// Outputs pasted without prompts are one session: nothing in them tells
// two appliances apart.
func Group(cmds []Command) []Session {
	var out []Session
	var cur *Session
	for i, c := range cmds {
		host, cluster := loginHost(c), ""
		if c.Mode.Level == "cluster" {
			cluster = c.Mode.Name
		}
		if cur == nil || (c.Login != "" && i > 0 && !c.Pasted) ||
			(host != "" && cur.Hostname != "" && !strings.EqualFold(host, cur.Hostname)) ||
			(cluster != "" && cur.Cluster != "" && cluster != cur.Cluster) {
			out = append(out, Session{FirstLine: c.Line, Login: c.Login})
			cur = &out[len(out)-1]
		}
		if cur.Hostname == "" && host != "" {
			cur.Hostname = host
		}
		if cur.Cluster == "" && cluster != "" {
			cur.Cluster = cluster
		}
		if c.Mode.Level == "machine" && !containsFoldList(cur.Machines, c.Mode.Name) {
			cur.Machines = append(cur.Machines, c.Mode.Name)
		}
		if cur.Start.IsZero() && !c.Time.IsZero() {
			cur.Start = c.Time
		}
		cur.Commands = append(cur.Commands, c)
		cur.LastLine = c.Line
	}
	return out
}

// loginHost is the appliance a prompt belongs to: its own hostname, shown
// by a standalone prompt or before a cluster-mode one. A machine-mode
// prompt names the member being configured, not the login.
func loginHost(c Command) string {
	if c.Mode.Level == "machine" {
		return ""
	}
	return c.Host
}

func containsFoldList(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}
