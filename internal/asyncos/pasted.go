package asyncos

import (
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// PastedWarning is the appliance warning of a file read without prompts.
const PastedWarning = "read without prompts: commands recognised by their output"

// pastedCut is why a block pasted without its prompt may be cut, unless
// the command's own end (its menu, its closing line) shows.
const pastedCut = "pasted without its prompt: nothing shows where the output ends"

// pasteShape is how one command's output looks to a reader of text pasted
// without prompts, in the lines its parser already relies on. t is the
// trimmed line (at most pasteHead bytes of it), lt the same in lower case,
// raw the line as pasted.
type pasteShape struct {
	name string
	// opens says the line begins the command's output: a new block, also
	// right after another of the same command.
	opens func(raw, t, lt string) bool
	// joins says the line is the command's but may sit inside its output
	// ("Product:" under "Current Version"): it begins a block only where
	// the open output does not take it.
	joins func(raw, t, lt string) bool
	// follows says a line after a blank line still belongs to the output;
	// nil means the output holds no blank line, so a blank line ends it.
	// Dialog commands (endMarkers) also take any dialog line.
	follows func(raw, t, lt string) bool
	// last says the line is the output's last (telnet's "Connection
	// closed"). Dialog commands end at their end markers.
	last func(raw, t, lt string) bool
}

// pasteHead bounds how much of a line the shapes look at: the lines that
// start an output are short, and a megabyte line of prose must cost no
// more than a short one.
const pasteHead = 256

var clusterTitleRE = regexp.MustCompile(`(?i)^cluster \S+$`)

func prefix(ps ...string) func(raw, t, lt string) bool {
	return func(_, _, lt string) bool {
		for _, p := range ps {
			if strings.HasPrefix(lt, p) {
				return true
			}
		}
		return false
	}
}

func labelled(l string) func(raw, t, lt string) bool {
	return func(_, _, lt string) bool {
		rest, ok := strings.CutPrefix(lt, l)
		return ok && strings.TrimSpace(rest) != ""
	}
}

func indented(raw, _, _ string) bool { return raw != "" && (raw[0] == ' ' || raw[0] == '\t') }

// tableRow is a line of columns two or more blanks apart, which prose
// seldom is.
func tableRow(_, t, _ string) bool { return strings.Contains(t, "  ") || strings.Contains(t, "\t") }

// pasteShapes are the outputs a paste without prompts is read by; a
// command not here is not recognised, and its lines are skipped.
var pasteShapes = []*pasteShape{
	{name: "version", opens: func(_, _, lt string) bool { return lt == "current version" }, joins: labelled("product:")},
	{name: "whoami", opens: labelled("username:"), joins: prefix("full name:", "groups:")},
	{name: "who", opens: func(_, _, lt string) bool {
		return strings.HasPrefix(lt, "username ") && strings.Contains(lt, " role") && !strings.Contains(lt, ":")
	}},
	{name: "status", opens: prefix("status as of:"), joins: prefix("system status:", "up since:"),
		follows: func(_, t, lt string) bool {
			if _, _, ok := featureLine(t); ok || strings.HasPrefix(lt, `enter "status detail"`) {
				return true
			}
			label, _, ok := parseLabel(t)
			return ok && sectionName(label) != ""
		}},
	{name: "tcpservices", opens: prefix("system processes"),
		follows: func(raw, t, lt string) bool {
			_, row := listenerRow(strings.Fields(t))
			return strings.HasSuffix(lt, "processes") || strings.Contains(lt, "processes (") || row || indented(raw, t, lt)
		}},
	{name: "resume", opens: prefix("receiving resumed for", "no listeners were resumed")},
	{name: "showchanges", opens: func(_, t, _ string) bool { return t == "{}" || strings.HasPrefix(t, "{'") }},
	{name: "dqconfig", opens: func(_, _, lt string) bool {
		return strings.HasPrefix(lt, "delayed quarantine would be available only when centralized quarantine") ||
			strings.HasPrefix(lt, "delayed quarantine feature is not enabled")
	}, follows: func(_, t, _ string) bool { return isDialogNoise(t) }},
	{name: "telnet", opens: prefix("please select which interface you want to telnet from"),
		joins: func(_, t, lt string) bool { return strings.HasPrefix(lt, "trying ") && strings.HasSuffix(t, "...") },
		follows: func(_, t, lt string) bool {
			return isDialogNoise(t) || strings.HasSuffix(t, "^C") ||
				prefix("trying ", "connected to ", "escape character", "connection ", "telnet:", "unable to connect", "220 ", "221 ")("", t, lt)
		},
		last: func(_, _, lt string) bool {
			return strings.Contains(lt, "connection closed by foreign host") || strings.Contains(lt, "unable to connect to remote host")
		}},
	{name: "tlsverify", opens: prefix("enter the tls domain to verify against"),
		joins: func(_, t, lt string) bool {
			return strings.HasPrefix(lt, "connecting to ") && tlsConnectingRE.MatchString(t)
		},
		follows: prefix("connect", "checking ", "tls ", "verifying ", "certificate ", "failed ", "enter the destination", "[")},
	{name: "sslconfig", opens: func(_, _, lt string) bool { return lt == "sslconfig settings:" || lt == "sslconfig settings" },
		follows: func(raw, t, lt string) bool {
			return indented(raw, t, lt) || sslVersionsRE.MatchString(t) || sslMethodRE.MatchString(t) || sslCiphersRE.MatchString(t)
		}},
	{name: "deliveryconfig", opens: labelled("default interface to deliver mail:")},
	{name: "featurekey", opens: func(_, _, lt string) bool {
		return strings.HasPrefix(lt, "module") && (strings.Contains(lt, "quantity") || strings.Contains(lt, "remaining"))
	}, follows: tableRow},
	{name: "clusterconfig", opens: func(_, t, lt string) bool {
		return strings.HasPrefix(lt, "do you want to join or create a cluster") || (strings.HasPrefix(lt, "cluster ") && clusterTitleRE.MatchString(t))
	}},
	{name: "quarantineconfig", opens: func(_, t, lt string) bool { return strings.HasPrefix(lt, "note:") && centralizedRE.MatchString(t) },
		joins: func(_, _, lt string) bool {
			return strings.HasPrefix(lt, "quarantine name") && strings.Contains(lt, "messages")
		},
		follows: func(_, t, lt string) bool {
			return strings.HasPrefix(lt, "the allocated size for quarantines") || strings.HasPrefix(lt, "quarantine name") || tableRow("", t, lt)
		}},
	{name: "interfaceconfig", opens: prefix("currently configured interfaces")},
	{name: "applianceconfig", opens: func(_, _, lt string) bool {
		return lt == "security appliances:" || strings.HasPrefix(lt, "no appliances have been added")
	}},
	{name: "diskquotaconfig", opens: func(_, _, lt string) bool {
		return strings.HasPrefix(lt, "service ") && strings.Contains(lt, "quota")
	}, follows: tableRow},
}

// The states of an open output.
const (
	pasteData = iota // the command's data, before its menu
	pasteMenu        // its closing menu is showing
	pasteOp          // an operation chosen at the menu: its dialog follows
	pasteDone        // its end showed: nothing more is its
)

// pasteReader is the sessionlog.Outputs of one file: it follows the open
// output's shape from line to line.
type pasteReader struct {
	open   *pasteShape
	marker endMarker
	dialog bool // open has end markers (a menu or a closing line)
	state  int
	blank  bool // a blank line came after the open output's last line
}

// newPasteReader starts reading a file without prompts.
func newPasteReader() sessionlog.Outputs { return new(pasteReader).line }

func (p *pasteReader) line(raw string) (string, bool) {
	t := strings.TrimSpace(raw)
	if t == "" {
		p.blank = true
		return "", p.open != nil && p.state != pasteDone
	}
	head := t
	if len(head) > pasteHead {
		head = head[:pasteHead]
	}
	lt := strings.ToLower(head)
	afterBlank := p.blank
	p.blank = false
	if s := findShape(raw, head, lt, func(s *pasteShape) func(raw, t, lt string) bool { return s.opens }); s != nil {
		if s == p.open && p.state == pasteOp {
			// The operation's dialog shows the settings again.
			p.advance(raw, head, lt)
			return "", true
		}
		p.begin(s, raw, head, lt)
		return s.name, true
	}
	if p.open != nil && p.state != pasteDone && p.takes(raw, head, lt, afterBlank) {
		p.advance(raw, head, lt)
		return "", true
	}
	if s := findShape(raw, head, lt, func(s *pasteShape) func(raw, t, lt string) bool { return s.joins }); s != nil {
		p.begin(s, raw, head, lt)
		return s.name, true
	}
	p.open = nil
	return "", false
}

func findShape(raw, t, lt string, pick func(*pasteShape) func(raw, t, lt string) bool) *pasteShape {
	for _, s := range pasteShapes {
		if f := pick(s); f != nil && f(raw, t, lt) {
			return s
		}
	}
	return nil
}

func (p *pasteReader) begin(s *pasteShape, raw, t, lt string) {
	p.open, p.state = s, pasteData
	p.marker, p.dialog = endMarkers[s.name]
	p.advance(raw, t, lt)
}

// takes says whether the open output goes on with this line: inside an
// operation's dialog anything does; after its menu, the menu's items and
// question; otherwise any line right after the last, and after a blank
// line what the shape allows.
func (p *pasteReader) takes(raw, t, lt string, afterBlank bool) bool {
	switch {
	case p.state == pasteOp:
		return true
	case !afterBlank:
		return true
	case p.state == pasteMenu:
		_, sub := parseSubPrompt(t)
		return sub || menuItemRE.MatchString(t)
	case p.dialog && (isDialogNoise(t) || indented(raw, t, lt) || p.isMarker(lt)):
		return true
	}
	return p.open.follows != nil && p.open.follows(raw, t, lt)
}

func (p *pasteReader) isMarker(lt string) bool {
	for _, mk := range p.marker.menus {
		if strings.Contains(lt, mk) {
			return true
		}
	}
	return false
}

// advance moves the open output's state past a line it took.
func (p *pasteReader) advance(raw, t, lt string) {
	switch {
	case p.open.last != nil && p.open.last(raw, t, lt):
		p.state = pasteDone
	case !p.dialog:
	case p.marker.final != "":
		if strings.Contains(lt, p.marker.final) {
			p.state = pasteDone
		}
	case p.isMarker(lt):
		p.state = pasteMenu
	case p.state == pasteMenu:
		if sp, ok := parseSubPrompt(t); ok {
			p.state = pasteOp
			if sp.answer == "" {
				// Enter at the menu leaves the command.
				p.state = pasteDone
			}
		}
	}
}
