package asyncos

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Pieces of a pre-9.5 ESA session that edits its outbound ciphers, as the
// seed's case 4 does, for the orders a pasted ticket may hold them in.
const (
	settleTLS = `mx.example.com> tlsverify
Enter the TLS domain to verify against:
[]> the.cpq.host

Enter the destination host to connect to. Append the port (example.com:26) if you are not connecting on port 25:
[the.cpq.host]> 10.172.12.18:7025

Connecting to 10.172.12.18 on port 7025.
Connected to 10.172.12.18 from interface 10.172.12.17.
Checking TLS connection.
TLS connection established: protocol TLSv1, cipher ADH-CAMELLIA256-SHA.
Verifying peer certificate.
Certificate verification failed: no certificate from server.
TLS connection to 10.172.12.18 failed: verify error.
TLS was required but could not be successfully negotiated.
Failed to connect to [10.172.12.18].
TLS verification completed.

`
	settleMenu = `Choose the operation you want to perform:
- GUI - Edit GUI HTTPS ssl settings.
- INBOUND - Edit Inbound SMTP ssl settings.
- OUTBOUND - Edit Outbound SMTP ssl settings.
- VERIFY - Verify and show ssl cipher list.
`
	settleEdit = "mx.example.com> sslconfig\n" + settleOld + settleMenu + `[]> OUTBOUND

Enter the outbound SMTP ssl method you want to use.
1. SSL v2.
2. SSL v3
3. TLS v1
4. SSL v2 and v3
5. SSL v3 and TLS v1
6. SSL v2, v3 and TLS v1
[5]>

Enter the outbound SMTP ssl cipher you want to use.
[RC4-SHA:RC4-MD5:ALL]> HIGH:MEDIUM:ALL:-aNULL:-SSLv2

` + settleNew + settleMenu + "[]>\n\n"
	settleView = "mx.example.com> sslconfig\n" + settleNew + settleMenu + "[]>\n\n"
	settleOld  = `sslconfig settings:
GUI HTTPS method:  sslv3tlsv1
GUI HTTPS ciphers: RC4-SHA:RC4-MD5:ALL
Outbound SMTP method:  sslv3tlsv1
Outbound SMTP ciphers: RC4-SHA:RC4-MD5:ALL

`
	settleNew = `sslconfig settings:
GUI HTTPS method:  sslv3tlsv1
GUI HTTPS ciphers: RC4-SHA:RC4-MD5:ALL
Outbound SMTP method:  sslv3tlsv1
Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-aNULL:-SSLv2

`
	settleCommit = `mx.example.com> commit

Please enter some comments describing your changes:
[]> PVO-004

Do you want to save the current configuration for rollback? [Y]>

Changes committed: Thu Nov 26 18:00:00 2026 UTC

`
	settleClear = `mx.example.com> clearchanges
Are you sure you want to clear all changes since the last commit? [Y]> Y

Changes cleared.

`
	settleBareCommit = "mx.example.com> commit\n\n"
	settleEnd        = "mx.example.com> \n"
)

func TestSessionSettlesSSLEdits(t *testing.T) {
	const (
		before = "RC4-SHA:RC4-MD5:ALL"
		after  = "HIGH:MEDIUM:ALL:-aNULL:-SSLv2"
	)
	for _, tc := range []struct {
		name, session string
		inForce       string
		staged        string // "" nothing staged
		superseded    bool   // the tlsverify is older than a committed change
	}{
		{"edit, commit: the edit runs, the older probe is history", settleTLS + settleEdit + settleCommit, after, "", true},
		{"edit, commit without its output: still staged", settleTLS + settleEdit + settleBareCommit, before, after, false},
		{"edit, no commit", settleEdit, before, after, false},
		{"edit, clearchanges: dropped", settleTLS + settleEdit + settleClear, before, "", false},
		{"edit, then a run that only shows it: staged still", settleEdit + settleView, before, after, false},
		{"edit, view, commit", settleTLS + settleEdit + settleView + settleCommit, after, "", true},
		{"probe after the commit describes the ESA", settleEdit + settleCommit + settleTLS, after, "", false},
		{"edit cleared, then a view shows what runs", settleEdit + settleClear + "mx.example.com> sslconfig\n" + settleOld + settleMenu + "[]>\n\n", before, "", false},
		{"commit before the edit applies nothing", settleCommit + settleTLS + settleEdit, before, after, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, err := FromSession("t.log", strings.NewReader(tc.session+settleEnd), facts.RoleESA)
			if err != nil || app.SSL == nil {
				t.Fatalf("FromSession: %v, ssl %+v", err, app)
			}
			out := app.SSL.Service("outbound")
			if out == nil || out.Ciphers != tc.inForce {
				t.Errorf("in force %+v, want %s", out, tc.inForce)
			}
			if !strings.Contains(strings.Join(app.SSL.Lines, "\n"), "Outbound SMTP ciphers: "+tc.inForce) {
				t.Errorf("evidence %q does not quote the ciphers in force", app.SSL.Lines)
			}
			switch {
			case tc.staged == "" && app.SSL.Staged != nil:
				t.Errorf("staged %+v, want none", app.SSL.Staged)
			case tc.staged != "":
				var got *facts.SSLService
				if app.SSL.Staged != nil {
					got = app.SSL.Staged.Service("outbound")
				}
				if got == nil || got.Ciphers != tc.staged || !strings.Contains(strings.Join(app.SSL.Staged.Lines, "\n"), tc.staged) {
					t.Errorf("staged %+v, want %s", app.SSL.Staged, tc.staged)
				}
			}
			if tv := app.TLSVerify; tv != nil && (tv.Superseded != "") != tc.superseded {
				t.Errorf("tlsverify superseded %q, want %v", tv.Superseded, tc.superseded)
			}
			if tc.superseded && !strings.Contains(app.TLSVerify.Superseded, "committed (line ") {
				t.Errorf("superseded %q does not name the commit's line", app.TLSVerify.Superseded)
			}
		})
	}
}

