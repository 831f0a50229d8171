package channel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOpenLearnsPromptForms(t *testing.T) {
	for _, prompt := range []string{
		"mx.example.com> ",
		"(Machine esa1.example.com)> ",
		"(Group Main_Group)> ",
		"(Cluster PVOCluster)> ",
		"example.com (SERVICE)> ",
	} {
		t.Run(prompt, func(t *testing.T) {
			f := newFake()
			f.prompt = prompt
			// An admin banner with a "> " inside a line and a blank line.
			f.banner = "Authorized use only. Type> carefully> and log out.\n\n" + f.banner
			ch := startFake(t, f, Options{})
			if got := ch.Prompt(); got != prompt {
				t.Fatalf("Prompt() = %q, want %q", got, prompt)
			}
			out, err := ch.Run(testCtx(t), "status")
			if err != nil {
				t.Fatal(err)
			}
			if out != fakeStatus {
				t.Fatalf("status output:\n%q\nwant\n%q", out, fakeStatus)
			}
		})
	}
}

func TestRunAcrossEchoAndChunking(t *testing.T) {
	for _, tc := range []struct {
		name  string
		echo  bool
		split int
	}{
		{"echo whole", true, 0},
		{"no echo", false, 0},
		{"echo byte by byte", true, 1},
		{"echo 3-byte chunks", true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.echo, f.split = tc.echo, tc.split
			ch := startFake(t, f, Options{})
			for range 3 {
				out, err := ch.Run(testCtx(t), "status")
				if err != nil {
					t.Fatal(err)
				}
				if out != fakeStatus {
					t.Fatalf("got %q", out)
				}
			}
		})
	}
}

func TestPromptOnlyAtTail(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	out, err := ch.Run(testCtx(t), "mid")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "\nend\n") {
		t.Fatalf("read stopped early: %q", out)
	}
}

