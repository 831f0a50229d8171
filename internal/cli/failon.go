package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// addFailOnFlag registers --fail-on on a command that diagnoses (check,
// analyze); dst receives the flag's text, read by parseFailOn.
func addFailOnFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "fail-on", "", "exit 1 only for failures of this `SEVERITY` or worse: critical, high, medium, low or info (default any)")
}

// parseFailOn reads --fail-on; "" means any failing severity.
func parseFailOn(s string) (rules.Severity, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return rules.SeverityInfo, nil
	}
	names := make([]string, 0, len(rules.Severities))
	for _, sev := range rules.Severities {
		if string(sev) == s {
			return sev, nil
		}
		names = append(names, string(sev))
	}
	return "", usageError("--fail-on: %q is not a severity (%s)", s, strings.Join(names, ", "))
}
