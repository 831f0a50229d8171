package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func TestAllListsTheRulesWithTheirMetadata(t *testing.T) {
	all := All()
	if len(all) != 15 {
		t.Fatalf("%d rules, want 15", len(all))
	}
	for i, r := range all {
		wantID, wantCase := fmt.Sprintf("PVO-%03d", i+1), i+1
		if i >= 6 {
			wantID, wantCase = fmt.Sprintf("PVO-%03d", 101+i-6), 0
		}
		if r.Case != wantCase || r.ID != wantID {
			t.Errorf("rule %d is %s case %d, want %s case %d", i, r.ID, r.Case, wantID, wantCase)
		}
		if r.Title == "" || r.Description == "" || r.Severity == "" || len(r.Commands) == 0 ||
			r.Pass == "" || r.Fail == "" || r.Unknown == "" || r.Fix == nil || len(r.Fix.Steps) == 0 || r.judge == nil || len(r.Reads) == 0 {
			t.Errorf("%s lacks metadata: %+v", r.ID, r)
		}
		if got, ok := ByID(strings.ToLower(r.ID)); !ok || got.ID != r.ID {
			t.Errorf("ByID(%q) = %s, %v", strings.ToLower(r.ID), got.ID, ok)
		}
	}
	if _, ok := ByID("PVO-999"); ok {
		t.Error("ByID found PVO-999")
	}
	automatic := map[string]FixAction{"PVO-001": FixResume, "PVO-003": FixDeliveryAuto, "PVO-004": FixOutboundCiphers,
		"PVO-105": FixResumeTransfers}
	for _, r := range all {
		if a, ok := automatic[r.ID]; r.Fix.Automatic != ok || r.Fix.Action != a {
			t.Errorf("%s fix automatic=%v action=%q", r.ID, r.Fix.Automatic, r.Fix.Action)
		}
		// Only PVO-105 waits to be named: a backup SMA is suspended on purpose.
		if r.Fix.Explicit != (r.ID == "PVO-105") {
			t.Errorf("%s fix explicit=%v", r.ID, r.Fix.Explicit)
		}
	}
}

func TestRunOnAnEmptySiteDecidesNothing(t *testing.T) {
	for _, site := range []*facts.Site{nil, {}} {
		res := Run(site)
		if len(res.Findings) != 15 || len(res.ManualChecks) != 1 {
			t.Fatalf("%d findings, %d manual checks; want 15 and 1", len(res.Findings), len(res.ManualChecks))
		}
		for _, f := range res.Findings {
			if f.Status != StatusUnknown {
				t.Errorf("%s on an empty site: %s", f.ID, f.Status)
			}
		}
		b, err := json.Marshal(res.Findings)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "null") {
			t.Errorf("findings JSON has null: %s", b)
		}
	}
}

func TestRunOnTheSeedSite(t *testing.T) {
	esa := deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeConnected))
	ssl := sslESA("sslv3tlsv1", "RC4-SHA:RC4-MD5:ALL")
	esa.SSL, esa.TLSVerify = ssl.SSL, seedTLS
	esa.Account = whoAccount("admin", "Administrator")
	esa.Cluster = &facts.Cluster{Standalone: true}
	sma := smaWithStatus("Offline")
	sma.Account = whoAccount("admin", "Administrator")
	res := Run(&facts.Site{SMA: sma, ESAs: []*facts.Appliance{esa}, PVOHost: "10.172.12.18", PVOPort: 7025})
	got := map[string]Status{}
	for _, f := range res.Findings {
		got[f.ID+" "+f.Appliance] = f.Status
	}
	want := map[string]Status{
		"PVO-001 sma.example.com": StatusFail,
		"PVO-002 sma.example.com": StatusPass,
		"PVO-002 mx.example.com":  StatusPass,
		"PVO-003 mx.example.com":  StatusFail,
		"PVO-004 mx.example.com":  StatusFail,
		"PVO-005 mx.example.com":  StatusNotApplicable,
		"PVO-006 mx.example.com":  StatusNotApplicable,
		// Beyond the six: Auto reached the PVO port; the rest was not collected.
		"PVO-101 mx.example.com":  StatusPass,
		"PVO-102 mx.example.com":  StatusUnknown,
		"PVO-103 mx.example.com":  StatusNotApplicable,
		"PVO-104 mx.example.com":  StatusUnknown,
		"PVO-105 sma.example.com": StatusUnknown,
		"PVO-106 mx.example.com":  StatusUnknown,
		"PVO-107 sma.example.com": StatusUnknown,
		"PVO-108 mx.example.com":  StatusUnknown,
		"PVO-109 mx.example.com":  StatusUnknown,
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	esa := deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeConnected))
	site := &facts.Site{SMA: smaWithStatus("Offline"), ESAs: []*facts.Appliance{esa}}
	for b.Loop() {
		Run(site)
	}
}
