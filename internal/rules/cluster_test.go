package rules

import (
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func clusterOf(name string, members ...string) *facts.Cluster {
	c := &facts.Cluster{Name: name, Groups: []facts.ClusterGroup{{Name: "Main_Group"}},
		Evidence: ev("clusterconfig", "cluster = "+name, "Group Main_Group:")}
	for _, m := range members {
		c.Groups[0].Machines = append(c.Groups[0].Machines, facts.ClusterMachine{Name: m})
		c.Evidence.Lines = append(c.Evidence.Lines, "Machine "+m+" (Serial #: X)")
	}
	return c
}

func keys(machine string, modules ...string) *facts.FeatureKeys {
	fk := &facts.FeatureKeys{Machine: machine, Keys: []facts.FeatureKey{},
		Evidence: ev("featurekey", "Module                              Quantity  Remaining  Expiration Date")}
	for _, m := range modules {
		fk.Keys = append(fk.Keys, facts.FeatureKey{Module: m, Quantity: "1", Remaining: "287 days"})
		fk.Evidence.Lines = append(fk.Evidence.Lines, m+"   1   287 days   Sun Sep 12 00:00:00 2027")
	}
	return fk
}

func member(name string, c *facts.Cluster) *facts.Appliance {
	return &facts.Appliance{Role: facts.RoleESA, Hostname: name, Cluster: c}
}

func standalone(name string) *facts.Appliance {
	return member(name, &facts.Cluster{Standalone: true, Evidence: ev("clusterconfig", "Do you want to join or create a cluster?")})
}

func TestFeatureKeys(t *testing.T) {
	c := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com")
	// Both members' keys read through one session's clustermode machine.
	oneSession := member("esa1.example.com", c)
	oneSession.FeatureKeys = map[string]*facts.FeatureKeys{
		"esa1.example.com": keys("esa1.example.com", "Data Loss Prevention", "Outbreak Filters"),
		"ESA2.example.com": keys("esa2.example.com", "Outbreak Filters"),
	}
	equal1, equal2 := member("esa1.example.com", c), member("esa2.example.com", c)
	equal1.FeatureKeys = map[string]*facts.FeatureKeys{"esa1.example.com": keys("esa1.example.com", "Outbreak Filters", "Data Loss Prevention")}
	equal2.FeatureKeys = map[string]*facts.FeatureKeys{"esa2.example.com": keys("esa2.example.com", "Data  Loss Prevention", "outbreak filters")}
	partial := member("esa1.example.com", c)
	partial.FeatureKeys = map[string]*facts.FeatureKeys{"esa1.example.com": keys("esa1.example.com", "Outbreak Filters")}
	partial.Errors = []facts.CollectError{{Step: "clustermode machine esa2.example.com", Message: "Choose a machine: no such machine"}}
	// Measured: two members read that differ, a third unread, was unknown.
	c3 := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com", "esa3.example.com")
	differ := member("esa1.example.com", c3)
	differ.FeatureKeys = map[string]*facts.FeatureKeys{
		"esa1.example.com": keys("esa1.example.com", "Data Loss Prevention", "Outbreak Filters"),
		"esa2.example.com": keys("esa2.example.com", "Outbreak Filters"),
	}
	same := member("esa1.example.com", c3)
	same.FeatureKeys = map[string]*facts.FeatureKeys{
		"esa1.example.com": keys("esa1.example.com", "Outbreak Filters"),
		"esa2.example.com": keys("esa2.example.com", "Outbreak Filters"),
	}

	runCases(t, featureKeys(), []ruleCase{
		{"equal sets read from two sessions", &facts.Site{ESAs: []*facts.Appliance{equal1, equal2}}, []want{{
			app: "cluster PVOCluster", status: StatusPass, summary: []string{"All 2 members", "same 2 feature-key modules"},
			lines: []string{"Data  Loss Prevention   1   287 days   Sun Sep 12 00:00:00 2027"}}}},
		{"DLP missing on one member", &facts.Site{ESAs: []*facts.Appliance{oneSession}}, []want{{
			app: "cluster PVOCluster", status: StatusFail, summary: []string{"esa2.example.com lacks Data Loss Prevention"},
			lines: []string{"Data Loss Prevention   1   287 days   Sun Sep 12 00:00:00 2027", "Outbreak Filters   1   287 days   Sun Sep 12 00:00:00 2027"},
			fix:   "manual"}}},
		{"a member's keys not read", &facts.Site{ESAs: []*facts.Appliance{partial}}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"esa2.example.com were not read", "run `featurekey` on esa2.example.com"},
			lines: []string{"Choose a machine: no such machine"}}}},
		{"two members differ, a third not read", &facts.Site{ESAs: []*facts.Appliance{differ}}, []want{{
			app: "cluster PVOCluster", status: StatusFail,
			summary: []string{"esa2.example.com lacks Data Loss Prevention", "Not yet known: `featurekey` was not read on esa3.example.com"},
			fix:     "manual"}}},
		{"two members alike, a third not read", &facts.Site{ESAs: []*facts.Appliance{same}}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"esa3.example.com were not read"}}}},
		{"standalone", &facts.Site{ESAs: []*facts.Appliance{standalone("mx.example.com")}}, []want{{
			app: "mx.example.com", status: StatusNotApplicable, summary: []string{"not in a cluster"},
			lines: []string{"Do you want to join or create a cluster?"}}}},
		{"clusterconfig not collected", &facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Hostname: "mx.example.com"}}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `clusterconfig` on mx.example.com"}}}},
		{"no members listed", &facts.Site{ESAs: []*facts.Appliance{member("esa1.example.com", clusterOf("PVOCluster"))}}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"lists no machines", "run `clusterconfig` → LIST"}}}},
		{"no ESA", &facts.Site{}, []want{{app: "ESA", status: StatusUnknown, summary: []string{"run `clusterconfig`"}}}},
		{"standalone and cluster side by side", &facts.Site{ESAs: []*facts.Appliance{standalone("solo.example.com"), equal1, equal2}}, []want{
			{app: "solo.example.com", status: StatusNotApplicable},
			{app: "cluster PVOCluster", status: StatusPass},
		}},
	})
}

