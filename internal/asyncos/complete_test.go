package asyncos

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// TestCutSSLConfigIsIncomplete is issue 14's defect 2: an sslconfig block
// cut after "Outbound SMTP ciphers: RC4-SHA:RC4-MD5" (the real value goes
// on with ":ALL") is incomplete, at the end of the file and when another
// command follows the cut, so PVO-004 cannot pass on it.
func TestCutSSLConfigIsIncomplete(t *testing.T) {
	for _, name := range []string{"esa-case4-cut-sslconfig-at-end.log", "esa-case4-cut-sslconfig-then-status.log"} {
		t.Run(name, func(t *testing.T) {
			app := mustLoad(t, filepath.Join(sessionsDir, name))
			if app.SSL == nil {
				t.Fatal("sslconfig not read")
			}
			if app.SSL.Incomplete == "" {
				t.Errorf("the cut sslconfig block is not marked incomplete")
			}
			for _, f := range rules.Run(&facts.Site{ESAs: []*facts.Appliance{app}, PVOPort: facts.DefaultPVOPort}).Findings {
				if f.ID == "PVO-004" && f.Status == rules.StatusPass {
					t.Errorf("PVO-004 passes on a cut sslconfig: %s", f.Summary)
				}
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	menu := "Choose the operation you want to perform:\n- OUTBOUND - Edit Outbound SMTP ssl settings.\n- VERIFY - Verify.\n"
	tests := []struct {
		name, cmd, text, cut string
		want                 bool // incomplete
	}{
		{"menu shown last", "sslconfig", "Outbound SMTP ciphers: ALL\n\n" + menu + "[]> ", "", false},
		{"menu never shown", "sslconfig", "Outbound SMTP ciphers: RC4-SHA:RC4-MD5", "", true},
		{"operation chosen, its output missing", "sslconfig", "x\n" + menu + "[]> OUTBOUND\n\nEnter the cipher\n[ALL]> ", "", true},
		{"operation chosen, menu shown again", "sslconfig", "x\n" + menu + "[]> OUTBOUND\n\nEnter\n[ALL]> \n" + menu + "[]> ", "", false},
		{"standalone clusterconfig", "clusterconfig", "Do you want to join or create a cluster?\n1. No, configure as standalone.\n[1]> 1", "", false},
		{"tlsverify closed", "tlsverify", "Connecting\nTLS verification completed.\nprose", "", false},
		{"tlsverify cut", "tlsverify", "Connecting to 10.1.1.1 on port 7025.", "", true},
		{"no prompt after it", "status", "System status: Online", "the log ends", true},
		{"batch form prints no menu", "applianceconfig list", "Name  IP Address\nesa1  10.1.1.1", "", false},
		{"NOTICE declined", "filters", "NOTICE: This configuration command has not yet been configured for the current cluster mode (Machine m).\n\nDo you want to start a new, empty configuration at the current mode (Machine m)? [Y]> N", "", false},
		{"NOTICE cut before its answer", "filters", "NOTICE: This configuration command has not yet been configured for the current cluster mode (Machine m).", "", true},
		{"a plain command with its prompt", "status", "System status: Online", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, args, _ := strings.Cut(tt.cmd, " ")
			c := sessionlog.Command{Name: name, Text: tt.text, Incomplete: tt.cut}
			if args != "" {
				c.Args = strings.Fields(args)
			}
			got := completeness(c)
			if (got != "") != tt.want {
				t.Errorf("completeness = %q, want incomplete %v", got, tt.want)
			}
		})
	}
}

func TestMarkIncompleteReachesNestedEvidence(t *testing.T) {
	fk := map[string]*facts.FeatureKeys{"a": {}}
	ssl := &facts.SSLConfig{}
	markIncomplete(ssl, "cut")
	markIncomplete(fk, "cut")
	markIncomplete(&facts.Probe{}, "")
	if ssl.Incomplete != "cut" || fk["a"].Incomplete != "cut" {
		t.Errorf("not marked: %+v %+v", ssl.Evidence, fk["a"].Evidence)
	}
	markIncomplete(ssl, "later")
	if ssl.Incomplete != "cut" {
		t.Errorf("the first reason was replaced: %q", ssl.Incomplete)
	}
}
