package fix

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The settings as each appliance state shows them, for the read-back.
const (
	showsIn        = "Default interface to deliver mail: In\n\"Possible Delivery\": Enabled\n"
	showsAuto      = "Default interface to deliver mail: Auto\n\"Possible Delivery\": Enabled\n"
	showsAnonymous = "sslconfig settings:\n  Outbound SMTP method:  tlsv1/tlsv1.2\n  Outbound SMTP ciphers:\n    RC4-SHA\n    RC4-MD5\n    ALL\n\n"
	showsSafe      = "sslconfig settings:\n  Outbound SMTP method:  tlsv1/tlsv1.2\n  Outbound SMTP ciphers:\n    HIGH\n    MEDIUM\n    ALL\n    -aNULL\n    -SSLv2\n\n"
	commitTimeout  = `commit: timed out after 2s waiting for question "(?i)rollback" or main prompt`
)

func lostCommit() reply { return reply{err: errors.New(commitTimeout)} }

func TestCommitTimeoutPassesThrough(t *testing.T) {
	r := &fakeRunner{prompt: "mx.example.com> ", replies: map[string]reply{"commit": {out: committed}}}
	Apply(context.Background(), r, esaSession(), ApplyOptions{CommitTimeout: 7 * time.Second})
	if r.commitTimeout != 7*time.Second {
		t.Errorf("commit timeout %s, want 7s", r.commitTimeout)
	}
	Apply(context.Background(), r, esaSession(), ApplyOptions{})
	if r.commitTimeout != DefaultCommitTimeout {
		t.Errorf("commit timeout %s, want the default %s", r.commitTimeout, DefaultCommitTimeout)
	}
}

