package channel_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// startBuiltin serves one of the simulator's built-in scenarios.
func startBuiltin(tb testing.TB, name string, opts sim.Options) *sim.Site {
	tb.Helper()
	sc, err := sim.LoadScenario(name)
	if err != nil {
		tb.Fatalf("scenario: %v", err)
	}
	return serveScenario(tb, sc, opts)
}

// abandoned checks that err quotes the question and says it was left with
// Ctrl-C, and that the channel is back at the main prompt.
func abandoned(t *testing.T, ch *channel.Channel, err error, question string) {
	t.Helper()
	var up *channel.UnexpectedPromptError
	if !errors.As(err, &up) || !up.Abandoned || !strings.Contains(up.Prompt, question) ||
		!strings.Contains(err.Error(), "left it with Ctrl-C") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want the abandoned question %q on one line", err, question)
	}
	if _, err := ch.Run(simCtx(t), "version"); err != nil {
		t.Fatalf("not back at the prompt: %v", err)
	}
}

// Issue 14 item 8: an unexpected [Y]> question in a read-only command is
// left with Ctrl-C; Enter would have answered yes.
func TestSimUnexpectedYesNoIsNeverAnswered(t *testing.T) {
	site := startSite(t, sim.Options{Fault: sim.Fault{ExtraPrompt: "deliveryconfig.menu"}})
	before := site.Snapshot("mx.example.com")
	var tr syncBuffer
	ch := dialSim(t, appliance(t, site, "mx.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
	_, err := ch.Run(simCtx(t), "deliveryconfig")
	abandoned(t, ch, err, "Do you want to continue anyway? [Y]> ")
	if after := site.Snapshot("mx.example.com"); after != before {
		t.Errorf("state changed:\n%s", after)
	}
	ch.Close()
	if !regexpMatch(`continue anyway\? \[Y\]> \n\S+ > \^C\n`, tr.String()) {
		t.Errorf("transcript: the question was answered, or no Ctrl-C:\n%s", tr.String())
	}
	// A step that expects the question may answer it.
	ch = dialSim(t, appliance(t, site, "mx.example.com"), channel.Options{})
	if _, err := ch.Dialog(simCtx(t), "deliveryconfig",
		channel.Step{Fragment: "continue anyway", Answer: "N"}); err != nil {
		t.Fatalf("expected question: %v", err)
	}
}

// The cluster NOTICE's defaults create a pending configuration: neither
// Run nor a dialog that does not expect it may press Enter there.
func TestSimNoticeLeftWithCtrlC(t *testing.T) {
	site := startBuiltin(t, "iaf-cluster-notice", sim.Options{})
	before := site.Snapshot("esa1.example.com")
	ch := dialSim(t, appliance(t, site, "esa1.example.com"), channel.Options{})
	ctx := simCtx(t)
	_, err := ch.Run(ctx, "dmarcconfig")
	abandoned(t, ch, err, "Do you want to start a new, empty configuration at the current mode (Cluster PVOCluster)? [Y]> ")
	_, err = ch.Dialog(ctx, "policyconfig",
		channel.Step{Fragment: "Incoming Mail Policy or Outgoing", Choose: "Incoming Mail Policies"},
		channel.Step{Fragment: "choose the operation", Default: true})
	abandoned(t, ch, err, "What would you like to do?")
	// The policy type list itself is no menu: Run leaves it with Ctrl-C.
	_, err = ch.Run(ctx, "policyconfig")
	abandoned(t, ch, err, "Match Headers Priority")
	// Switching modes by label is the safe answer to the NOTICE.
	out, err := ch.Dialog(ctx, "policyconfig",
		channel.Step{Fragment: "Incoming Mail Policy or Outgoing", Choose: "Incoming Mail Policies"},
		channel.Step{Fragment: "What would you like to do?", Answer: "1"},
		channel.Step{Fragment: "choose the operation", Default: true})
	if err != nil || !strings.Contains(out, `Switch modes to edit at mode "Machine esa2.example.com"`) || ch.Prompt() != "(Machine esa2.example.com)> " {
		t.Fatalf("switch modes: %v, prompt %q\n%s", err, ch.Prompt(), out)
	}
	if after := site.Snapshot("esa1.example.com"); after != before {
		t.Errorf("state changed:\n%s", after)
	}
	if out, err := ch.Run(ctx, "showchanges"); err != nil || strings.TrimSpace(out) != "{}" {
		t.Errorf("showchanges = %q, %v", out, err)
	}
}

func TestSimLoginReminderAnsweredNoAndPagingRefused(t *testing.T) {
	site := startBuiltin(t, "iaf-paging-refused", sim.Options{})
	var tr syncBuffer
	ch := dialSim(t, appliance(t, site, "mx.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
	if ch.Prompt() != "mx.example.com> " {
		t.Fatalf("prompt %q", ch.Prompt())
	}
	on, err := ch.DisablePaging(simCtx(t))
	if err != nil || on {
		t.Fatalf("refused setttymode: %v, %v", on, err)
	}
	if _, err := ch.Run(simCtx(t), "status detail"); err != nil {
		t.Fatal(err)
	}
	ch.Close()
	if !regexpMatch(`change your password now\? \[Y\]> \n\S+ > N\n`, tr.String()) || !strings.Contains(tr.String(), "> <space>") {
		t.Errorf("transcript lacks the N or the pager:\n%s", tr.String())
	}
}

func TestSimForcedPasswordChangeEndsSession(t *testing.T) {
	site := startBuiltin(t, "login-password-forced", sim.Options{})
	before := site.Snapshot("sma.example.com")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, closeAll, err := openSim(ctx, appliance(t, site, "sma.example.com"), channel.Options{Host: "sma.example.com"})
	var pc *channel.PasswordChangeError
	if !errors.As(err, &pc) || !strings.Contains(err.Error(), `"Old Password:"`) || !strings.Contains(err.Error(), "never changes a password") {
		t.Fatalf("got %v", err)
	}
	if closeAll != nil {
		closeAll()
	}
	if after := site.Snapshot("sma.example.com"); after != before {
		t.Errorf("state changed:\n%s", after)
	}
}

func TestSimDisablePagingSavesPagerRoundTrips(t *testing.T) {
	site := startBuiltin(t, "iaf-releases", sim.Options{})
	for _, off := range []bool{false, true} {
		var tr syncBuffer
		ch := dialSim(t, appliance(t, site, "esa4.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
		if off {
			if on, err := ch.DisablePaging(simCtx(t)); err != nil || !on {
				t.Fatalf("setttymode: %v, %v", on, err)
			}
		}
		out, err := ch.Run(simCtx(t), "status detail")
		if err != nil || !strings.Contains(out, "Gauges:") {
			t.Fatalf("status detail: %v\n%s", err, out)
		}
		ch.Close()
		if got := strings.Contains(tr.String(), "> <space>"); got == off {
			t.Errorf("paging off=%v: pager answered=%v\n%s", off, got, tr.String())
		}
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

// syncBuffer is a transcript sink the read loop may still write to while a
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// readPlan is what an ESA's read-only plan types that may page: each
// command, one round trip, plus one per "-Press Any Key For More-".
var readPlan = []string{"version", "status detail", "featurekey", "sslconfig", "deliveryconfig", "quarantineconfig", "status detail"}

// BenchmarkSimReadPlanPaging runs the ESA read plan's long outputs on a
// 24-line PTY with the pager on and after `setttymode 0 1`, counting round
// trips (lines sent: commands, menu exits, setttymode itself, and a key
// per pager stop): round-trips/op with the pager on minus with it off is
// what turning it off saves per plan.
func BenchmarkSimReadPlanPaging(b *testing.B) {
	for _, off := range []bool{false, true} {
		name := "pager-on"
		if off {
			name = "pager-off"
		}
		b.Run(name, func(b *testing.B) {
			site := startBuiltin(b, "iaf-releases", sim.Options{})
			var tr syncBuffer
			ch := dialSim(b, appliance(b, site, "esa4.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
			ctx := context.Background()
			sentBefore := sentLines(tr.String())
			if off {
				if on, err := ch.DisablePaging(ctx); err != nil || !on {
					b.Fatalf("setttymode: %v, %v", on, err)
				}
			}
			var times []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				for _, cmd := range readPlan {
					if _, err := ch.Run(ctx, cmd); err != nil {
						b.Fatal(err)
					}
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			ch.Close()
			if n := float64(len(times)); n > 0 {
				t := tr.String()
				b.ReportMetric(float64(strings.Count(t, "> <space>"))/n, "pager-keys/op")
				b.ReportMetric(float64(sentLines(t)-sentBefore)/n, "round-trips/op")
				b.Logf("%s: %.1f round trips per read plan (%.1f of them pager keys)", name, float64(sentLines(t)-sentBefore)/n, float64(strings.Count(t, "> <space>"))/n)
			}
			reportMedian(b, times)
		})
	}
}

// sentLines counts what the client typed in a transcript: the records
// marked ">" after their time stamp.
func sentLines(tr string) int {
	n := 0
	for _, l := range strings.Split(tr, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[1] == ">" {
			n++
		}
	}
	return n
}

// A NOTICE without a default shows empty brackets like a menu: it is still
// no menu, and a blank line is never sent to it.
func TestSimNoticeWithoutDefaultIsNoMenu(t *testing.T) {
	site := startBuiltin(t, "iaf-cluster-notice-yn", sim.Options{})
	before := site.Snapshot("esa1.example.com")
	var tr syncBuffer
	ch := dialSim(t, appliance(t, site, "esa1.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
	ctx := simCtx(t)
	if _, err := ch.SetMode(ctx, "group Main_Group"); err != nil {
		t.Fatal(err)
	}
	_, err := ch.Run(ctx, "sslconfig")
	abandoned(t, ch, err, "(Group Main_Group)? []> ")
	ch.Close()
	if regexpMatch(`\(Group Main_Group\)\? \[\]> \n\S+ > \n`, tr.String()) {
		t.Errorf("a blank line went to the NOTICE:\n%s", tr.String())
	}
	if after := site.Snapshot("esa1.example.com"); after != before {
		t.Errorf("state changed:\n%s", after)
	}
}

// After the reminder IAF types the password again; the channel never sends
// a secret to a prompt it does not know, and says so.
func TestSimPasswordAgainAfterReminderIsRefused(t *testing.T) {
	sc, err := sim.LoadScenario("iaf-paging-refused")
	if err != nil {
		t.Fatal(err)
	}
	sc.ESAs[0].Users[0].PasswordExpiry = "reminder-password"
	site := serveScenario(t, sc, sim.Options{})
	var tr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, closeAll, err := openSim(ctx, appliance(t, site, "mx.example.com"), channel.Options{Transcript: channel.NewTranscript(&tr)})
	var up *channel.UnexpectedPromptError
	if !errors.As(err, &up) || up.Prompt != "Password:" {
		t.Fatalf("got %v", err)
	}
	if closeAll != nil {
		closeAll()
	}
	if !regexpMatch(`(?m)^\S+ > N$`, tr.String()) || strings.Contains(tr.String(), "ironport") || strings.Contains(tr.String(), "***") {
		t.Errorf("no N to the reminder, or the password was sent:\n%s", tr.String())
	}
}

// Where Ctrl-C at the NOTICE stages a configuration, only answering it by
// its text is safe: N to the Y/N form, "Switch modes" to the menu form.
func TestSimNoticeAnsweredByTextWhereCtrlCCreates(t *testing.T) {
	site := startBuiltin(t, "iaf-notice-ctrl-c-creates", sim.Options{})
	before := site.Snapshot("esa1.example.com")
	ch := dialSim(t, appliance(t, site, "esa1.example.com"), channel.Options{})
	ctx := simCtx(t)
	if _, err := ch.Dialog(ctx, "dmarcconfig",
		channel.Step{Fragment: "start a new, empty configuration", Answer: "N"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Dialog(ctx, "policyconfig",
		channel.Step{Fragment: "Incoming Mail Policy or Outgoing", Choose: "Incoming Mail Policies"},
		channel.Step{Fragment: "What would you like to do?", Choose: "Switch modes to edit at mode"},
		channel.Step{Fragment: "choose the operation", Default: true}); err != nil {
		t.Fatal(err)
	}
	if after := site.Snapshot("esa1.example.com"); after != before {
		t.Errorf("state changed:\n%s", after)
	}
	// The Ctrl-C fallback is not enough here: showchanges proves it.
	_, err := ch.Run(ctx, "clustermode cluster")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ch.Run(ctx, "dmarcconfig")
	abandoned(t, ch, err, "start a new, empty configuration")
	if out, err := ch.Run(ctx, "showchanges"); err != nil || !strings.Contains(out, "'level.dmarc': 'empty'") {
		t.Errorf("showchanges = %q, %v", out, err)
	}
}
