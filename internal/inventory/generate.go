package inventory

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// GenerateOptions say what Generate writes; with no appliance it writes a
// commented example with placeholder names.
type GenerateOptions struct {
	Site        string   // "" = "main"
	SMA         string   // --sma spec
	ESAs        []string // --esa specs
	User        string   // the site's default user
	PasswordEnv string   // the site's password variable
	Jump        string   // the site's jump host
}

// Generate writes an inventory for `pvo-doctor inventory init`: the given
// appliances, or an example, with comments on every key. What it writes
// parses back to the same appliances.
func Generate(w io.Writer, o GenerateOptions) error {
	if o.Site == "" {
		o.Site = "main"
	}
	sma, esas := o.SMA, o.ESAs
	example := sma == "" && len(esas) == 0
	if example {
		sma, esas = "sma.example.com", []string{"mx1.example.com", "admin@mx2.example.com:2222"}
	}
	var apps []Appliance
	for _, s := range append(append([]string{}, esas...), sma) {
		if s == "" {
			continue
		}
		a, err := ParseSpec(s)
		if err != nil {
			return fmt.Errorf("generate inventory: %w", err)
		}
		apps = append(apps, a)
	}
	if o.Jump != "" {
		if err := checkJump(o.Jump); err != nil {
			return fmt.Errorf("generate inventory: jump: %w", err)
		}
	}
	if o.PasswordEnv != "" && !envName.MatchString(o.PasswordEnv) {
		return fmt.Errorf("generate inventory: password_env %q is not a variable name", o.PasswordEnv)
	}

	var b strings.Builder
	b.WriteString("# pvo-doctor site inventory: pvo-doctor check --inventory FILE [--site NAME]\n")
	b.WriteString("# Hosts may be addresses or ~/.ssh/config aliases. Settings at the site or\n")
	b.WriteString("# cluster level apply to its appliances unless one sets its own.\n")
	b.WriteString("sites:\n")
	fmt.Fprintf(&b, "  %s:\n", quote(o.Site))
	setting := func(indent, key, v, comment string) {
		if v != "" {
			fmt.Fprintf(&b, "%s%s: %s\n", indent, key, quote(v))
		} else if example {
			fmt.Fprintf(&b, "%s# %s: %s\n", indent, key, comment)
		}
	}
	setting("    ", "user", o.User, "admin              # the account to log in as (an Administrator)")
	setting("    ", "password_env", o.PasswordEnv, "PVO_DOCTOR_PASSWORD  # the variable holding the password")
	setting("    ", "jump", o.Jump, "ops@bastion.example.com  # ProxyJump syntax; comma-separated hops")
	if sma != "" {
		a := apps[len(apps)-1]
		b.WriteString("    sma:\n")
		writeAppliance(&b, "      ", a)
		apps = apps[:len(apps)-1]
	}
	if len(apps) > 0 {
		b.WriteString("    esas:\n")
		for _, a := range apps {
			writeAppliance(&b, "      - ", a)
		}
	}
	if example {
		b.WriteString("    # clusters:                  # ESAs in one AsyncOS cluster\n")
		b.WriteString("    #   - name: east\n")
		b.WriteString("    #     members:\n")
		b.WriteString("    #       - esa3.example.com\n")
		b.WriteString("    #       - host: esa4.example.com\n")
		b.WriteString("    #         password_env: ESA4_PASSWORD\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeAppliance(b *strings.Builder, first string, a Appliance) {
	rest := strings.Repeat(" ", len(first))
	fmt.Fprintf(b, "%shost: %s\n", first, quote(a.Host))
	if a.Port != 0 {
		fmt.Fprintf(b, "%sport: %s\n", rest, strconv.Itoa(a.Port))
	}
	if a.User != "" {
		fmt.Fprintf(b, "%suser: %s\n", rest, quote(a.User))
	}
}

// quote writes a YAML scalar that reads back as s.
func quote(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
