package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// ruleIDs completes a rule ID (rules ID, --fix-rule).
func ruleIDs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID+"\t"+r.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// scenarioNames completes --scenario: the built-in names, or a YAML file.
func scenarioNames(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	names := sim.Scenarios()
	if toComplete != "" && (toComplete[0] == '.' || toComplete[0] == '/') {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// markDeprecated hides flag name and warns, on stderr, when it is used.
// (cobra's own MarkDeprecated prints to the command's output, which is
// stdout here, where it would corrupt a JSON report.)
func markDeprecated(cmd *cobra.Command, name, msg string) {
	fl := cmd.Flags().Lookup(name)
	fl.Value = &warnOnSet{Value: fl.Value, warn: func() {
		fmt.Fprintf(cmd.ErrOrStderr(), "pvo-doctor: --%s is deprecated: %s\n", name, msg)
	}}
	fl.Hidden = true
}

// warnOnSet is a flag value that warns each time it is set.
type warnOnSet struct {
	pflag.Value
	warn func()
}

func (w *warnOnSet) Set(s string) error {
	w.warn()
	return w.Value.Set(s)
}

// onceString is a string flag that may be given once: a second value is a
// usage error rather than silently replacing the first.
type onceString struct {
	v   *string
	set bool
}

func (o *onceString) String() string {
	if o.v == nil {
		return ""
	}
	return *o.v
}

func (o *onceString) Set(s string) error {
	if o.set && s != *o.v {
		return fmt.Errorf("given twice (%q and %q); name one", *o.v, s)
	}
	*o.v, o.set = s, true
	return nil
}

func (o *onceString) Type() string { return "string" }

// stringOnceVar defines a string flag that may be given only once.
func stringOnceVar(f *pflag.FlagSet, v *string, name, usage string) {
	f.Var(&onceString{v: v}, name, usage)
}
