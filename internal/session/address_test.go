package session

import "testing"

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in   string
		def  int
		want string
		err  bool
	}{
		{"sma.example.com", 7025, "sma.example.com:7025", false},
		{"sma.example.com:7026", 7025, "sma.example.com:7026", false},
		{"10.0.0.5", 22, "10.0.0.5:22", false},
		{"[2001:db8::5]:7026", 7025, "[2001:db8::5]:7026", false},
		{"[2001:db8::5]", 7025, "[2001:db8::5]:7025", false},
		// A bare IPv6 address is a host: its last group is no port.
		{"2001:db8::5", 7025, "[2001:db8::5]:7025", false},
		{"fe80::1", 22, "[fe80::1]:22", false},
		{"", 22, "", true},
		{"sma:0", 7025, "", true},
		{"sma:99999", 7025, "", true},
		{"sma:x", 7025, "", true},
		{"2001:db8::zz", 22, "", true},
	} {
		got, err := ParseAddress(tc.in, tc.def)
		if tc.err {
			if err == nil {
				t.Errorf("ParseAddress(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseAddress(%q, %d) = %v, %v; want %s", tc.in, tc.def, got, err, tc.want)
		}
	}
}

func TestTranscriptName(t *testing.T) {
	if got := TranscriptName("esa-[2001:db8::5]:22", "fix1"); got != "esa-_2001_db8_5_22.fix1.transcript" {
		t.Errorf("TranscriptName = %q", got)
	}
}