func levels(s facts.Setting, line string, defs ...facts.LevelDefinition) *facts.SettingLevel {
	return &facts.SettingLevel{Setting: s, Definitions: defs, Evidence: ev(s.Command(), line)}
}

func TestSettingLevels(t *testing.T) {
	c := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com")
	atCluster := facts.LevelDefinition{Level: facts.LevelCluster, Name: "PVOCluster"}
	clusterOnly := func() map[facts.Setting]*facts.SettingLevel {
		m := map[facts.Setting]*facts.SettingLevel{}
		for _, s := range facts.ClusterSettings {
			m[s] = levels(s, "defined at Cluster PVOCluster", atCluster)
		}
		return m
	}
	good := member("esa1.example.com", c)
	good.SettingLevels = clusterOnly()
	bad := member("esa1.example.com", c)
	bad.SettingLevels = clusterOnly()
	bad.SettingLevels[facts.SettingDLP] = levels(facts.SettingDLP, "defined at Cluster PVOCluster; Machine esa2.example.com",
		atCluster, facts.LevelDefinition{Level: facts.LevelMachine, Name: "esa2.example.com"})
	// Another member read content filters at group level only.
	bad2 := member("esa2.example.com", c)
	bad2.SettingLevels = map[facts.Setting]*facts.SettingLevel{facts.SettingContentFilters: levels(facts.SettingContentFilters,
		"defined at Group Main_Group", facts.LevelDefinition{Level: facts.LevelGroup, Name: "Main_Group"})}
	missing := member("esa1.example.com", c)
	missing.SettingLevels = clusterOnly()
	delete(missing.SettingLevels, facts.SettingDMARC)
	delete(missing.SettingLevels, facts.SettingMessageFilters)
	// Measured: one setting proven at machine level and another not read
	// (its command failed) was unknown.
	machineAndUnread := member("esa1.example.com", c)
	machineAndUnread.SettingLevels = clusterOnly()
	machineAndUnread.SettingLevels[facts.SettingDLP] = bad.SettingLevels[facts.SettingDLP]
	delete(machineAndUnread.SettingLevels, facts.SettingDMARC)
	machineAndUnread.Errors = []facts.CollectError{{Step: "dmarcconfig", Message: "timed out waiting for the prompt"}}
	odd := member("esa1.example.com", c)
	odd.SettingLevels = clusterOnly()
	odd.SettingLevels[facts.SettingDMARC] = levels(facts.SettingDMARC, "defined at Planet X", facts.LevelDefinition{Level: "planet", Name: "X"})

	runCases(t, settingLevels(), []ruleCase{
		{"all at cluster level", &facts.Site{ESAs: []*facts.Appliance{good}}, []want{{
			app: "cluster PVOCluster", status: StatusPass, summary: []string{"cluster level only"},
			lines: []string{"defined at Cluster PVOCluster"}}}},
		{"DLP at machine level, content filters at group level", &facts.Site{ESAs: []*facts.Appliance{bad, bad2}}, []want{{
			app: "cluster PVOCluster", status: StatusFail,
			summary: []string{"content filters at group level (Main_Group)", "DLP at machine level (esa2.example.com)"},
			lines:   []string{"defined at Cluster PVOCluster; Machine esa2.example.com", "defined at Group Main_Group"},
			fix:     "manual"}}},
		{"two settings not read", &facts.Site{ESAs: []*facts.Appliance{missing}}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"message filters, DMARC were not read", "run `filters`, `dmarcconfig` in every cluster mode (clustermode cluster, each group, each machine) on esa1.example.com"}}}},
		{"machine level proven, DMARC not read", &facts.Site{ESAs: []*facts.Appliance{machineAndUnread}}, []want{{
			app: "cluster PVOCluster", status: StatusFail,
			summary: []string{"DLP at machine level (esa2.example.com)", "Not yet known: `dmarcconfig` could not be read on esa1.example.com", "timed out"},
			lines:   []string{"timed out waiting for the prompt"}, fix: "manual"}}},
		{"unrecognised level", &facts.Site{ESAs: []*facts.Appliance{odd}}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"does not recognise", "DMARC at planet level"}}}},
		{"standalone", &facts.Site{ESAs: []*facts.Appliance{standalone("mx.example.com")}}, []want{{
			app: "mx.example.com", status: StatusNotApplicable}}},
		{"clusterconfig failed", &facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Hostname: "mx.example.com",
			Errors: []facts.CollectError{{Step: "clusterconfig", Message: "command restricted"}}}}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"command restricted", "run `clusterconfig`"}, lines: []string{"command restricted"}}}},
	})
}
