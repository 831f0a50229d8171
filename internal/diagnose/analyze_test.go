package diagnose

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func TestMailLogTarget(t *testing.T) {
	mx1 := &facts.Appliance{Hostname: "mx1.example.com", Address: "logs/mx1-session.log"}
	mx2 := &facts.Appliance{Hostname: "mx2.example.com", Address: "mx2.log"}
	for _, c := range []struct {
		esas     []*facts.Appliance
		spec     string
		want     *facts.Appliance
		wantPath string
		wantErr  string
	}{
		{[]*facts.Appliance{mx1}, "mail_logs", mx1, "mail_logs", ""},
		{[]*facts.Appliance{mx1, mx2}, "MX2.example.com=m.log", mx2, "m.log", ""},
		{[]*facts.Appliance{mx1, mx2}, "mx1-session.log=m.log", mx1, "m.log", ""},
		{[]*facts.Appliance{mx1, mx2}, "logs/mx1-session.log=m.log", mx1, "m.log", ""},
		{[]*facts.Appliance{mx1, mx2}, "m.log", nil, "", "several ESAs"},
		{[]*facts.Appliance{mx1, mx2}, "mx9=m.log", nil, "", `no ESA named "mx9"`},
		{[]*facts.Appliance{mx1}, "mx9=m.log", nil, "", `no ESA named "mx9"`},
	} {
		got, path, err := MailLogTarget(c.esas, c.spec)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.spec, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want || path != c.wantPath {
			t.Errorf("%s: got %v, %q, %v", c.spec, got, path, err)
		}
	}
}
