package asyncos

import (
	"errors"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

func TestParseShowChanges(t *testing.T) {
	for _, tc := range []struct {
		text    string
		pending bool
		keys    string // mode/name/key, comma-separated
		err     string
	}{
		{"{}\n", false, "", ""},
		{"\n{'standalone': {'': {'system.alert.mailto_addrs': 'a@b', 'x.y': None}}}\n", true, "standalone//system.alert.mailto_addrs,standalone//x.y", ""},
		{"{'standalone': {'': {'mail.rules': {'all': {-1: ['a', \"b\\\"c\", (1, 2)]}}}}}", true, "standalone//mail.rules", ""},
		{"{'machine': {'esa2.example.com': {'b': 'x'}}, 'cluster': {'C': {'a': 'y'}}}", true, "cluster/C/a,machine/esa2.example.com/b", ""},
		{"{'standalone': {'': {}}}", true, "standalone//", ""},
		// A cut paste never reads as "nothing pending".
		{"{'standalone': {'': {'a': 'b'", false, "", "literal ends early"},
		{"{'standalone': {'': {'a': 'b\n", false, "", "string runs past"},
		{"Unknown command or missing feature key: showchanges\n", false, "", "refused"},
		{"pending: none\n", false, "", "not a dict literal"},
		{"{} trailing\n", false, "", "text after the dict"},
		{"{'a': 1}\n", false, "", "mode a is not a dict"},
		{strings.Repeat("[", 200) + "\n", false, "", "not a dict literal"},
		{"{'a': " + strings.Repeat("[", 200) + "}", false, "", "nested too deep"},
	} {
		pc, _, err := ParseShowChanges(tc.text)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		var keys []string
		for _, k := range pc.Keys {
			keys = append(keys, k.Mode+"/"+k.Name+"/"+k.Key)
		}
		if pc.Pending != tc.pending || strings.Join(keys, ",") != tc.keys {
			t.Errorf("%q: pending %v keys %v", tc.text, pc.Pending, keys)
		}
	}
}

func TestParseDQConfig(t *testing.T) {
	for text, want := range map[string]string{
		"Delayed Quarantine would be available only when centralized quarantine is enabled.\n":                                                                      "false/nil",
		"Delayed Quarantine feature is not enabled.\n\nDo you want to enable Delayed Quarantine? [Y]> N\n":                                                          "true/false",
		"Space used: 0M\nNumer of messages: 0\nRetention time: 1h\n\nChoose the operation you want to perform:\n- LISTMIDS - List.\n- DISABLEDQ - Disable.\n[]> \n": "true/true",
	} {
		dq, _, err := ParseDQConfig(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		got := func(b *bool) string {
			if b == nil {
				return "nil"
			}
			if *b {
				return "true"
			}
			return "false"
		}
		if g := got(dq.PVOCentralized) + "/" + got(dq.Enabled); g != want {
			t.Errorf("%q: %s, want %s", text, g, want)
		}
	}
	if _, _, err := ParseDQConfig("Unknown command or missing feature key: dqconfig\n"); !errors.Is(err, ErrRefused) {
		t.Errorf("old release: %v", err)
	}
	if _, _, err := ParseDQConfig("Something else\n"); !errors.Is(err, ErrUnrecognised) {
		t.Errorf("odd output: %v", err)
	}
}

func TestDetectNotice(t *testing.T) {
	const notice = "NOTICE: This configuration command has not yet been configured for the current cluster mode (Group Main_Group).\n\n"
	n, ok := DetectNotice(notice + "Do you want to start a new, empty configuration at the current mode (Group Main_Group)? []> ^C\n")
	if !ok || n.Mode != (facts.LevelDefinition{Level: facts.LevelGroup, Name: "Main_Group"}) || n.Question != "yes_no" || n.SettingsAt != nil {
		t.Errorf("Y/N form: %+v %v", n, ok)
	}
	// After policyconfig's type question, in the menu form.
	n, ok = DetectNotice("Which policies?\n1. Incoming Mail Policies\n[1]> 1\n\n" + notice +
		"What would you like to do?\n1. Switch modes to edit at mode \"Cluster PVOCluster\".\n2. Start a new, empty configuration at the current mode (Group Main_Group).\n[2]> 1\n")
	if !ok || n.Question != "menu" || n.SettingsAt == nil || *n.SettingsAt != (facts.LevelDefinition{Level: facts.LevelCluster, Name: "PVOCluster"}) {
		t.Errorf("menu form: %+v %v", n, ok)
	}
	// Cut right after the NOTICE: still "not defined here", question unknown.
	if n, ok := DetectNotice(notice); !ok || n.Question != "" {
		t.Errorf("cut: %+v %v", n, ok)
	}
	for _, text := range []string{
		"Message Filters\n\n" + notice, // not the first line: not this command's verdict
		"Settings defined at: Cluster PVOCluster\n",
		"NOTICE: This configuration command has not yet been configured for the current cluster mode (Planet X).\n",
	} {
		if n, ok := DetectNotice(text); ok {
			t.Errorf("%q: a NOTICE %+v", text, n)
		}
	}
}

func TestParseClustermodeMenuSingleGroup(t *testing.T) {
	m, ok := ParseClustermodeMenu("Choose the configuration mode you want to edit:\n1. Cluster C\n2. Group G\n3. Machine\n[1]> ")
	if !ok || len(m.Levels) != 3 || m.Levels[1] != (ModeChoice{Number: "2", Level: facts.LevelGroup, Name: "G"}) || m.Levels[2].Name != "" || m.Names != nil {
		t.Errorf("%+v %v", m, ok)
	}
	if _, ok := ParseClustermodeMenu("Unknown command or missing feature key: clustermode\n"); ok {
		t.Error("no menu read as one")
	}
}

func TestFeatureKeyLayoutsAndStates(t *testing.T) {
	sma := "Module                              Remaining  Expiration Date\n" +
		"Cisco IronPort Spam Quarantine      Perpetual  Perpetual\n" +
		"Cisco IronPort Centralized Email Reporting  DORMANT    Dormant\n" +
		"Incoming Mail Handling              Expired    Sun Sep 12 00:00:00 2025\n" +
		"Outbreak Filters                    0 days     Sun Sep 12 00:00:00 2025\n" +
		"IronPort Anti-Spam                  1 year 2 weeks  Sun Sep 12 00:00:00 2027\n" +
		"Sophos Anti-Virus                   soon       Sun Sep 12 00:00:00 2027\n\n" +
		"Choose the operation you want to perform:\n- ACTIVATE - Activate a (pending) key.\n[]> \n"
	fk, warns, err := ParseFeatureKey(sma)
	if err != nil || len(warns) != 0 || len(fk.Keys) != 6 {
		t.Fatalf("SMA layout: %+v %v %v", fk, warns, err)
	}
	want := []facts.KeyState{facts.KeyPerpetual, facts.KeyDormant, facts.KeyExpired, facts.KeyExpired, facts.KeyActive, facts.KeyUnknown}
	for i, k := range fk.Keys {
		if k.Quantity != "" || k.State() != want[i] {
			t.Errorf("%+v: state %s, want %s", k, k.State(), want[i])
		}
	}
}

func TestStatusFeatureLinesAndSections(t *testing.T) {
	st, warns, err := ParseStatus("System status:        Online\n\nFeature - IronPort Anti-Spam: 287 days\nFeature - Outbreak Filters: Expired\n\n" +
		"Counters:            Reset   Uptime   Lifetime\n  Receiving\n\nRates (Events Per Hour):   1-Minute\n  Receiving\n")
	if err != nil || len(warns) != 0 || len(st.Features) != 2 || st.Features[1] != (facts.StatusFeature{Name: "Outbreak Filters", Remaining: "Expired"}) ||
		strings.Join(st.Sections, ",") != "Counters,Rates" {
		t.Errorf("%+v %v %v", st, warns, err)
	}
}

func TestParseAppliancePortAndList(t *testing.T) {
	if p, _, err := ParseAppliancePort("Port used to connect to appliances: 2222\n"); err != nil || p != 2222 {
		t.Errorf("port = %d, %v", p, err)
	}
	if _, _, err := ParseAppliancePort("Port used to connect to appliances: 99999\n"); err == nil {
		t.Error("port out of range accepted")
	}
	m, _, err := ParseApplianceList("No appliances have been added.\n")
	if err != nil || m == nil || len(m.Appliances) != 0 {
		t.Errorf("empty list: %+v %v", m, err)
	}
	m, warns, err := ParseApplianceList("Name          IP Address    Authenticated  Product\nmx.example.com  10.1.1.1    No             Email\n")
	if err != nil || len(warns) != 0 || len(m.Appliances) != 1 || m.Appliances[0].Authenticated == nil || *m.Appliances[0].Authenticated {
		t.Errorf("list: %+v %v %v", m, warns, err)
	}
	// The menu form still has its own parser; a table is the batch form.
	if mm, _, err := ParseApplianceConfig("Name          IP Address    Authenticated  Product\nmx.example.com  10.1.1.1    Yes             Email\n"); err != nil || len(mm.Appliances) != 1 {
		t.Errorf("applianceconfig given the list: %+v %v", mm, err)
	}
}

func TestCommitVariants(t *testing.T) {
	for text, want := range map[string]facts.CommitOutcome{
		"Please enter some comments describing your changes:\n[]> x\n\nDo you want to save the current configuration for rollback? [Y]> \n\nChanges committed: Thu Nov 26 18:00:00 2026 UTC\n":     facts.CommitCommitted,
		"Please enter some comments describing your changes:\n[]> x\n\nYour changes do not modify the configuration.  Are you ready to discard all of your changes? [Y]> \n\nChanges discarded.\n": facts.CommitDiscarded,
	} {
		c, warns, err := ParseCommit(text)
		if err != nil || len(warns) != 0 || c.Outcome != want {
			t.Errorf("%q: %+v %v %v", text, c, warns, err)
		}
	}
	for text, want := range map[string]facts.CommitOutcome{
		"No changes have been made since the last commit.\n":                                             facts.CommitNothing,
		"Are you sure you want to clear all changes since the last commit? [Y]> Y\n\nChanges cleared.\n": facts.CommitCleared,
	} {
		c, warns, err := ParseClearChanges(text)
		if err != nil || len(warns) != 0 || c.Outcome != want {
			t.Errorf("%q: %+v %v %v", text, c, warns, err)
		}
	}
}

// FuzzParseShowChanges: any input ends in a result or an error, in time
// linear in its size; a result with no keys is never claimed for text that
// does not close its dict. Braces are counted in the text as the terminal
// showed it: a DEL or backspace erases the brace before it, so "{{\x7f}" is
// the balanced "{}" the parser rightly reads as nothing pending.
func FuzzParseShowChanges(f *testing.F) {
	for _, s := range []string{"{}", "{'standalone': {'': {'a.b': 'c', 'd': None}}}", "{'x': {'y': {'z': {'all': {-1: ['a', (1, 2)]}}}}}", "{'a", "[[[["} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pc, _, err := ParseShowChanges(s)
		shown := sessionlog.Clean(s)
		if err == nil && !pc.Pending && strings.Count(shown, "{") != strings.Count(shown, "}") && !strings.ContainsAny(shown, `'"`) {
			t.Errorf("%q: nothing pending from an unbalanced dict", s)
		}
	})
}
