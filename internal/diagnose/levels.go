package diagnose

import (
	"context"
	"fmt"
	"slices"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// readDialog runs a command whose read needs answers (a clusterable
// command's NOTICE, dqconfig's offer): asyncos.ReadDialog's steps, then
// out of the command's menu, then back to the mode it started in, since
// "Switch modes" at a NOTICE moves the CLI to the mode holding the
// settings.
func (c *collector) readDialog(ctx context.Context, command string) (string, bool) {
	mode := asyncos.ModeOf(c.prompt())
	out, ok := c.step(ctx, command, func(ctx context.Context) (string, error) {
		out, err := c.s.Dialog(ctx, command, asyncos.ReadDialog(command)...)
		if err == nil {
			err = c.s.BackOut(ctx)
		}
		return out, err
	})
	if ok && mode != "" && asyncos.ModeOf(c.prompt()) != mode {
		c.setMode(ctx, mode)
	}
	return out, ok
}

// levelModes orders every mode of the cluster for the level reads: the
// cluster, its groups, the other machines, and the session's own machine
// last, so that the last deliveryconfig, sslconfig and quarantineconfig
// of the session are its own machine's.
func levelModes(cl *facts.Cluster, me string) []string {
	modes := asyncos.ClusterModes(cl)
	if me != "" {
		own := "machine " + me
		if i := slices.Index(modes, own); i >= 0 {
			modes = append(append(modes[:i:i], modes[i+1:]...), own)
		}
	}
	return modes
}

// members reads, in every mode of the cluster, every clusterable command
// through the NOTICE flow (a NOTICE there means "not defined at this
// mode"; asyncos.ReadLevels turns the runs into levels), and in each
// machine mode that member's feature keys and interfaces.
func (c *collector) members(ctx context.Context, cl *facts.Cluster, me string) {
	for _, m := range levelModes(cl, me) {
		if asyncos.ModeOf(c.prompt()) != m && !c.setMode(ctx, m) {
			break
		}
		if _, ok := modeMachine(m); ok {
			c.run(ctx, "featurekey")
			c.run(ctx, "interfaceconfig")
		}
		for _, cmd := range asyncos.LevelCommands() {
			c.run(ctx, cmd)
		}
	}
}

func modeMachine(mode string) (string, bool) {
	const p = "machine "
	if len(mode) > len(p) && mode[:len(p)] == p {
		return mode[len(p):], true
	}
	return "", false
}

// readFixLevel reads, before a fix changes a setting, where it is defined
// as seen from this session's machine: its command through the NOTICE flow
// in the cluster, group and machine modes (all EffectiveMode needs), then
// back to the mode the session was in.
func readFixLevel(ctx context.Context, s Conn, command string, setting facts.Setting, cluster, machine, group string) (*facts.SettingLevel, error) {
	start := asyncos.ModeOf(s.Prompt())
	modes := []string{"cluster"}
	if group != "" {
		modes = append(modes, "group "+group)
	}
	if machine != "" {
		modes = append(modes, "machine "+machine)
	}
	var blocks []asyncos.LevelBlock
	for _, m := range modes {
		if asyncos.ModeOf(s.Prompt()) != m {
			if _, err := s.SetMode(ctx, m); err != nil {
				return nil, fmt.Errorf("clustermode %s: %w", m, err)
			}
		}
		out, err := s.Dialog(ctx, command, asyncos.ReadDialog(command)...)
		if err == nil {
			err = s.BackOut(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("%s in %s mode: %w", command, m, err)
		}
		blocks = append(blocks, asyncos.LevelBlock{Mode: m, Text: out})
	}
	if start != "" && asyncos.ModeOf(s.Prompt()) != start {
		if _, err := s.SetMode(ctx, start); err != nil {
			return nil, fmt.Errorf("clustermode %s: %w", start, err)
		}
	}
	sl, err := asyncos.ReadLevels(setting, cluster, blocks, modes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", fix.ErrNoLevel, err)
	}
	return sl, nil
}
