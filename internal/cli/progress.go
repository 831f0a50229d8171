package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// newProgress shows each appliance's current step on stderr, only on a
// terminal, one line rewritten in place; nil when nothing is shown.
func newProgress(opts *CheckOptions) func(diagnose.Event) {
	out := opts.progressTo
	if out == nil && opts.IO.IsStderrTTY() {
		w := opts.IO.ErrOut
		out = func(s string) { fmt.Fprint(w, s) }
	}
	if out == nil {
		return nil
	}
	var mu sync.Mutex
	start := time.Now()
	return func(e diagnose.Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Done {
			out("\r\033[K")
			return
		}
		out(fmt.Sprintf("\r\033[K%6.1fs  %s: %s", time.Since(start).Seconds(), e.Appliance, e.Step))
	}
}

// printSessionErrors prints, one line each, the errors that lost a whole
// appliance: every rule of that appliance turns unknown because of them.
func printSessionErrors(ios *IOStreams, site *facts.Site) {
	apps := append([]*facts.Appliance{}, site.ESAs...)
	if site.SMA != nil {
		apps = append(apps, site.SMA)
	}
	for _, a := range apps {
		for _, e := range a.Errors {
			if diagnose.LostAppliance(e.Step) {
				fmt.Fprintf(ios.ErrOut, "pvo-doctor: %s %s: %s: %s\n", a.Role, a.Address, e.Step, e.Message)
			}
		}
	}
}
