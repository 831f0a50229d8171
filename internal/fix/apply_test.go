package fix

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

type reply struct {
	out string
	err error
}

// fakeRunner answers each command from a table and logs every call, so a
// test can say exactly what a fix typed.
type fakeRunner struct {
	prompt       string
	replies      map[string]reply // by command
	calls        []string
	interruptErr error

	commitTimeout time.Duration
}

func (f *fakeRunner) Mode() string { return asyncos.ModeOf(f.prompt) }

func (f *fakeRunner) ReadLevel(ctx context.Context, command string, setting facts.Setting) (*facts.SettingLevel, error) {
	out, err := f.Run(ctx, command)
	if err != nil {
		return nil, err
	}
	sl, err := asyncos.ReadLevel(out, setting, f.Mode())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoLevel, err)
	}
	return sl, nil
}

func (f *fakeRunner) Run(ctx context.Context, command string) (string, error) {
	f.calls = append(f.calls, command)
	r := f.replies[command]
	return r.out, r.err
}

func (f *fakeRunner) Dialog(ctx context.Context, command string, steps ...Step) (string, error) {
	var answers []string
	for _, st := range steps {
		switch {
		case st.Choose != "":
			answers = append(answers, "choose:"+st.Choose)
		case st.Default:
			answers = append(answers, "")
		default:
			answers = append(answers, st.Answer)
		}
	}
	f.calls = append(f.calls, command+"["+strings.Join(answers, "|")+"]")
	r := f.replies[command]
	return r.out, r.err
}

func (f *fakeRunner) Commit(ctx context.Context, timeout time.Duration, command string, steps ...Step) (string, error) {
	f.commitTimeout = timeout
	return f.Dialog(ctx, command, steps...)
}

// Read parses with asyncos's own parsers, as the driver does.
func (f *fakeRunner) Read(ctx context.Context, command string) (*facts.Appliance, error) {
	out, err := f.Run(ctx, command)
	if err != nil {
		return nil, err
	}
	a := &facts.Appliance{}
	switch command {
	case "deliveryconfig":
		a.Delivery, _, err = asyncos.ParseDeliveryConfig(out)
	case "sslconfig":
		a.SSL, _, err = asyncos.ParseSSLConfig(out)
	}
	return a, err
}

// ShowChanges: no "showchanges" reply is a release without it.
func (f *fakeRunner) ShowChanges(ctx context.Context) (bool, string, bool, error) {
	r, ok := f.replies["showchanges"]
	f.calls = append(f.calls, "showchanges")
	if r.err != nil || !ok {
		return false, "", false, r.err
	}
	t := strings.TrimSpace(r.out)
	return t != "{}", t, true, nil
}

func (f *fakeRunner) SetMode(ctx context.Context, mode string) (string, error) {
	f.calls = append(f.calls, "clustermode "+mode)
	kind, name, _ := strings.Cut(mode, " ")
	if kind == "cluster" {
		name = "C"
	}
	f.prompt = "(" + strings.ToUpper(kind[:1]) + kind[1:] + " " + name + ")> "
	return "", nil
}

func (f *fakeRunner) Interrupt(ctx context.Context) error {
	f.calls = append(f.calls, "^C")
	return f.interruptErr
}

const committed = "Please enter some comments describing your changes:\n[]> x\n\nChanges committed: Thu Nov 26 18:00:00 2026 UTC\n"

func esaSession() Session {
	site := standaloneSite()
	p := NewPlan(Input{Site: site, Needs: on(site,
		failing("PVO-003", "mx.example.com", ActionDeliveryAuto, nil),
		failing("PVO-004", "mx.example.com", ActionOutboundCiphers, map[string]string{"ciphers": SafeCiphers}),
	)})
	return p.Sessions[0]
}

