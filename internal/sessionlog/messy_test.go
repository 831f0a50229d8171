package sessionlog

import (
	"strings"
	"testing"
	"time"
)

func TestSplitTimeStamps(t *testing.T) {
	for _, tt := range []struct {
		name, prefix string
		want         time.Time
	}{
		{"SecureCRT", "[2024-05-01 10:00:01] ", time.Date(2024, 5, 1, 10, 0, 1, 0, time.UTC)},
		{"Windows Terminal", "[5/1/2024 10:00:01 AM] ", time.Date(2024, 5, 1, 10, 0, 1, 0, time.UTC)},
		{"ts", "2024-05-01T10:00:01.123Z ", time.Date(2024, 5, 1, 10, 0, 1, 0, time.UTC)},
		{"time of day only", "[10:00:01] ", time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.prefix + "mx> status\n" + tt.prefix + "System status: Online\n" + tt.prefix + "mx> \n"
			cmds, err := SplitString(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(cmds) != 1 || cmds[0].Name != "status" || cmds[0].Text != "System status: Online" || !cmds[0].Time.Equal(tt.want) {
				t.Errorf("got %+v", cmds)
			}
		})
	}
	// Output that merely starts with a date keeps it.
	cmds, err := SplitString("mx> grep x mail_logs\n2024-05-01 10:00:01 line\nmx> ")
	if err != nil || cmds[0].Text != "2024-05-01 10:00:01 line" {
		t.Errorf("got %+v, %v", cmds, err)
	}
}

func TestSplitWrappedAtTerminalWidth(t *testing.T) {
	long := "Enter the destination host to connect to. Append the port (example.com:26) if you are not connecting on port 25:"
	other := "NOTE: This session will expire if left idle for 30 minutes. Any uncommitted configuration changes will be lost."
	third := "Currently enabled protocol(s) for Outbound SMTP are TLSv1.1, TLSv1.2 and some more words to wrap."
	var b strings.Builder
	b.WriteString("mx> tlsverify\n")
	for _, l := range []string{long, other, third} {
		b.WriteString(l[:80] + "\n" + l[80:] + "\n")
	}
	b.WriteString("mx> ")
	cmds, err := SplitString(b.String())
	if err != nil {
		t.Fatal(err)
	}
	want := long + "\n" + other + "\n" + third
	if len(cmds) != 1 || cmds[0].Text != want {
		t.Fatalf("got %q\nwant %q", cmds[0].Text, want)
	}
	if cmds[0].InputLine(2) != 4 {
		t.Errorf("the second joined line starts at input line %d, want 4", cmds[0].InputLine(2))
	}
}

func TestSplitTableRowsOfOneWidthAreNotWraps(t *testing.T) {
	in := "sma> who\n" +
		"Username   Role            Login Time   Idle Time   Remote Host   What\n" +
		"========   =============   ==========   =========   ===========   ====\n" +
		"admin      Administrator   06:02PM      0s          127.0.0.1     CLI\n" +
		"ops1       Operator        06:02PM      0s          127.0.0.1     CLI\n" +
		"sma> "
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	if cmds[0].TextLines() != 4 {
		t.Errorf("the table's rows were joined: %q", cmds[0].Text)
	}
}

func TestSplitEchoedTwice(t *testing.T) {
	for _, in := range []string{
		"mx> status\nmx> status\nSystem status: Online\nmx> ",
		"mx> mx> status\nSystem status: Online\nmx> ",
		"mx> status\nstatus\nSystem status: Online\nmx> ",
	} {
		cmds, err := SplitString(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(cmds) != 1 || cmds[0].Name != "status" || cmds[0].Text != "System status: Online" {
			t.Errorf("%q: got %+v", in, cmds)
		}
	}
}

func TestGroupSessions(t *testing.T) {
	in := strings.Join([]string{
		"Welcome to the Cisco C100V Email Security Virtual Appliance",      // 1
		"mx.example.com> version",                                          // 2
		"Product: Cisco C100V Email Security Virtual Appliance",            // 3
		"mx.example.com> exit",                                             // 4
		"Welcome to the Cisco M100V Security Management Virtual Appliance", // 5
		"sma.example.com> status",                                          // 6
		"System status: Online",                                            // 7
		"sma.example.com> ",                                                // 8
		"(Cluster PVOCluster)> clusterconfig",                              // 9: another appliance, by its prompt
		"Cluster PVOCluster",                                               // 10
		"(Cluster PVOCluster)> clustermode machine esa2.example.com",
		"(Machine esa2.example.com)> featurekey",
		"Module  Quantity",
		"(Machine esa2.example.com)> ",
	}, "\n")
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	ss := Group(cmds)
	if len(ss) != 2 {
		t.Fatalf("got %d sessions: %+v", len(ss), ss)
	}
	if ss[0].Hostname != "mx.example.com" || !strings.Contains(ss[0].Login, "Email Security") || ss[0].FirstLine != 2 || ss[0].LastLine != 4 {
		t.Errorf("first session %+v", ss[0])
	}
	if ss[1].Hostname != "sma.example.com" || !strings.Contains(ss[1].Login, "Security Management") || ss[1].FirstLine != 6 {
		t.Errorf("second session %+v", ss[1])
	}
	// The cluster prompt after the SMA's is a third appliance only if it
	// names itself; without a hostname or banner it stays with the SMA's
	// login, which is what a driver must then check by serial.
	if ss[1].Cluster != "PVOCluster" || len(ss[1].Machines) != 1 || ss[1].Machines[0] != "esa2.example.com" {
		t.Errorf("cluster and machines: %+v", ss[1])
	}
}
