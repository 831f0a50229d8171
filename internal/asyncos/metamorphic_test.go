package asyncos

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// maxCuts bounds the cut points tried per log, so the whole test stays
// within seconds; every log is covered, long ones at evenly spread lines
// plus every line of their last block.
const maxCuts = 60

// TestTruncationNeverPasses is the metamorphic test of issue 14: over every
// session log, cutting the log at a line, or deleting one command block,
// never turns a rule's fail or unknown into a pass for the same appliance.
func TestTruncationNeverPasses(t *testing.T) {
	paths := sessionFiles(t)
	partners := pairLogs(paths)
	for _, path := range paths {
		name := filepath.Base(path)
		if isMailLog(name) || !strings.HasSuffix(name, ".log") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text, err := sessionlog.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			var partner *facts.Appliance
			if p := partners[path]; p != "" {
				partner = mustLoad(t, p)
			}
			base, pvoHost, ok := verdicts(name, text, partner, "")
			if !ok {
				t.Skipf("%s is not a session this role reads (it has its own golden error)", name)
			}
			lines := sessionlog.Lines(text)
			check := func(what, mutated string) {
				got, _, ok := verdicts(name, mutated, partner, pvoHost)
				if !ok {
					return // no session left: nothing can pass
				}
				for key, st := range got {
					if st != rules.StatusPass {
						continue
					}
					was, seen := base[key]
					if !seen {
						was = worstOf(base, key.id)
					}
					if was != rules.StatusFail && was != rules.StatusUnknown {
						continue
					}
					t.Errorf("%s: %s %s was %s, is pass", what, key.id, key.appliance, was)
				}
			}
			for _, k := range cutPoints(text, lines) {
				check(fmt.Sprintf("cut after line %d", k), strings.Join(lines[:k], ""))
			}
			cmds, err := sessionlog.SplitPasted(strings.NewReader(text), newPasteReader)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cmds {
				if repeated(cmds, i) {
					// Deleting a reading that a later or earlier one of the
					// same command supersedes shows the other reading,
					// which stands in that log: not a false pass.
					continue
				}
				end := len(lines)
				if i+1 < len(cmds) {
					end = cmds[i+1].Line - 1
				}
				mutated := strings.Join(lines[:c.Line-1], "") + strings.Join(lines[end:], "")
				check(fmt.Sprintf("block %q at line %d deleted", c.CommandLine(), c.Line), mutated)
			}
		})
	}
}

// cutPoints is every line for a short log; for a long one, evenly spread
// lines plus every line of the last command block.
func cutPoints(text string, lines []string) []int {
	n := len(lines)
	if n <= maxCuts {
		out := make([]int, 0, n)
		for k := 1; k < n; k++ {
			out = append(out, k)
		}
		return out
	}
	seen := map[int]bool{}
	var out []int
	add := func(k int) {
		if k >= 1 && k < n && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i := range maxCuts {
		add(1 + i*(n-1)/maxCuts)
	}
	if cmds, err := sessionlog.SplitPasted(strings.NewReader(text), newPasteReader); err == nil {
		for k := cmds[len(cmds)-1].Line; k < n; k++ {
			add(k)
		}
	}
	return out
}

type verdictKey struct{ id, appliance string }

// verdicts runs every rule on the site the log (and its partner, whole)
// makes. Appliances are keyed by their place in the site, since a cut may
// change how a finding names one.
// pvoHost, when not "", is where the ESAs reach the SMA, held the same for
// the whole log and its mutations: a cut that drops the SMA's session
// must not change what counts as a probe to it.
func verdicts(name, text string, partner *facts.Appliance, pvoHost string) (map[verdictKey]rules.Status, string, bool) {
	apps, err := loadAll(name, text)
	if err != nil {
		return nil, "", false
	}
	site := &facts.Site{PVOPort: facts.DefaultPVOPort}
	for _, a := range append(apps, partner) {
		switch {
		case a == nil:
		case a.Role == facts.RoleSMA && site.SMA == nil:
			site.SMA = a
		default:
			site.ESAs = append(site.ESAs, a)
		}
	}
	site.PVOHost = pvoHost
	if site.PVOHost == "" && site.SMA != nil {
		site.PVOHost = site.SMA.Hostname
	}
	slot := map[string]string{}
	if site.SMA != nil {
		slot[site.SMA.Name()] = "sma"
	}
	for i, e := range site.ESAs {
		slot[e.Name()] = fmt.Sprintf("esa%d", i)
	}
	out := map[verdictKey]rules.Status{}
	for _, f := range rules.Run(site).Findings {
		where, ok := slot[f.Appliance]
		if !ok {
			where = f.Appliance
		}
		out[verdictKey{f.ID, where}] = f.Status
	}
	return out, site.PVOHost, true
}

// loadAll reads a log as the golden test does: a ticket file by FromFile,
// each of its sessions an appliance; any other file as one appliance of
// the role its name says.
func loadAll(name, text string) ([]*facts.Appliance, error) {
	role := facts.Role("")
	switch {
	case isPasted(name):
		role = sessionRole(name)
	case !isTicket(name):
		app, err := FromSession(name, strings.NewReader(text), sessionRole(name))
		return []*facts.Appliance{app}, err
	}
	ss, err := FromFile(name, strings.NewReader(text), role)
	var apps []*facts.Appliance
	for _, s := range ss {
		apps = append(apps, s.Appliance)
	}
	return apps, err
}

// worstOf is the least favourable status the rule had anywhere, for a
// finding the whole log did not have under the same appliance.
func worstOf(base map[verdictKey]rules.Status, id string) rules.Status {
	worst := rules.Status("")
	for k, st := range base {
		if k.id != id {
			continue
		}
		switch {
		case st == rules.StatusFail:
			return st
		case st == rules.StatusUnknown:
			worst = st
		}
	}
	return worst
}

var pairRE = regexp.MustCompile(`^(pvo\d+-.+)-(esa|sma)\.log$`)

// pairLogs finds the ESA and SMA halves of one scenario (pvoNNN-x-esa.log
// and pvoNNN-x-sma.log): each is checked with the other beside it.
func pairLogs(paths []string) map[string]string {
	byPrefix := map[string][]string{}
	for _, p := range paths {
		if m := pairRE.FindStringSubmatch(filepath.Base(p)); m != nil {
			byPrefix[m[1]] = append(byPrefix[m[1]], p)
		}
	}
	out := map[string]string{}
	for _, ps := range byPrefix {
		if len(ps) == 2 {
			out[ps[0]], out[ps[1]] = ps[1], ps[0]
		}
	}
	return out
}

func mustLoad(t *testing.T, path string) *facts.Appliance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := FromSession(filepath.Base(path), f, sessionRole(filepath.Base(path)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// repeated tells whether another block runs the same command at the same
// prompt.
func repeated(cmds []sessionlog.Command, i int) bool {
	for j, c := range cmds {
		if j != i && c.Name == cmds[i].Name && c.Prompt == cmds[i].Prompt {
			return true
		}
	}
	return false
}