func TestApplyCommitsOnce(t *testing.T) {
	r := &fakeRunner{prompt: "mx.example.com> ", replies: map[string]reply{"commit": {out: committed}}}
	out := Apply(context.Background(), r, esaSession(), ApplyOptions{})
	want := "deliveryconfig[SETUP|choose:Auto||||] sslconfig[OUTBOUND||" + SafeCiphers + "||] " +
		"commit[pvo-doctor: PVO-003 default delivery interface Auto; PVO-004 remove anonymous outbound ciphers|]"
	if got := strings.Join(r.calls, " "); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}
	for i, res := range out.Results {
		if res.Status != Applied || res.Err != nil {
			t.Fatalf("fix %d: %+v", i, res)
		}
		ev := res.Evidence[len(res.Evidence)-1]
		if ev.Command != "commit" || ev.Lines[0] != "Changes committed: Thu Nov 26 18:00:00 2026 UTC" {
			t.Errorf("fix %d evidence = %+v", i, res.Evidence)
		}
	}
	if out.Cleared {
		t.Error("cleared after success")
	}
}

func TestApplyAllOrNothing(t *testing.T) {
	surprise := errors.New(`sslconfig: unexpected prompt "Continue? [Y]> "`)
	r := &fakeRunner{prompt: "mx.example.com> ", replies: map[string]reply{
		"sslconfig":    {err: surprise},
		"clearchanges": {out: "Changes cleared: Thu Nov 26 18:00:00 2026 UTC\n"},
	}}
	out := Apply(context.Background(), r, esaSession(), ApplyOptions{})
	if got := strings.Join(r.calls, " "); strings.Contains(got, "commit[") || !strings.HasSuffix(got, "^C clearchanges") {
		t.Errorf("calls: %s (want Ctrl-C and clearchanges, no commit)", got)
	}
	if !out.Cleared {
		t.Error("not cleared")
	}
	first, second := out.Results[0], out.Results[1]
	if first.Status != Failed || !strings.Contains(first.Err.Error(), "not committed: PVO-004") {
		t.Errorf("the fix before the failure: %+v", first)
	}
	if second.Status != Failed || !errors.Is(second.Err, surprise) {
		t.Errorf("the failing fix: %+v", second)
	}
	last := second.Evidence[len(second.Evidence)-1]
	if last.Command != "clearchanges" || !strings.HasPrefix(last.Lines[0], "Changes cleared") {
		t.Errorf("evidence = %+v", second.Evidence)
	}
}

func TestApplyLostSession(t *testing.T) {
	r := &fakeRunner{prompt: "mx.example.com> ", interruptErr: errors.New("connection closed"),
		replies: map[string]reply{"deliveryconfig": {err: errors.New("connection closed")}}}
	out := Apply(context.Background(), r, esaSession(), ApplyOptions{})
	if got := strings.Join(r.calls, " "); got != "deliveryconfig[SETUP|choose:Auto||||] ^C" {
		t.Errorf("calls: %s", got)
	}
	if out.Cleared || out.Results[0].Status != Failed || out.Results[1].Status != Failed ||
		!strings.Contains(out.Results[1].Err.Error(), "not attempted") {
		t.Errorf("outcome = %+v", out)
	}
}

func TestApplyCommitNothing(t *testing.T) {
	r := &fakeRunner{prompt: "mx.example.com> ", replies: map[string]reply{
		"commit": {out: "There is no data to commit.\n"}, "clearchanges": {out: "There are no changes to clear.\n"}}}
	out := Apply(context.Background(), r, esaSession(), ApplyOptions{})
	for _, res := range out.Results {
		if res.Status != Failed || !strings.Contains(res.Err.Error(), "There is no data to commit.") {
			t.Errorf("result = %+v", res)
		}
	}
}

func smaSession() Session {
	site := standaloneSite()
	return NewPlan(Input{Site: site, Needs: on(site, failing("PVO-001", "sma.example.com", ActionResume, nil))}).Sessions[0]
}