// An edit that changes nothing outbound (the default accepted) stages
// nothing, and a change to the GUI ciphers leaves an outbound probe current.
func TestSSLEditsThatDoNotTouchOutbound(t *testing.T) {
	same := strings.Replace(settleEdit, "[RC4-SHA:RC4-MD5:ALL]> HIGH:MEDIUM:ALL:-aNULL:-SSLv2", "[RC4-SHA:RC4-MD5:ALL]>", 1)
	same = strings.Replace(same, settleNew, settleOld, 1)
	app, err := FromSession("t.log", strings.NewReader(same+settleEnd), facts.RoleESA)
	if err != nil || app.SSL == nil || app.SSL.Staged != nil {
		t.Fatalf("accepted default: %v %+v", err, app.SSL)
	}
	gui := strings.Replace(settleNew, "GUI HTTPS ciphers: RC4-SHA:RC4-MD5:ALL", "GUI HTTPS ciphers: HIGH", 1)
	gui = strings.Replace(gui, "HIGH:MEDIUM:ALL:-aNULL:-SSLv2", "RC4-SHA:RC4-MD5:ALL", 1)
	edit := strings.Replace(settleEdit, settleNew, gui, 1)
	app, err = FromSession("t.log", strings.NewReader(settleTLS+edit+settleCommit+settleEnd), facts.RoleESA)
	if err != nil || app.SSL == nil || app.SSL.Staged != nil || app.TLSVerify == nil {
		t.Fatalf("GUI edit: %v %+v", err, app)
	}
	if app.TLSVerify.Superseded != "" {
		t.Errorf("a GUI cipher change superseded the outbound probe: %q", app.TLSVerify.Superseded)
	}
	if gs := app.SSL.Service("gui"); gs == nil || gs.Ciphers != "HIGH" {
		t.Errorf("committed GUI ciphers %+v", gs)
	}
}

// deliveryconfig's SETUP is staged the same way: the fixed case-3 log
// commits it; without the commit's output it is only entered.
func TestSessionSettlesDeliveryEdits(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sessionsDir, "esa-case3-fixed-deliveryconfig-setup.log"))
	if err != nil {
		t.Fatal(err)
	}
	whole := string(b)
	i := strings.Index(whole, "mx.example.com> commit")
	if i < 0 {
		t.Fatal("no commit in the log")
	}
	setup := whole[:i]
	for _, tc := range []struct {
		name, session   string
		inForce, staged string
	}{
		{"committed", whole, "Auto", ""},
		{"commit output missing", setup + settleBareCommit + settleEnd, "In", "Auto"},
		{"cleared", setup + settleClear + settleEnd, "In", ""},
		{"a later read shows the entered setup", setup + "mx.example.com> deliveryconfig\nDefault interface to deliver mail: Auto\n\"Possible Delivery\": Enabled\n\nChoose the operation you want to perform:\n- SETUP - Configure mail delivery.\n[]>\n" + settleEnd, "In", "Auto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, err := FromSession("t.log", strings.NewReader(tc.session), facts.RoleESA)
			if err != nil || app.Delivery == nil {
				t.Fatalf("FromSession: %v %+v", err, app)
			}
			if app.Delivery.DefaultInterface != tc.inForce || !slices.Contains(app.Delivery.Lines, "Default interface to deliver mail: "+tc.inForce) {
				t.Errorf("in force %q (%q), want %s", app.Delivery.DefaultInterface, app.Delivery.Lines, tc.inForce)
			}
			got := ""
			if app.Delivery.Staged != nil {
				got = app.Delivery.Staged.DefaultInterface
			}
			if got != tc.staged {
				t.Errorf("staged %q, want %q", got, tc.staged)
			}
		})
	}
}
