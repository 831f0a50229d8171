package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestCheckProgressOnlyOnTerminal: each appliance's step shows on stderr
// when it is a terminal, and nothing but errors when it is not.
func TestCheckProgressOnlyOnTerminal(t *testing.T) {
	for _, tty := range []bool{false, true} {
		opts, _, _ := benchSite(t, loadScenario(t, "healthy"), 0)
		ios, _, out, errOut := Test()
		ios.SetTTY(false, false, tty)
		opts.IO = ios
		if err := checkRun(context.Background(), opts); err != nil {
			t.Fatalf("check (stderr terminal %v): %v", tty, err)
		}
		if !strings.Contains(out.String(), `"schema_version": 1`) {
			t.Errorf("no JSON report on stdout: %q", out.String())
		}
		progress := errOut.String()
		if !tty && progress != "" {
			t.Errorf("stderr is not a terminal, yet it got %q", progress)
		}
		if tty {
			for _, want := range []string{"esa admin@127.0.0.1:", ": tlsverify", "sma admin@127.0.0.1:", ": applianceconfig"} {
				if !strings.Contains(progress, want) {
					t.Errorf("progress on a terminal lacks %q: %q", want, progress)
				}
			}
			if !strings.HasSuffix(progress, "\r\033[K") {
				t.Errorf("progress does not clear its line at the end: %q", progress)
			}
		}
	}
}

// TestCheckReadsServicesOfEveryESA: the SMA reads SERVICES and TEST for
// every examined ESA, however many (32 here, twice the old hidden limit),
// so PVO-102 and PVO-104 are decided on each of them; concurrency bounds
// the sessions, not how many appliances are read. Each session reads its
// share of services in one pass of SERVICES' [C-IAF] loop; where the
// older numbered list returns to the menu after each appliance, SERVICES
// is asked again, and no appliance is skipped in either form. Nothing is
// left pending.
func TestCheckReadsServicesOfEveryESA(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n        int
		byName   bool
		sessions int
	}{{"by-name", 32, true, 0}, {"numbered-lists", 6, false, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			sc := manyESAs(t, tc.n)
			if !tc.byName {
				off := false
				sc.AsyncOS.ApplianceByName, sc.AsyncOS.ClearConfirm = &off, &off
			}
			opts, site, _ := benchSite(t, sc, 0)
			opts.Concurrency, opts.SessionsPerAppliance = 8, tc.sessions
			ios, _, out, errOut := Test()
			opts.IO = ios
			if err := checkRun(context.Background(), opts); err != nil {
				t.Fatalf("check: %v\n%s", err, errOut)
			}
			var rep struct {
				Findings []struct {
					ID        string `json:"id"`
					Status    string `json:"status"`
					Appliance string `json:"appliance"`
				} `json:"findings"`
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			passed := map[string]map[string]bool{}
			for _, f := range rep.Findings {
				if f.Status == "pass" && (f.ID == "PVO-102" || f.ID == "PVO-104") {
					if passed[f.ID] == nil {
						passed[f.ID] = map[string]bool{}
					}
					passed[f.ID][f.Appliance] = true
				}
			}
			for _, id := range []string{"PVO-102", "PVO-104"} {
				for i := 1; i <= tc.n; i++ {
					if esa := fmt.Sprintf("mx%d.example.com", i); !passed[id][esa] {
						t.Errorf("%s does not pass on %s: the SMA did not read its services", id, esa)
					}
				}
			}
			if site.Pending("sma.example.com") {
				t.Errorf("the SMA has changes pending after check:\n%s", site.Snapshot("sma.example.com"))
			}
		})
	}
}

// TestNewCmdCheckFlags: the new flags parse into the options, and which
// flags were given is known (ssh_config fills only the others).
func TestNewCmdCheckFlags(t *testing.T) {
	ios, _, _, _ := Test()
	var got *CheckOptions
	cmd := NewCmdCheck(ios, func(o *CheckOptions) error { got = o; return nil })
	cmd.SetArgs(strings.Fields("-F cfg -J a,b --inventory s.yaml --site east --esa mx1 --sma sma --report r.json --report r.md --legacy-ssh --identity k"))
	cmd.SetErr(ios.ErrOut)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.SSHConfig != "cfg" || got.Jump != "a,b" || got.Inventory != "s.yaml" || got.Site != "east" ||
		strings.Join(got.Reports, " ") != "r.json r.md" || !got.LegacySSH || strings.Join(got.SMAs, "") != "sma" {
		t.Errorf("options %+v", got)
	}
	if !got.isSet("identity") || got.isSet("known-hosts") || got.isSet("user") {
		t.Errorf("isSet: identity %v, known-hosts %v, user %v", got.isSet("identity"), got.isSet("known-hosts"), got.isSet("user"))
	}
}
