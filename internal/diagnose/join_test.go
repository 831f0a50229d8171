package diagnose

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// FuzzJoin feeds two files of arbitrary content through the whole
// multi-file path (split, role guess, join, merge, PVO endpoint, rules):
// it must not panic, an error is one line, and no two appliances of one
// site share an ID.
func FuzzJoin(f *testing.F) {
	sessions := filepath.Join("..", "..", "testdata", "sessions")
	for _, pair := range [][2]string{
		{"../tickets/cluster-two-files/esa1-machine-mode.log", "../tickets/cluster-two-files/esa2-cluster-mode.log"},
		{"../tickets/one-esa-two-files/mx-morning.log", "../tickets/one-esa-two-files/mx-after-fix.log"},
		{"pvo100-healthy-esa.log", "pvo100-healthy-sma.log"},
		{"../tickets/one-file-esa-and-sma/putty.log", "esa-cluster-pass-and-repeat.log"},
	} {
		a, err := os.ReadFile(filepath.Join(sessions, pair[0]))
		if err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(sessions, pair[1]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(a, b)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		dir := t.TempDir()
		for i, data := range [][]byte{a, b} {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.log", i)), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		out, err := Analyze(Saved{Files: []string{dir}})
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		seen := map[facts.ApplianceID]bool{}
		apps := append([]*facts.Appliance{}, out.Site.ESAs...)
		if out.Site.SMA != nil {
			apps = append(apps, out.Site.SMA)
		}
		for _, x := range apps {
			if seen[x.ID] {
				t.Fatalf("two appliances with ID %q", x.ID)
			}
			seen[x.ID] = true
			if x.Role != facts.RoleESA && x.Role != facts.RoleSMA {
				t.Fatalf("appliance %q with role %q", x.ID, x.Role)
			}
		}
	})
}

// BenchmarkAnalyzeTicket100 analyzes a ticket directory of 100 ESA
// sessions and the SMA's, as a support engineer would (analyze DIR).
func BenchmarkAnalyzeTicket100(b *testing.B) {
	sessions := filepath.Join("..", "..", "testdata", "sessions")
	esa, err := os.ReadFile(filepath.Join(sessions, "pvo100-healthy-esa.log"))
	if err != nil {
		b.Fatal(err)
	}
	sma, err := os.ReadFile(filepath.Join(sessions, "pvo100-healthy-sma.log"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := 0; i < 100; i++ {
		host := fmt.Sprintf("mx%03d.example.com", i)
		text := strings.ReplaceAll(string(esa), "mx.example.com", host)
		text = strings.ReplaceAll(text, "4229A0B1C2D3-E667F6EFAB8F", fmt.Sprintf("4229A0B1C2D3-%012d", i))
		if err := os.WriteFile(filepath.Join(dir, host+".log"), []byte(text), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sma.log"), sma, 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := Analyze(Saved{Files: []string{dir}})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Site.ESAs) != 100 || out.Site.SMA == nil {
			b.Fatalf("%d ESAs, SMA %v", len(out.Site.ESAs), out.Site.SMA != nil)
		}
	}
}

// TestMergePieces: the later session's reads stand, per-machine reads are
// kept per machine, a probe both logs hold is kept once, and an ESA and
// an SMA of one hostname stay two appliances.
func TestMergePieces(t *testing.T) {
	probe := facts.Probe{Interface: "Auto", Host: "sma", Port: 7025, Outcome: facts.ProbeConnected}
	early := &facts.Appliance{Role: facts.RoleESA, Address: "a.log", Hostname: "mx",
		Delivery: &facts.Delivery{DefaultInterface: "In"}, Probes: []facts.Probe{probe},
		FeatureKeys: map[string]*facts.FeatureKeys{"mx": {Machine: "mx"}}}
	late := &facts.Appliance{Role: facts.RoleESA, Address: "b.log", Hostname: "MX",
		Delivery: &facts.Delivery{DefaultInterface: "Auto"}, Probes: []facts.Probe{probe},
		FeatureKeys: map[string]*facts.FeatureKeys{"mx2": {Machine: "mx2"}}}
	sma := &facts.Appliance{Role: facts.RoleSMA, Address: "b.log#40", Hostname: "mx"}
	apps, err := joinPieces([]piece{
		{FileSession: asyncos.FileSession{Appliance: late, RoleFrom: "version"}, order: 1},
		{FileSession: asyncos.FileSession{Appliance: sma, RoleFrom: "version"}, order: 2},
		{FileSession: asyncos.FileSession{Appliance: early, RoleFrom: "version"}, order: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 {
		t.Fatalf("%d appliances, want the ESA and the SMA", len(apps))
	}
	esa := apps[0]
	if esa.Role != facts.RoleESA {
		esa = apps[1]
	}
	if esa.Delivery.DefaultInterface != "Auto" || len(esa.Probes) != 1 || len(esa.FeatureKeys) != 2 || esa.Address != "a.log" {
		t.Errorf("merged: delivery %q, %d probes, keys of %d machines, address %q",
			esa.Delivery.DefaultInterface, len(esa.Probes), len(esa.FeatureKeys), esa.Address)
	}
}

// A tlsverify from an earlier session than an outbound cipher change is
// history in the merged appliance, as it is within one session; the
// probe's own session keeps its reading untouched.
func TestMergeSupersedesAnOlderProbe(t *testing.T) {
	ssl := func(ciphers, committed string) *facts.SSLConfig {
		return &facts.SSLConfig{Services: []facts.SSLService{{Name: "Outbound SMTP", Method: "tlsv1/tlsv1.2", Ciphers: ciphers}}, Committed: committed}
	}
	probe := func() *facts.TLSVerify {
		return &facts.TLSVerify{Host: "sma", Port: 7025, Connected: true, Cipher: "ADH-AES256-SHA", NoCertificate: true}
	}
	for _, tc := range []struct {
		name             string
		early, late      *facts.SSLConfig
		superseded, with string
	}{
		{"a later session committed a change", nil, ssl("HIGH:!aNULL", "line 9"), "yes", "committed in b.log (line 9)"},
		{"a later session shows other ciphers", ssl("ALL", ""), ssl("HIGH:!aNULL", ""), "yes", "when the outbound ciphers were ALL; b.log shows HIGH:!aNULL"},
		{"a later session shows the same ciphers", ssl("ALL", ""), ssl("ALL", ""), "", ""},
		{"a later session without sslconfig", ssl("ALL", ""), nil, "", ""},
		{"the probe's session is unknown to have other ciphers", nil, ssl("ALL", ""), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			early := &facts.Appliance{Role: facts.RoleESA, Address: "a.log", Hostname: "mx", SSL: tc.early, TLSVerify: probe()}
			late := &facts.Appliance{Role: facts.RoleESA, Address: "b.log", Hostname: "mx", SSL: tc.late}
			apps, err := joinPieces([]piece{
				{FileSession: asyncos.FileSession{Appliance: early, RoleFrom: "version"}, order: 0},
				{FileSession: asyncos.FileSession{Appliance: late, RoleFrom: "version"}, order: 1},
			})
			if err != nil || len(apps) != 1 {
				t.Fatalf("%d appliances, %v", len(apps), err)
			}
			got := apps[0].TLSVerify.Superseded
			if (got != "") != (tc.superseded != "") || !strings.Contains(got, tc.with) {
				t.Errorf("superseded %q, want %q", got, tc.with)
			}
			if early.TLSVerify.Superseded != "" {
				t.Errorf("the early session's own probe changed: %q", early.TLSVerify.Superseded)
			}
		})
	}
}

// A paste without prompts files its per-machine reads under its file name;
// merged with a prompted session of the same appliance (by serial), they
// are the named appliance's, and the paste's own facts stay as they were.
func TestMergeRenamesAPastesMachine(t *testing.T) {
	prompted := &facts.Appliance{Role: facts.RoleESA, Address: "a.log", Hostname: "mx"}
	pasted := &facts.Appliance{Role: facts.RoleESA, Address: "paste.txt",
		FeatureKeys: map[string]*facts.FeatureKeys{"paste.txt": {Machine: "paste.txt"}},
		Interfaces:  map[string]*facts.Interfaces{"paste.txt": {Machine: "paste.txt"}}}
	apps, err := joinPieces([]piece{
		{FileSession: asyncos.FileSession{Appliance: prompted, RoleFrom: "version", Serial: "S1"}, order: 0},
		{FileSession: asyncos.FileSession{Appliance: pasted, RoleFrom: "version", Serial: "S1"}, order: 1},
	})
	if err != nil || len(apps) != 1 {
		t.Fatalf("%d appliances, %v", len(apps), err)
	}
	a := apps[0]
	if fk := a.FeatureKeys["mx"]; fk == nil || fk.Machine != "mx" || len(a.FeatureKeys) != 1 {
		t.Errorf("feature keys %+v, want them under mx", a.FeatureKeys)
	}
	if ifs := a.Interfaces["mx"]; ifs == nil || len(a.Interfaces) != 1 {
		t.Errorf("interfaces %+v, want them under mx", a.Interfaces)
	}
	if pasted.FeatureKeys["paste.txt"] == nil || pasted.FeatureKeys["paste.txt"].Machine != "paste.txt" {
		t.Error("the paste's own facts changed")
	}
}
