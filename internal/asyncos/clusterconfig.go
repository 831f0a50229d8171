package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	clusterNameRE    = regexp.MustCompile(`(?i)^cluster(?:\s*=\s*|\s+)(\S.*?)$`)
	clusterGroupRE   = regexp.MustCompile(`(?i)^group\s+(.+?):$`)
	clusterMachineRE = regexp.MustCompile(`(?i)^machine\s+(\S+)\s*(?:\(serial #:\s*([^)]*)\))?\s*(?::\s*(.*))?$`)
)

// ParseClusterConfig reads `clusterconfig`: standalone (it offers to create
// or join a cluster) or clustered, with the name, the groups and machines
// from LIST and the connection states from CONNSTATUS when those ran.
func ParseClusterConfig(text string) (*facts.Cluster, []facts.Warning, error) {
	const cmd = "clusterconfig"
	ls := outputLines(text)
	if isBlank(text) {
		return nil, nil, parseErr(cmd, 0, "", ErrNoOutput)
	}
	c := &facts.Cluster{Groups: []facts.ClusterGroup{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	group := -1
	clustered, standalone := false, false
	find := func(name string) *facts.ClusterMachine {
		for gi := range c.Groups {
			for mi := range c.Groups[gi].Machines {
				if strings.EqualFold(c.Groups[gi].Machines[mi].Name, name) {
					return &c.Groups[gi].Machines[mi]
				}
			}
		}
		return nil
	}
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case t == "":
		case strings.Contains(lt, "join or create a cluster") || strings.Contains(lt, "configure as standalone"):
			standalone = true
			addEvidence(&c.Evidence, t)
		case strings.Contains(lt, `restricted to "cluster" mode`) || strings.Contains(lt, "restricted to cluster mode"):
			// Only a cluster member can be in the wrong cluster mode.
			clustered = true
			addEvidence(&c.Evidence, t)
		case clusterGroupRE.MatchString(t):
			m := clusterGroupRE.FindStringSubmatch(t)
			group = -1
			for gi := range c.Groups {
				if c.Groups[gi].Name == m[1] {
					group = gi
				}
			}
			if group < 0 {
				c.Groups = append(c.Groups, facts.ClusterGroup{Name: m[1], Machines: []facts.ClusterMachine{}})
				group = len(c.Groups) - 1
			}
			clustered = true
			addEvidence(&c.Evidence, t)
		case clusterMachineRE.MatchString(t):
			m := clusterMachineRE.FindStringSubmatch(t)
			clustered = true
			addEvidence(&c.Evidence, t)
			if mc := find(m[1]); mc != nil {
				if m[3] != "" {
					mc.Connection = m[3]
				}
				if mc.Serial == "" {
					mc.Serial = m[2]
				}
				continue
			}
			if group < 0 {
				// CONNSTATUS without LIST: the group is not known.
				c.Groups = append(c.Groups, facts.ClusterGroup{Machines: []facts.ClusterMachine{}})
				group = len(c.Groups) - 1
			}
			c.Groups[group].Machines = append(c.Groups[group].Machines,
				facts.ClusterMachine{Name: m[1], Serial: strings.TrimSpace(m[2]), Connection: m[3]})
		case clusterNameRE.MatchString(t) && !strings.Contains(lt, "cluster group") && !isDialogNoise(t):
			c.Name = clusterNameRE.FindStringSubmatch(t)[1]
			clustered = true
			addEvidence(&c.Evidence, t)
		case isDialogNoise(t) || strings.Contains(lt, "command cancelled"):
			if strings.HasPrefix(lt, "choose the operation") {
				group = -1
			}
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	switch {
	case clustered:
		if standalone {
			return nil, warns, parseErr(cmd, 0, "", errors.New("output says both standalone and clustered"))
		}
	case standalone:
		c.Standalone = true
	default:
		if n, l, ok := refusal(ls); ok {
			return nil, warns, parseErr(cmd, n, l, ErrRefused)
		}
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	return c, warns, nil
}

// ModeChoice is one item of bare `clustermode`'s lists [C-IAF]: the first
// list offers the levels (an item naming only its level when there is more
// than one of it), the second the groups or machines.
type ModeChoice struct {
	Number string
	Level  facts.Level
	Name   string // "" when the item names only the level
}

// ClustermodeMenu is what bare `clustermode` asked.
type ClustermodeMenu struct {
	Levels []ModeChoice
	// Names is the "Choose the group to configure." or "Choose a machine."
	// list that follows a level with more than one mode; nil if none came.
	Names []ModeChoice
}

// ParseClustermodeMenu reads bare `clustermode`'s "Choose the
// configuration…" list and any list after it. ok is false when the text
// holds no such list. A driver picks items by level and name, never by
// number.
func ParseClustermodeMenu(text string) (*ClustermodeMenu, bool) {
	var menu *ClustermodeMenu
	var names bool
	var level facts.Level
	for _, l := range outputLines(text) {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		switch {
		case strings.HasPrefix(lt, "choose the configuration"):
			menu, names = &ClustermodeMenu{}, false
		case menu == nil:
		case strings.HasPrefix(lt, "choose the group"):
			names, level, menu.Names = true, facts.LevelGroup, []ModeChoice{}
		case strings.HasPrefix(lt, "choose a machine"), strings.HasPrefix(lt, "choose the machine"):
			names, level, menu.Names = true, facts.LevelMachine, []ModeChoice{}
		default:
			it, ok := parseListItem(t)
			if !ok {
				continue
			}
			num := strconv.Itoa(it.num)
			if names {
				menu.Names = append(menu.Names, ModeChoice{Number: num, Level: level, Name: it.text})
				continue
			}
			if d, ok := parseModeName(it.text); ok {
				menu.Levels = append(menu.Levels, ModeChoice{Number: num, Level: d.Level, Name: d.Name})
				continue
			}
			for _, lv := range []facts.Level{facts.LevelCluster, facts.LevelGroup, facts.LevelMachine} {
				if strings.Contains(strings.ToLower(it.text), string(lv)) {
					menu.Levels = append(menu.Levels, ModeChoice{Number: num, Level: lv})
					break
				}
			}
		}
	}
	return menu, menu != nil && len(menu.Levels) > 0
}
