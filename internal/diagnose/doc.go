// Package diagnose runs a site diagnosis: it resolves every appliance's
// identity once, runs the read-only collection plan on every appliance at
// once (bounded concurrency, the SMA waiting for the ESAs it reads services
// for), runs the rules, and with --fix plans from the facts, applies the
// fixes and checks again. Saved sessions enter the same pipeline at the
// transcript (Analyze), so live and offline diagnosis share every parser,
// rule and fix plan.
//
// The command line calls Check or Analyze and writes the report; this
// package reaches appliances only through internal/session and reads their
// output only through internal/asyncos.
package diagnose
