package inventory

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// ParseSpec reads an appliance as --esa and --sma take it:
// [USER@]HOST[:PORT] (or [v6]:PORT). A port not given is 0.
func ParseSpec(spec string) (Appliance, error) {
	if strings.HasPrefix(spec, "ssh://") || strings.Contains(spec, ",") {
		return Appliance{}, fmt.Errorf("%q: want [USER@]HOST[:PORT]", spec)
	}
	q, err := sshconfig.ParseJump(spec)
	if err != nil {
		return Appliance{}, err
	}
	if strings.ContainsAny(q.Host, " \t/@") {
		return Appliance{}, fmt.Errorf("%q: bad host", spec)
	}
	return Appliance{Host: q.Host, Port: q.Port, User: q.User}, nil
}

// Flags are what the command line says about appliances. Empty fields were
// not given.
type Flags struct {
	ESAs        []string // --esa, as given
	SMA         string   // --sma
	User        string   // --user, only when set explicitly
	PasswordEnv string   // --password-env, only when set explicitly
	Jump        string   // a jump host flag, in ProxyJump syntax
}

// Merge returns the appliances to check: the site's (site may be nil) and
// the command line's, ESAs first in the inventory's order, then the SMA.
// An appliance named in both is merged; two values for one setting, two
// SMAs, or one appliance as both ESA and SMA is an error saying where each
// came from. The flags' user, password variable and jump host fill what
// an appliance does not set itself.
func Merge(site *Site, f Flags) ([]Appliance, error) {
	var out []Appliance
	index := map[string]int{}
	put := func(a Appliance) error {
		i, ok := index[a.Key()]
		if !ok {
			index[a.Key()] = len(out)
			out = append(out, a)
			return nil
		}
		merged, err := mergeOne(out[i], a)
		if err != nil {
			return err
		}
		out[i] = merged
		return nil
	}
	if site != nil {
		for _, a := range site.ESAs {
			if err := put(a); err != nil {
				return nil, err
			}
		}
	}
	for _, spec := range f.ESAs {
		a, err := ParseSpec(spec)
		if err != nil {
			return nil, fmt.Errorf("--esa %w", err)
		}
		a.Role, a.At = "esa", "--esa "+spec
		if err := put(a); err != nil {
			return nil, err
		}
	}
	var sma *Appliance
	if site != nil && site.SMA != nil {
		s := *site.SMA
		sma = &s
	}
	if f.SMA != "" {
		a, err := ParseSpec(f.SMA)
		if err != nil {
			return nil, fmt.Errorf("--sma %w", err)
		}
		a.Role, a.At = "sma", "--sma "+f.SMA
		switch {
		case sma == nil:
			sma = &a
		case sma.Key() != a.Key():
			return nil, fmt.Errorf("two SMAs: %s and %s (site %s at %s); a site has one SMA, drop one", a.At, sma.Spec(), site.Name, sma.At)
		default:
			m, err := mergeOne(*sma, a)
			if err != nil {
				return nil, err
			}
			sma = &m
		}
	}
	if sma != nil {
		if err := put(*sma); err != nil {
			return nil, err
		}
	}
	for i := range out {
		out[i].fill(defaults{user: f.User, passwordEnv: f.PasswordEnv, jump: f.Jump})
	}
	return out, nil
}

// mergeOne joins two mentions of one appliance.
func mergeOne(a, b Appliance) (Appliance, error) {
	if a.Role != b.Role {
		return a, fmt.Errorf("%s is named as %s (%s) and as %s (%s)", a.Key(), strings.ToUpper(a.Role), a.At, strings.ToUpper(b.Role), b.At)
	}
	for _, f := range []struct {
		name string
		x, y *string
	}{
		{"user", &a.User, &b.User}, {"password_env", &a.PasswordEnv, &b.PasswordEnv},
		{"jump", &a.Jump, &b.Jump}, {"cluster", &a.Cluster, &b.Cluster},
	} {
		switch {
		case *f.y == "" || *f.x == *f.y:
		case *f.x == "":
			*f.x = *f.y
		default:
			return a, fmt.Errorf("%s: %s %q (%s) conflicts with %q (%s)", a.Key(), f.name, *f.x, a.At, *f.y, b.At)
		}
	}
	if a.Port == 0 {
		a.Port = b.Port
	}
	return a, nil
}
