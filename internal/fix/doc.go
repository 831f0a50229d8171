// Package fix turns failing findings into repairs and applies them over a
// live AsyncOS CLI: plan, show, apply, commit. The plan lists every command,
// every question it expects and the answer it will type, the cluster level
// each setting is changed at, and the commit comment, so a person can read
// exactly what will happen before anything changes.
//
// Only findings whose Fix carries a known Action are applied: PVO-001
// `resume` on the SMA, PVO-003 `deliveryconfig` (Auto, by label) and PVO-004
// `sslconfig` OUTBOUND ciphers. Everything else stays a manual step of the
// report. The fixes for one appliance are all or nothing: they share one
// login and one commit, and any surprise ends them with `clearchanges`.
//
// fix knows nothing of SSH or the prompt layer: it drives a Runner, which
// the cli adapts from a channel, and reads rules and facts only.
package fix
