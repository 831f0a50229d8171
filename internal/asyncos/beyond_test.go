package asyncos

import (
	"errors"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

const applianceList = `Security Appliances:
1. mx.example.com (10.172.12.17) - Email
2. esa2.example.com (10.172.12.22) - Email

Choose the operation you want to perform:
- ADD - Add a new appliance.
- SERVICES - Enable or disable services for appliances.
[]> `

func TestParseApplianceConfigServicesAndTests(t *testing.T) {
	text := applianceList + `SERVICES

Choose the appliance whose services you want to configure:
1. mx.example.com (10.172.12.17)
2. esa2.example.com (10.172.12.22)
[1]> 2

Do you want the Centralized Policy Quarantine to be enabled? [N]> 

Do you want the Tracking to be enabled? [Y]> 

` + applianceList + `TEST

Choose the appliance to test:
1. mx.example.com (10.172.12.17)
2. esa2.example.com (10.172.12.22)
[1]> 

Testing connection to mx.example.com (10.172.12.17)...
Authentication to mx.example.com (10.172.12.17) failed.

` + applianceList + "TEST\n\nChoose the appliance to test:\n1. mx.example.com (10.172.12.17)\n2. esa2.example.com (10.172.12.22)\n[1]> esa2.example.com\n\n" +
		"Testing connection to esa2.example.com (10.172.12.22)...\nError while trying to connect to esa2.example.com (10.172.12.22): Connection timed out.\n\n" + applianceList
	m, warns, err := ParseApplianceConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %+v", warns)
	}
	if len(m.Appliances) != 2 {
		t.Fatalf("appliances %+v", m.Appliances)
	}
	mx, e2 := m.Find("10.172.12.17"), m.Find("ESA2.example.com")
	if mx == nil || e2 == nil || mx.Name != "mx.example.com" || e2.Address != "10.172.12.22" || mx.Product != "Email" {
		t.Fatalf("find: %+v %+v", mx, e2)
	}
	// The default in brackets is the current state, whatever was typed.
	if mx.PVOService != nil || e2.PVOService == nil || *e2.PVOService || !e2.Services["Tracking"] {
		t.Errorf("services: mx %v, esa2 %v %v", mx.PVOService, e2.PVOService, e2.Services)
	}
	if mx.Test == nil || mx.Test.Outcome != facts.TestAuthFailed || e2.Test == nil || e2.Test.Outcome != facts.TestCannotConnect {
		t.Errorf("tests: %+v %+v", mx.Test, e2.Test)
	}
}

func TestParseApplianceConfigEmptyAndBad(t *testing.T) {
	m, _, err := ParseApplianceConfig("No appliances have been added.\n\nChoose the operation you want to perform:\n- ADD - Add a new appliance.\n[]> ")
	if err != nil || m.Appliances == nil || len(m.Appliances) != 0 {
		t.Errorf("empty list: %+v %v", m, err)
	}
	for _, bad := range []string{"", "Unknown command or missing feature key: applianceconfig", "something else"} {
		var pe *ParseError
		if _, _, err := ParseApplianceConfig(bad); !errors.As(err, &pe) {
			t.Errorf("%q: err %v, want a *ParseError", bad, err)
		}
	}
	// A choice answer that names no listed appliance is an error, not a guess.
	if _, _, err := ParseApplianceConfig(applianceList + "TEST\n\nChoose the appliance to test:\n1. mx.example.com (10.172.12.17)\n[1]> 7\n"); err == nil {
		t.Error("answer 7 of 1 accepted")
	}
}

func TestParseDiskQuotaConfig(t *testing.T) {
	text := "Service                                   Disk Usage(GB)   Quota(GB)\n" +
		"Spam Quarantine (EUQ)                     0.4              5\n" +
		"Policy, Virus & Outbreak Quarantines      9.6              10\n" +
		"Total                                     25.3             90 of 200\n\n" +
		"Choose the operation you want to perform:\n- EDIT - Edit disk quotas\n[]> "
	d, warns, err := ParseDiskQuotaConfig(text)
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %+v", err, warns)
	}
	r := d.Row("policy, virus")
	if r == nil || r.Usage != 9.6 || r.Quota != 10 || d.Row("Total").Quota != 90 || len(d.Rows) != 3 {
		t.Errorf("rows %+v", d.Rows)
	}
	if _, _, err := ParseDiskQuotaConfig("Quota: lots"); err == nil {
		t.Error("no table accepted")
	}
	d, warns, _ = ParseDiskQuotaConfig("Service  Disk Usage(GB)  Quota(GB)\nPolicy, Virus & Outbreak Quarantines  n/a  10\n")
	if d.Row("Policy") != nil || len(warns) != 1 {
		t.Errorf("unreadable figures: rows %+v warns %+v", d.Rows, warns)
	}
}