func TestApplyResume(t *testing.T) {
	r := &fakeRunner{prompt: "sma.example.com> ", replies: map[string]reply{
		"resume": {out: "Receiving resumed for euq_listener, cpq_listener.\n"},
		"status": {out: "Enter \"status detail\" for more information.\n\nSystem status:        Online\n"},
	}}
	out := Apply(context.Background(), r, smaSession(), ApplyOptions{})
	res := out.Results[0]
	if res.Status != Applied || strings.Join(r.calls, " ") != "resume status" || len(res.Evidence) != 2 ||
		res.Evidence[1].Lines[0] != "System status:        Online" {
		t.Errorf("calls %v, result %+v", r.calls, res)
	}
	r = &fakeRunner{prompt: "sma.example.com> ", replies: map[string]reply{
		"resume": {out: "No listeners were resumed.\n"},
		"status": {out: "System status:        Receiving suspended\n"},
	}}
	res = Apply(context.Background(), r, smaSession(), ApplyOptions{}).Results[0]
	if res.Status != Failed || !strings.Contains(res.Err.Error(), "Receiving suspended") {
		t.Errorf("still suspended: %+v", res)
	}
}

func clusterSession(t *testing.T, level string) Session {
	site := clusterSite(t, level)
	p := NewPlan(Input{Site: site, Needs: cipherNeeds(site)})
	return p.Sessions[len(p.Sessions)-1]
}

func TestApplyClusterLevels(t *testing.T) {
	// Cluster level: already in cluster mode, no switch.
	r := &fakeRunner{prompt: "(Cluster C)> ", replies: map[string]reply{
		"sslconfig": {out: "Settings defined at: Cluster C\n"}, "commit": {out: committed}}}
	out := Apply(context.Background(), r, clusterSession(t, "Settings defined at: Cluster C"), ApplyOptions{})
	if got := strings.Join(r.calls, " "); !strings.HasPrefix(got, "sslconfig sslconfig[OUTBOUND") || strings.Contains(got, "clustermode") {
		t.Errorf("calls: %s", got)
	}
	if out.Results[0].Status != Applied {
		t.Errorf("result = %+v", out.Results[0])
	}
	// esa2's own machine level: switch there for the dialog, and back.
	over := "Settings defined at: Cluster C; Machine esa2.example.com"
	r = &fakeRunner{prompt: "(Cluster C)> ", replies: map[string]reply{"sslconfig": {out: over + "\n"}, "commit": {out: committed}}}
	out = Apply(context.Background(), r, clusterSession(t, over), ApplyOptions{})
	want := "sslconfig clustermode machine esa2.example.com sslconfig[OUTBOUND||" + SafeCiphers + "||] clustermode cluster commit["
	if got := strings.Join(r.calls, " "); !strings.HasPrefix(got, want) {
		t.Errorf("calls:\n got %s\nwant %s...", got, want)
	}
	if out.Results[0].Status != Applied {
		t.Errorf("result = %+v", out.Results[0])
	}
	// The level moved since the check (esa1 now has its own): change nothing.
	r = &fakeRunner{prompt: "(Cluster C)> ", replies: map[string]reply{"sslconfig": {out: "Settings defined at: Cluster C; Machine esa1.example.com\n"}}}
	out = Apply(context.Background(), r, clusterSession(t, "Settings defined at: Cluster C"), ApplyOptions{})
	if out.Results[0].Status != Failed || !strings.Contains(out.Results[0].Err.Error(), "not at cluster level") {
		t.Errorf("result = %+v", out.Results[0])
	}
	for _, c := range r.calls {
		if strings.HasPrefix(c, "sslconfig[") || strings.HasPrefix(c, "commit") || strings.HasPrefix(c, "clustermode") {
			t.Errorf("changed something after a level mismatch: %v", r.calls)
		}
	}
	// No level line in cluster mode: change nothing.
	r = &fakeRunner{prompt: "(Cluster C)> ", replies: map[string]reply{"sslconfig": {out: "sslconfig settings:\n"}}}
	out = Apply(context.Background(), r, clusterSession(t, "Settings defined at: Cluster C"), ApplyOptions{})
	if out.Results[0].Status != Failed || !strings.Contains(out.Results[0].Err.Error(), "no \"Settings defined at:\" line") {
		t.Errorf("result = %+v", out.Results[0])
	}
}