func TestCleansANSIAndBackspaces(t *testing.T) {
	f := newFake()
	f.split = 2
	ch := startFake(t, f, Options{})
	out, err := ch.Run(testCtx(t), "colour")
	if err != nil {
		t.Fatal(err)
	}
	want := "System status: Online\nTypos fixed\ndone\n"
	if out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestPagerAnsweredAndRemoved(t *testing.T) {
	var want strings.Builder
	for i := 1; i <= 60; i++ {
		want.WriteString("line ")
		if i < 10 {
			want.WriteString("0")
		}
		want.WriteString(strings.TrimLeft(string(rune('0'+i/10))+string(rune('0'+i%10)), "0") + "\n")
	}
	for _, erase := range []string{"", "\n", "\r\x1b[K"} {
		t.Run(strings.ReplaceAll(erase, "\x1b", "ESC"), func(t *testing.T) {
			f := newFake()
			f.pager, f.erase = 20, erase
			var tr bytes.Buffer
			ch := startFake(t, f, Options{Transcript: NewTranscript(&tr)})
			out, err := ch.Run(testCtx(t), "longlist")
			if err != nil {
				t.Fatal(err)
			}
			if out != want.String() {
				t.Fatalf("got %q", out)
			}
			if n := strings.Count(tr.String(), " > <space>\n"); n != 2 {
				t.Fatalf("pager answered %d times, want 2:\n%s", n, tr.String())
			}
		})
	}
}

func deliverySteps(leave bool) []Step {
	steps := []Step{
		{Expect: `Choose the operation[\s\S]*\[\]> $`, Answer: "SETUP"},
		{Expect: `default interface to deliver`, Choose: "Auto"},
		{Expect: `Possible Delivery.*\[[YN]\]> $`, Default: true},
		{Expect: `(?i)system wide maximum outbound`, Default: true},
		{Expect: `(?i)TLS maximum outbound`, Default: true, Optional: true},
	}
	if leave {
		steps = append(steps, Step{Expect: `Choose the operation[\s\S]*\[\]> $`, Default: true})
	}
	return steps
}

func TestDialogDeliveryconfigChoosesAutoByLabel(t *testing.T) {
	for _, version := range []int{10, 14} {
		f := newFake()
		f.version = version
		ch := startFake(t, f, Options{})
		out, err := ch.Dialog(testCtx(t), "deliveryconfig", deliverySteps(true)...)
		if err != nil {
			t.Fatalf("%d: %v", version, err)
		}
		if f.iface != "Auto" {
			t.Fatalf("%d: interface is %q", version, f.iface)
		}
		for _, want := range []string{"[]> SETUP\n", "[2]> 1\n", "(recommended)? [Y]> \n", "Default interface to deliver mail: Auto\n"} {
			if !strings.Contains(out, want) {
				t.Fatalf("%d: output lacks %q:\n%s", version, want, out)
			}
		}
		if !strings.HasPrefix(out, "Default interface to deliver mail: In\n") {
			t.Fatalf("%d: output does not start with the settings: %q", version, out)
		}
		if _, err := ch.Run(testCtx(t), "status"); err != nil {
			t.Fatalf("%d: after dialog: %v", version, err)
		}
	}
}

func TestDialogEndsInMenuThenBackOut(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	out, err := ch.Dialog(ctx, "deliveryconfig", deliverySteps(false)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "[]> ") {
		t.Fatalf("dialog should end at the menu: %q", out)
	}
	if _, err := ch.Run(ctx, "status"); err == nil || !strings.Contains(err.Error(), "BackOut") {
		t.Fatalf("Run inside a menu: err = %v", err)
	}
	if err := ch.BackOut(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ch.BackOut(ctx); err != nil {
		t.Fatalf("BackOut at the main prompt: %v", err)
	}
	if out, err := ch.Run(ctx, "status"); err != nil || out != fakeStatus {
		t.Fatalf("after BackOut: %q, %v", out, err)
	}
}

func TestRunBacksOutOfMenu(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	out, err := ch.Run(testCtx(t), "deliveryconfig")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Default interface to deliver mail: In\n") || !strings.HasSuffix(out, "[]> \n") {
		t.Fatalf("got %q", out)
	}
	if ch.Prompt() != "mx.example.com> " {
		t.Fatalf("prompt %q", ch.Prompt())
	}
}

func telnetSteps(iface string) []Step {
	return []Step{
		{Expect: `interface you want to telnet from`, Choose: iface},
		{Expect: `remote hostname`, Answer: "10.172.12.17"},
		{Expect: `remote port`, Answer: "7025"},
	}
}

func TestTelnetInterfaceByLabel(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	out, err := ch.Dialog(testCtx(t), "telnet", telnetSteps("in")...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.got, ",") != "iface=2,port=7025" {
		t.Fatalf("fake got %v", f.got)
	}
	for _, want := range []string{"[1]> 2\n", "[]> 10.172.12.17\n", "[25]> 7025\n", "Operation timed out\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestTelnetConnectedAnswersBanner(t *testing.T) {
	f := newFake()
	f.telnet = "connect"
	ch := startFake(t, f, Options{})
	steps := append(telnetSteps("Auto"), Step{Expect: `(?m)^220 `, Answer: "QUIT", Anywhere: true})
	out, err := ch.Dialog(testCtx(t), "telnet", steps...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "220 sma.example.com ESMTP\nQUIT\n221 ") {
		t.Fatalf("got %q", out)
	}
}

func TestInterruptRecoversFromHang(t *testing.T) {
	f := newFake()
	f.telnet = "hang"
	ch := startFake(t, f, Options{StepTimeout: 500 * time.Millisecond, Host: "mx.example.com"})
	ctx := testCtx(t)
	_, err := ch.Dialog(ctx, "telnet", telnetSteps("In")...)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a TimeoutError, got %v", err)
	}
	if !strings.Contains(te.Tail, "Trying 10.172.12.17...") || !strings.Contains(te.Waiting, `"mx.example.com> "`) {
		t.Fatalf("timeout does not say enough: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("not a deadline: %v", err)
	}
	if err := ch.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := ch.Run(ctx, "status"); err != nil || out != fakeStatus {
		t.Fatalf("after interrupt: %q, %v", out, err)
	}
}

func TestTimeoutQuotesLast200Chars(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{StepTimeout: 500 * time.Millisecond})
	_, err := ch.Run(testCtx(t), "quiet")
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a TimeoutError, got %v", err)
	}
	want := (strings.Repeat("0123456789", 50) + "tail-end")[508-200:]
	if te.Tail != want {
		t.Fatalf("tail %q, want %q", te.Tail, want)
	}
	if !strings.Contains(err.Error(), "waiting for main prompt") || !strings.Contains(err.Error(), `"quiet"`) {
		t.Fatalf("message: %v", err)
	}
	// A context deadline is reported the same way.
	if err := ch.Interrupt(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(testCtx(t), 20*time.Millisecond)
	defer cancel()
	ch.opts.StepTimeout = time.Minute
	if _, err := ch.Run(ctx, "quiet"); !errors.As(err, &te) {
		t.Fatalf("ctx deadline: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	_, err := ch.Run(ctx, "foo bar")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Kind != KindUnknown || ce.Line != "Unknown command or missing feature key: foo" || ce.Command != "foo bar" {
		t.Fatalf("unknown: %#v (%v)", ce, err)
	}
	if _, err = ch.Run(ctx, "usagecmd"); !errors.As(err, &ce) || ce.Kind != KindUsage {
		t.Fatalf("usage: %v", err)
	}
	if out, err := ch.Run(ctx, "status"); err != nil || out != fakeStatus {
		t.Fatalf("session broken after refusals: %v", err)
	}
}

func TestRestrictedAnsweredNo(t *testing.T) {
	f := newFake()
	f.cluster, f.prompt = true, "(Cluster PVOCluster)> "
	ch := startFake(t, f, Options{})
	out, err := ch.Run(testCtx(t), "featurekey")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Kind != KindRestricted || ce.Line != `This command is restricted to "machine" mode.` {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(out, "[Y]> N\nCommand cancelled.\n") {
		t.Fatalf("output %q", out)
	}
	if ch.Prompt() != "(Cluster PVOCluster)> " || f.prompt != "(Cluster PVOCluster)> " {
		t.Fatalf("mode changed: %q", ch.Prompt())
	}
}

func TestRestrictedSwitchByStep(t *testing.T) {
	f := newFake()
	f.cluster, f.prompt = true, "(Cluster PVOCluster)> "
	ch := startFake(t, f, Options{})
	out, err := ch.Dialog(testCtx(t), "featurekey",
		Step{Expect: `Would you like to switch`, Answer: "Y"},
		Step{Expect: `Choose a machine`, Choose: "esa2.example.com", Optional: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Data Loss Prevention") || !strings.HasSuffix(out, "[]> ") {
		t.Fatalf("output %q", out)
	}
	if err := ch.BackOut(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if ch.Prompt() != "(Machine esa2.example.com)> " {
		t.Fatalf("prompt %q", ch.Prompt())
	}
}

func TestUnexpectedPrompt(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	_, err := ch.Dialog(ctx, "deliveryconfig", Step{Expect: `no such question`, Answer: "x"})
	var up *UnexpectedPromptError
	if !errors.As(err, &up) || !strings.HasSuffix(up.Prompt, "[]> ") || !strings.Contains(err.Error(), "no such question") {
		t.Fatalf("got %v", err)
	}
	if err := ch.BackOut(ctx); err != nil {
		t.Fatal(err)
	}
	// A required step never reached before the main prompt is an error too.
	_, err = ch.Dialog(ctx, "status", Step{Expect: `never`, Answer: "x"})
	if !errors.As(err, &up) {
		t.Fatalf("missed step: %v", err)
	}
	// Choosing a label that is not in the list names the choices.
	_, err = ch.Dialog(ctx, "telnet", Step{Expect: `telnet from`, Choose: "Data 2"})
	if err == nil || !strings.Contains(err.Error(), "auto, in, management") {
		t.Fatalf("bad label: %v", err)
	}
	if err := ch.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestClosedMidDialog(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	_, err := ch.Dialog(testCtx(t), "drop", Step{Expect: `continue`, Answer: "Y"})
	var ce *ClosedError
	if !errors.As(err, &ce) || !errors.Is(err, io.EOF) || !strings.HasSuffix(ce.Tail, "Working") {
		t.Fatalf("got %v", err)
	}
	if _, err := ch.Run(testCtx(t), "status"); err == nil {
		t.Fatal("run after the connection closed succeeded")
	}
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Run(testCtx(t), "status"); !errors.As(err, &ce) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestTranscriptRedactsSecrets(t *testing.T) {
	const old, newPw = "hunter2-old", "s3cret-new"
	f := newFake()
	f.password = old
	var buf bytes.Buffer
	tr := NewTranscript(&buf)
	ch := startFake(t, f, Options{Transcript: tr, Secrets: []string{old}})
	out, err := ch.Dialog(testCtx(t), "passwd",
		Step{Expect: `Old password: $`, Answer: old, Secret: true, Anywhere: true},
		Step{Expect: `new password`, Answer: newPw, Secret: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.got, ",") != "old-ok=true,new="+newPw {
		t.Fatalf("fake got %v", f.got)
	}
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, s := range []string{old, newPw} {
		if strings.Contains(text, s) || strings.Contains(out, s) {
			t.Fatalf("secret %q leaked:\n%s\n%s", s, text, out)
		}
	}
	if !strings.Contains(out, "(was ***)") || !strings.Contains(out, "[]> \n") {
		t.Fatalf("dialog text %q", out)
	}
	rec := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [<>] `)
	var sent, secret int
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !rec.MatchString(line) {
			t.Fatalf("bad record %q", line)
		}
		if strings.Contains(line, " > ") {
			sent++
		}
		if strings.HasSuffix(line, " > ***") {
			secret++
		}
	}
	if sent != 3 || secret != 2 || !strings.Contains(text, " > passwd\n") || !strings.Contains(text, " < mx.example.com> \n") {
		t.Fatalf("sent %d, secret %d:\n%s", sent, secret, text)
	}
	if tr.Err() != nil {
		t.Fatal(tr.Err())
	}
}

func TestSetModeAndRelearn(t *testing.T) {
	f := newFake()
	f.cluster, f.prompt = true, "(Cluster PVOCluster)> "
	ch := startFake(t, f, Options{StepTimeout: 500 * time.Millisecond})
	ctx := testCtx(t)
	if _, err := ch.SetMode(ctx, "machine esa1.example.com"); err != nil {
		t.Fatal(err)
	}
	if ch.Prompt() != "(Machine esa1.example.com)> " {
		t.Fatalf("prompt %q", ch.Prompt())
	}
	if out, err := ch.Run(ctx, "featurekey"); err != nil || !strings.Contains(out, "Data Loss Prevention") {
		t.Fatalf("featurekey in machine mode: %q %v", out, err)
	}
	if _, err := ch.SetMode(ctx, "group Main_Group"); err != nil || ch.Prompt() != "(Group Main_Group)> " {
		t.Fatalf("group: %q %v", ch.Prompt(), err)
	}
	// A prompt the channel cannot guess: Run times out on the old one,
	// Relearn adopts the new one.
	if _, err := ch.SetMode(ctx, "rename esa9.example.com"); err == nil {
		t.Fatal("clustermode with a bad mode succeeded")
	}
	if _, err := ch.Dialog(ctx, "rename esa9.example.com"); err == nil {
		// The fake sends the new prompt, which is not the learned one.
		t.Fatal("rename should have timed out on the old prompt")
	}
	if err := ch.Relearn(ctx); err != nil {
		t.Fatal(err)
	}
	if ch.Prompt() != "esa9.example.com> " {
		t.Fatalf("relearned %q", ch.Prompt())
	}
}

func TestSendAndExpect(t *testing.T) {
	f := newFake()
	f.split = 5
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	if err := ch.Send("status", false); err != nil {
		t.Fatal(err)
	}
	// Output arrives in pieces: a pattern ends in \n to wait for the line.
	i, text, err := ch.Expect(ctx, `never`, `System status:\s+(\w+)\n`)
	if err != nil || i != 1 || !strings.HasPrefix(text, `Enter "status detail"`) || !strings.HasSuffix(text, "Offline\n") {
		t.Fatalf("Expect = %d %q %v", i, text, err)
	}
	// The rest stays for the next read, up to the prompt.
	i, text, err = ch.Expect(ctx, `mx\.example\.com> $`)
	if err != nil || i != 0 || !strings.HasPrefix(text, "Oldest Message:") {
		t.Fatalf("Expect prompt = %d %q %v", i, text, err)
	}
	if out, err := ch.Run(ctx, "status"); err != nil || out != fakeStatus {
		t.Fatalf("Run after Expect: %q %v", out, err)
	}
	if _, _, err := ch.Expect(ctx, `(`); err == nil {
		t.Fatal("bad pattern accepted")
	}
	if _, _, err := ch.Expect(ctx); err == nil {
		t.Fatal("no pattern accepted")
	}
}

func TestNilTranscriptAndBadSteps(t *testing.T) {
	var tr *Transcript
	tr.Redact("x")
	tr.received([]byte("a\n"))
	tr.sent("b", true)
	tr.flush()
	if tr.Err() != nil {
		t.Fatal("nil transcript has an error")
	}
	f := newFake()
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	if _, err := ch.Dialog(ctx, "status", Step{Expect: `[`}); err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("bad step pattern: %v", err)
	}
	if _, err := ch.Dialog(ctx, "status", Step{Anywhere: true}); err == nil {
		t.Fatal("anywhere step without a pattern accepted")
	}
	// Neither was sent: the session is still in step.
	if out, err := ch.Run(ctx, "status"); err != nil || out != fakeStatus {
		t.Fatalf("after bad steps: %q %v", out, err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTranscriptWriteErrorStopsRecording(t *testing.T) {
	tr := NewTranscript(failWriter{})
	tr.sent("status", false)
	tr.sent("again", false)
	if err := tr.Err(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Err() = %v", err)
	}
}

// shell is one object that is both ends, as transport's Shell is.
type shell struct {
	io.Reader
	io.Writer
	closes int
}

func (s *shell) Close() error {
	s.closes++
	return nil
}

func TestCloseClosesSharedEndOnce(t *testing.T) {
	r, w := io.Pipe()
	sh := &shell{Reader: r, Writer: io.Discard}
	go func() {
		io.WriteString(w, "Welcome\nmx.example.com> ")
	}()
	ch, err := Open(testCtx(t), sh, sh, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Close(); err != nil || sh.closes != 1 {
		t.Fatalf("Close: %v, %d closes", err, sh.closes)
	}
	w.Close()
	if !sameObject(sh, sh) || sameObject(r, w) {
		t.Fatal("sameObject is wrong")
	}
}

func TestOpenFailsOnEOFAndTimeout(t *testing.T) {
	_, err := Open(testCtx(t), strings.NewReader("Last login: never\n"), io.Discard, Options{})
	var ce *ClosedError
	if !errors.As(err, &ce) || !errors.Is(err, io.EOF) || strings.HasPrefix(err.Error(), "login: ") {
		t.Fatalf("EOF before the prompt: %v", err)
	}
	r, w := io.Pipe()
	defer w.Close()
	_, err = Open(testCtx(t), r, io.Discard, Options{StepTimeout: 20 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) || te.Waiting != "a main prompt" {
		t.Fatalf("silent server: %v", err)
	}
}