func TestParseQuarantineConfig(t *testing.T) {
	text := "Note: Policy, Virus and Outbreak Quarantines are centralized on sma.example.com.\n\n" +
		"    Quarantine Name        Space Used   Messages   Retention   Default Action\n" +
		" 1. Outbreak               0.1M         12         12h         Release\n" +
		" 2. File Analysis          0M           0          1h\n" +
		"                                                               Release\n\n" +
		"The allocated size for quarantines is 3G. The used size is 0.1M.\n\n" +
		"Choose the operation you want to perform:\n- NEW - Create a new quarantine.\n[]> "
	q, warns, err := ParseQuarantineConfig(text)
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %+v", err, warns)
	}
	if !q.Centralized || q.CentralizedOn != "sma.example.com" || len(q.Rows) != 2 || q.Rows[0].Messages != 12 || q.Rows[1].Name != "File Analysis" {
		t.Errorf("quarantines %+v", q)
	}
	q, _, err = ParseQuarantineConfig(strings.SplitN(text, "\n\n", 2)[1])
	if err != nil || q.Centralized {
		t.Errorf("not centralized: %+v %v", q, err)
	}
	if _, _, err := ParseQuarantineConfig("    Quarantine Name   Messages\n 1. Virus   many\n"); err == nil {
		t.Error("a count that is no number accepted")
	}
}

func TestParseInterfaceConfig(t *testing.T) {
	text := "Currently configured interfaces:\n1. Data 1 (192.168.1.11/24 on Data1: esa1.example.com)\n" +
		"2. Management (10.172.12.21/24 on Management: esa1-mgmt.example.com)\n\n" +
		"Choose the operation you want to perform:\n- NEW - Create a new interface.\n[]> "
	ifs, warns, err := ParseInterfaceConfig(text)
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %+v", err, warns)
	}
	want := facts.Interface{Name: "Data 1", Address: "192.168.1.11", PrefixLen: 24, Port: "Data1", Hostname: "esa1.example.com"}
	if len(ifs.List) != 2 || ifs.List[0] != want || ifs.List[1].Name != "Management" {
		t.Errorf("interfaces %+v", ifs.List)
	}
	if _, _, err := ParseInterfaceConfig("Choose the operation you want to perform:\n[]> "); err == nil {
		t.Error("no list accepted")
	}
}

func TestParseStatusDetailTransfers(t *testing.T) {
	for value, want := range map[string]bool{"Suspended": true, "Active": false} {
		s, warns, err := ParseStatus("System status:        Online\nCentralized transfers:         " + value +
			"\n\nCounters:          Reset   Uptime   Lifetime\n  Receiving\n    Messages Received   0   0   0\n")
		if err != nil || len(warns) != 0 || s.TransfersSuspended == nil || *s.TransfersSuspended != want {
			t.Errorf("%s: %+v %+v %v", value, s, warns, err)
		}
	}
}

func FuzzParseApplianceConfig(f *testing.F) {
	fuzzParser(f, "applianceconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseApplianceConfig(s)) })
}

func FuzzParseDiskQuotaConfig(f *testing.F) {
	fuzzParser(f, "diskquotaconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseDiskQuotaConfig(s)) })
}

func FuzzParseQuarantineConfig(f *testing.F) {
	fuzzParser(f, "quarantineconfig", func(s string) (any, []facts.Warning, error) {
		q, w, err := ParseQuarantineConfig(s)
		return nilIfNone(q, w, err)
	})
}

func FuzzParseInterfaceConfig(f *testing.F) {
	fuzzParser(f, "interfaceconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseInterfaceConfig(s)) })
}

func TestTelnetInterfacesFromTheDialog(t *testing.T) {
	text := "Please select which interface you want to telnet from.\n1. Auto\n2. In (192.168.1.1/24: mx.example.com)\n" +
		"3. Management (10.172.12.17/24: mgmt.example.com)\n[1]> 1\n\nEnter the remote hostname or IP address.\n[]> 10.172.12.18\n"
	ifs := TelnetInterfaces(text)
	if ifs == nil || len(ifs.List) != 2 || ifs.List[1] != (facts.Interface{Name: "Management", Address: "10.172.12.17", PrefixLen: 24, Hostname: "mgmt.example.com"}) {
		t.Fatalf("interfaces %+v", ifs)
	}
	if TelnetInterfaces("Trying 10.1.1.1...\nConnected to 10.1.1.1.") != nil {
		t.Error("interfaces from a dialog that lists none")
	}
}
