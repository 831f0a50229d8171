package diagnose

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// fakeSession answers Run from canned outputs and Dialog with dialogErr.
type fakeSession struct {
	outputs   map[string]string
	dialogErr error
	dialogs   []string
	runs      []string
}

func (f *fakeSession) Prompt() string { return "sma.example.com> " }
func (f *fakeSession) Run(ctx context.Context, command string) (string, error) {
	f.runs = append(f.runs, command)
	out, ok := f.outputs[command]
	if !ok {
		return "Unknown command or missing feature key: " + command + "\n",
			&channel.CommandError{Command: command, Kind: channel.KindUnknown}
	}
	return out, nil
}
func (f *fakeSession) Dialog(ctx context.Context, command string, steps ...session.Step) (string, error) {
	f.dialogs = append(f.dialogs, command)
	return "", f.dialogErr
}
func (f *fakeSession) SetMode(ctx context.Context, mode string) (string, error) { return "", nil }
func (f *fakeSession) Interrupt(ctx context.Context) error                      { return nil }
func (f *fakeSession) BackOut(ctx context.Context) error                        { return nil }

// TestCollectSMATestTimeoutHint: a TEST that outlasts the step timeout (a
// real SMA may take two minutes) is an error that says which flags help,
// and the session still ends with clearchanges.
func TestCollectSMATestTimeoutHint(t *testing.T) {
	s := &fakeSession{
		outputs: map[string]string{
			"version":         "Current Version\n===============\nModel: M100V\nVersion: 14.2.0-224\n",
			"applianceconfig": "Security Appliances:\n1. mx.example.com (10.172.12.17) - Email\n\nChoose the operation you want to perform:\n- ADD - Add a new appliance.\n[]> \n",
			"clearchanges":    "There are no changes to clear.\n",
		},
		dialogErr: fmt.Errorf("waiting: %w", context.DeadlineExceeded),
	}
	app := collect(context.Background(), s, Plan{Role: facts.RoleSMA, Address: "sma:22"})
	var msg string
	for _, e := range app.Errors {
		if e.Step == "applianceconfig SERVICES" {
			msg = e.Message
		}
	}
	if !strings.Contains(msg, "--step-timeout 150s") {
		t.Errorf("SERVICES/TEST timeout error = %q, want the flags that give TEST its two minutes", msg)
	}
	if !strings.Contains(strings.Join(s.runs, ","), "clearchanges") {
		t.Errorf("commands run = %v, want clearchanges after SERVICES", s.runs)
	}
	if len(s.dialogs) == 0 || s.dialogs[0] != "applianceconfig" {
		t.Errorf("dialogs = %v, want the applianceconfig SERVICES/TEST dialog", s.dialogs)
	}
}

// TestCollectMailLogMovedPort: where the SMA's PVO listener moved, the
// mail-log scan looks for connections to the endpoint's port, not 7025.
func TestCollectMailLogMovedPort(t *testing.T) {
	s := &fakeSession{outputs: map[string]string{
		"version":                        "Current Version\n===============\nModel: C100V\nVersion: 14.2.0-620\n",
		`grep "port 7026" mail_logs`:     "Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 11 interface In address 10.0.0.94 port 7026\n",
		`grep "DCID (11) TLS" mail_logs`: "Mon Apr 7 15:48:42 2014 Info: DCID 11 TLS failed: verify error: no certificate from server\n",
	}}
	app := collect(context.Background(), s, Plan{Role: facts.RoleESA, Address: "mx:22", PVOHost: "sma.example.com", PVOPort: 7026})
	if app.MailLog == nil || len(app.MailLog.Connections) != 1 {
		t.Fatalf("mail log = %+v, want the one connection to port 7026 (commands %v)", app.MailLog, s.runs)
	}
	if c := app.MailLog.Connections[0]; c.Port != 7026 || c.DCID != "11" || c.TLS != "failed" {
		t.Errorf("connection = %+v", c)
	}
}

// cancelInDialog is a session whose SERVICES dialog blocks until the run is
// cancelled, which it does itself once the dialog is under way (as Ctrl-C
// would); it records what is sent afterwards and under which context.
type cancelInDialog struct {
	fakeSession
	cancel      context.CancelFunc
	interrupted bool
	liveAfter   []string // commands and interrupts sent with a live context
}

func (c *cancelInDialog) Dialog(ctx context.Context, command string, steps ...session.Step) (string, error) {
	c.dialogs = append(c.dialogs, command)
	c.cancel()
	<-ctx.Done()
	return "Choose the operation you want to perform:\n", ctx.Err()
}

func (c *cancelInDialog) Interrupt(ctx context.Context) error {
	c.interrupted = true
	if ctx.Err() == nil {
		c.liveAfter = append(c.liveAfter, "^C")
	}
	return nil
}

func (c *cancelInDialog) Run(ctx context.Context, command string) (string, error) {
	if ctx.Err() == nil && len(c.dialogs) > 0 {
		c.liveAfter = append(c.liveAfter, command)
	}
	return c.fakeSession.Run(ctx, command)
}

// TestCollectCancelMidDialog: a run cancelled while the SMA's SERVICES
// dialog is at a question interrupts it back to the prompt and clears what
// it staged, each on a short deadline of its own, and then stops.
func TestCollectCancelMidDialog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &cancelInDialog{cancel: cancel, fakeSession: fakeSession{outputs: map[string]string{
		"version":         "Current Version\n===============\nModel: M100V\nVersion: 14.2.0-224\n",
		"applianceconfig": "Security Appliances:\n1. mx.example.com (10.172.12.17) - Email\n\nChoose the operation you want to perform:\n- ADD - Add a new appliance.\n[]> \n",
		"clearchanges":    "There are no changes to clear.\n",
	}}}
	collect(ctx, s, Plan{Role: facts.RoleSMA, Address: "sma:22"})
	if got := strings.Join(s.liveAfter, " "); got != "^C clearchanges" {
		t.Errorf("sent after the cancel with a live deadline: %q, want ^C then clearchanges", got)
	}
}
