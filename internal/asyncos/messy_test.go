package asyncos

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// TestMessyLogsGiveTheCleanFacts reads the healthy ESA session as
// customers' tools save it (time stamps, UTF-16, mixed line ends, wrapped
// copies, double echoes, pager residue, tabs; forwarded by mail and
// quoted, copied through Outlook or Teams with their Unicode blanks and
// quotes, saved from a ticket system's HTML view) and wants the facts of
// the clean file.
func TestMessyLogsGiveTheCleanFacts(t *testing.T) {
	want := normalised(t, mustLoad(t, filepath.Join(sessionsDir, "esa-healthy-14.2.log")))
	for _, name := range []string{
		"messy-esa-securecrt-timestamps.log",
		"messy-esa-windows-utf16le.log",
		"messy-esa-bom-mixed-cr-crlf.log",
		"messy-esa-tmux-wrapped-80.log",
		"messy-esa-echo-twice-pager-tabs.log",
		"messy-esa-email-quoted.log",
		"messy-esa-unicode-spaces.log",
		"messy-esa-html-export.html",
		"messy-esa-html-escaped.log",
	} {
		t.Run(name, func(t *testing.T) {
			got := normalised(t, mustLoad(t, filepath.Join(sessionsDir, name)))
			if got != want {
				t.Errorf("facts differ from the clean log's:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

var blankRuns = regexp.MustCompile(`[ \t]{2,}`)

// normalised is the facts without what legitimately differs between two
// saves of one session: the file name and the line numbers.
func normalised(t *testing.T, a *facts.Appliance) string {
	t.Helper()
	c := *a
	c.Address = ""
	c.Warnings = append([]facts.Warning(nil), a.Warnings...)
	for i := range c.Warnings {
		c.Warnings[i].Line = 0
	}
	b, err := json.MarshalIndent(&c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	// Tabs for blanks change the spacing of quoted table rows, not what
	// they say.
	return blankRuns.ReplaceAllString(string(b), " ")
}

// TestFromFileSplitsAppliances reads one ticket file holding an ESA's and
// then an SMA's session (a PuTTY log with its header and CRLF) and wants
// each appliance on its own, with its role from its own output.
func TestFromFileSplitsAppliances(t *testing.T) {
	f, err := os.Open(filepath.Join(sessionsDir, "ticket-esa-then-sma-putty.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := FromFile("ticket.log", f, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 {
		t.Fatalf("got %d sessions", len(ss))
	}
	esa, sma := ss[0], ss[1]
	if esa.Appliance.Role != facts.RoleESA || esa.RoleFrom != "version" || esa.Hostname != "mx.example.com" || esa.Serial == "" ||
		esa.Appliance.Delivery == nil || esa.Appliance.Managed != nil {
		t.Errorf("ESA session: %+v", esa)
	}
	if sma.Appliance.Role != facts.RoleSMA || sma.Hostname != "sma.example.com" || sma.Appliance.Managed == nil ||
		sma.Appliance.Delivery != nil || sma.FirstLine <= esa.LastLine || sma.Appliance.Address != "ticket.log#"+strconv.Itoa(sma.FirstLine) {
		t.Errorf("SMA session: %+v", sma)
	}
	if _, err := FromFile("ticket.log", strings.NewReader(ticketESAOnly), facts.RoleSMA); err == nil {
		t.Error("an ESA's version given as an SMA is not refused")
	}
}

const ticketESAOnly = "mx.example.com> version\nProduct: Cisco C100V Email Security Virtual Appliance\nModel: C100V\nVersion: 14.2.0-620\nmx.example.com> "

func TestGuessRoleWithoutVersion(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want facts.Role
		from string
	}{
		{"Welcome to the Cisco M100V Security Management Virtual Appliance\nsma> status\nSystem status: Online\nsma> ", facts.RoleSMA, "banner"},
		{"h> deliveryconfig\nDefault interface to deliver mail: In\n\nChoose the operation you want to perform:\n- SETUP - Configure mail delivery.\n[]> \nh> ", facts.RoleESA, "commands"},
		{"h> applianceconfig\nUnknown command or missing feature key: applianceconfig\nh> ", "", ""},
		{"h> status\nSystem status: Online\nh> ", "", ""},
	} {
		ss, err := FromFile("f", strings.NewReader(tt.in), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || ss[0].Appliance.Role != tt.want || ss[0].RoleFrom != tt.from {
			t.Errorf("%q: got %+v", tt.in, ss)
		}
	}
}