// A commit whose reply was lost is settled, never guessed: each case says
// which of committed, not committed and uncertain it must find, and how.
func TestCommitSettled(t *testing.T) {
	gone := errors.New("connection closed")
	cases := []struct {
		name    string
		old     map[string]reply // the session that sent the commit
		lost    bool             // Ctrl-C does not bring its prompt back
		reopen  map[string]reply // a new session's replies; nil: Reopen fails
		noOpen  bool             // no Reopen at all
		want    Status
		errHas  string // in Result.Err (or the commit evidence when Applied)
		cleared bool
		calls   string // suffix of the old session's calls
	}{
		{name: "same session, nothing pending, settings changed",
			old:  map[string]reply{"showchanges": {out: "{}"}, "deliveryconfig": {out: showsAuto}, "sslconfig": {out: showsSafe}},
			want: Applied, errHas: "committed: showchanges lists nothing pending: Default interface to deliver mail: Auto; Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-aNULL:-SSLv2",
			calls: "^C showchanges deliveryconfig sslconfig"},
		{name: "same session, still pending",
			old:  map[string]reply{"showchanges": {out: "{'standalone': {'': {'ssl.outbound': 1}}}"}, "clearchanges": {out: "Changes cleared: Thu Nov 26 18:00:00 2026 UTC\n"}},
			want: Failed, errHas: "not committed: the changes were still pending; clearchanges discarded them", cleared: true,
			calls: "^C showchanges clearchanges"},
		{name: "same session, no showchanges, cleared",
			old:  map[string]reply{"clearchanges": {out: "Changes cleared: Thu Nov 26 18:00:00 2026 UTC\n"}},
			want: Failed, errHas: "not committed: the changes were still pending", cleared: true},
		{name: "same session, no showchanges, nothing to clear, settings changed",
			old:  map[string]reply{"clearchanges": {out: "There are no changes to clear.\n"}, "deliveryconfig": {out: showsAuto}, "sslconfig": {out: showsSafe}},
			want: Applied, errHas: "committed: nothing was pending", cleared: true},
		{name: "same session, no showchanges, nothing to clear, settings unchanged",
			old:  map[string]reply{"clearchanges": {out: "There are no changes to clear.\n"}, "deliveryconfig": {out: showsIn}, "sslconfig": {out: showsAnonymous}},
			want: Failed, errHas: "not committed: nothing was pending: Default interface to deliver mail: In", cleared: true},
		{name: "same session, odd clearchanges",
			old:  map[string]reply{"clearchanges": {out: "Are you sure? [N]>\n"}},
			want: Uncertain, errHas: "could not be established: clearchanges said", cleared: true},
		{name: "same session, showchanges lost",
			old:  map[string]reply{"showchanges": {err: gone}},
			want: Uncertain, errHas: "could not be established: showchanges: connection closed"},
		{name: "same session, only one change shows",
			old:  map[string]reply{"showchanges": {out: "{}"}, "deliveryconfig": {out: showsAuto}, "sslconfig": {out: showsAnonymous}},
			want: Uncertain, errHas: "only some changes read back"},
		{name: "same session, read-back unreadable",
			old:  map[string]reply{"showchanges": {out: "{}"}, "deliveryconfig": {out: "% odd\n"}},
			want: Uncertain, errHas: "could not be established: read back deliveryconfig"},
		{name: "new session, settings changed",
			lost:   true,
			reopen: map[string]reply{"showchanges": {out: "{}"}, "deliveryconfig": {out: showsAuto}, "sslconfig": {out: showsSafe}},
			want:   Applied, errHas: "committed: read back in a new session, showchanges listing nothing pending"},
		{name: "new session without showchanges, settings unchanged",
			lost:   true,
			reopen: map[string]reply{"deliveryconfig": {out: showsIn}, "sslconfig": {out: showsAnonymous}},
			want:   Failed, errHas: "not committed: read back in a new session (this release shows no showchanges): Default interface to deliver mail: In"},
		{name: "new session sees changes pending",
			lost:   true,
			reopen: map[string]reply{"showchanges": {out: "{'standalone': {'': {'x': 1}}}"}, "deliveryconfig": {out: showsAuto}},
			want:   Uncertain, errHas: "showchanges lists pending changes"},
		{name: "new session fails",
			lost: true, want: Uncertain, errHas: "could not be established: the session is gone and a new one failed: connect: refused"},
		{name: "no new session allowed",
			lost: true, noOpen: true, want: Uncertain, errHas: "no new one may be opened"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := &fakeRunner{prompt: "mx.example.com> ", replies: map[string]reply{"commit": lostCommit()}}
			for k, v := range tc.old {
				old.replies[k] = v
			}
			if tc.lost {
				old.interruptErr = gone
			}
			var opts ApplyOptions
			var nr *fakeRunner
			if !tc.noOpen {
				opts.Reopen = func(context.Context) (Runner, error) {
					if tc.reopen == nil {
						return nil, errors.New("connect: refused")
					}
					nr = &fakeRunner{prompt: "mx.example.com> ", replies: tc.reopen}
					return nr, nil
				}
			}
			out := Apply(context.Background(), old, esaSession(), opts)
			for i, res := range out.Results {
				if res.Status != tc.want {
					t.Fatalf("fix %d: status %s, want %s: %+v", i, res.Status, tc.want, res)
				}
				text := ""
				if res.Err != nil {
					text = res.Err.Error()
					if !strings.Contains(text, commitTimeout) {
						t.Errorf("fix %d: the cause is not quoted: %s", i, text)
					}
				} else {
					ev := res.Evidence[len(res.Evidence)-1]
					text = strings.Join(ev.Lines, " ")
				}
				if !strings.Contains(text, tc.errHas) {
					t.Errorf("fix %d: %q\nwant it to say %q", i, text, tc.errHas)
				}
				if strings.Contains(text, "nothing was committed") {
					t.Errorf("fix %d guesses: %s", i, text)
				}
			}
			if out.Cleared != tc.cleared {
				t.Errorf("cleared = %v, want %v", out.Cleared, tc.cleared)
			}
			if got := strings.Join(old.calls, " "); tc.calls != "" && !strings.HasSuffix(got, tc.calls) {
				t.Errorf("old session's calls: %s\nwant them to end %s", got, tc.calls)
			}
			if nr != nil {
				for _, c := range nr.calls {
					if strings.Contains(c, "[") || c == "clearchanges" || c == "commit" {
						t.Errorf("the new session changed something: %v", nr.calls)
					}
				}
			}
		})
	}
}

// In a cluster the read-back happens at the level the change was made at.
func TestCommitSettledAtItsLevel(t *testing.T) {
	over := "Settings defined at: Cluster C; Machine esa2.example.com"
	old := &fakeRunner{prompt: "(Cluster C)> ", interruptErr: errors.New("connection closed"),
		replies: map[string]reply{"sslconfig": {out: over + "\n"}, "commit": lostCommit()}}
	nr := &fakeRunner{prompt: "(Cluster C)> ", replies: map[string]reply{"showchanges": {out: "{}"}, "sslconfig": {out: over + "\n" + showsSafe}}}
	out := Apply(context.Background(), old, clusterSession(t, over), ApplyOptions{
		Reopen: func(context.Context) (Runner, error) { return nr, nil }})
	if res := out.Results[0]; res.Status != Applied {
		t.Fatalf("result = %+v", res)
	}
	if got, want := strings.Join(nr.calls, " "), "showchanges clustermode machine esa2.example.com sslconfig clustermode cluster"; got != want {
		t.Errorf("new session's calls:\n got %s\nwant %s", got, want)
	}
}
