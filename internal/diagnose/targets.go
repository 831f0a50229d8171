package diagnose

import (
	"slices"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/inventory"
	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// Named is what the user named for a live check: the --esa/--sma specs,
// an inventory's site, and how to read ssh_config. The *Set fields say
// whether a flag was given, since only given flags override an inventory
// or ssh_config.
type Named struct {
	ESAs []string
	SMAs []string
	Jump string

	User           string
	UserSet        bool
	PasswordEnv    string
	PasswordEnvSet bool

	Inventory string
	Site      string

	SSHConfig   string // -F FILE
	NoSSHConfig bool
}

// ResolveTargets resolves every appliance once, before anything is dialled:
// the inventory's site and the flags merged (the same appliance named
// twice is checked once; a conflict is an error saying where each came
// from), then each through ssh_config. Every error is a usage error.
func ResolveTargets(t Named) ([]Identity, error) {
	if len(t.SMAs) > 1 {
		return nil, usagef("--sma is given %d times (%s); a site has one SMA", len(t.SMAs), strings.Join(t.SMAs, ", "))
	}
	var site *inventory.Site
	if t.Inventory != "" {
		inv, err := inventory.Load(t.Inventory)
		if err != nil {
			return nil, usagef("--inventory: %w", err)
		}
		if site, err = inv.Site(t.Site); err != nil {
			return nil, usagef("--site: %w", err)
		}
	} else if t.Site != "" {
		return nil, usagef("--site needs --inventory")
	}
	flags := inventory.Flags{ESAs: t.ESAs, Jump: t.Jump}
	if len(t.SMAs) == 1 {
		flags.SMA = t.SMAs[0]
	}
	if t.UserSet {
		flags.User = t.User
	}
	if t.PasswordEnvSet {
		flags.PasswordEnv = t.PasswordEnv
	}
	apps, err := inventory.Merge(site, flags)
	if err != nil {
		return nil, usagef("%w", err)
	}
	if len(apps) == 0 {
		return nil, usagef("name the appliances with --esa and --sma, or --inventory")
	}
	cfg, err := sshconfig.Load(sshconfig.Options{File: t.SSHConfig, Disabled: t.NoSSHConfig, HideEnv: appPasswordEnvs(t.PasswordEnv, apps)})
	if err != nil {
		return nil, usagef("%w%s", err, t.sshConfigHint())
	}
	user := t.User
	if user == "" {
		user = "admin"
	}
	var ids []Identity
	for _, a := range apps {
		h, err := cfg.Resolve(sshconfig.Query{Host: a.Host, User: a.User, Port: a.Port, Jump: a.Jump, DefaultUser: user})
		if err != nil {
			return nil, usagef("%s: %w%s", a.At, err, t.sshConfigHint())
		}
		role := facts.RoleESA
		if a.Role == "sma" {
			role = facts.RoleSMA
		}
		ids = append(ids, ResolvedTarget(role, a.Spec(), h, a.PasswordEnv))
	}
	return ids, nil
}

// passwordEnvs are the run's password variables, each once: the commands
// ssh_config runs (Match exec, ProxyCommand) must not inherit them; ssh(1)
// has no such variables to hand on.
func passwordEnvs(names ...string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return slices.DeleteFunc(slices.Compact(out), func(s string) bool { return s == "" })
}

// appPasswordEnvs is PasswordEnvs before the appliances are resolved.
func appPasswordEnvs(run string, apps []inventory.Appliance) []string {
	names := []string{run}
	for _, a := range apps {
		names = append(names, a.PasswordEnv)
	}
	return passwordEnvs(names...)
}

// PasswordEnvs are the password variables of resolved appliances and the
// run's own, for session.Options.HideEnv.
func PasswordEnvs(run string, ids []Identity) []string {
	names := []string{run}
	for _, id := range ids {
		names = append(names, id.PasswordEnv)
	}
	return passwordEnvs(names...)
}

// sshConfigHint is the way around an ssh_config file pvo-doctor cannot use.
func (t Named) sshConfigHint() string {
	if t.SSHConfig != "" {
		return ""
	}
	return " (read no ssh_config with --no-ssh-config, or another with -F FILE)"
}
