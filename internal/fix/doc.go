// Package fix turns failing findings into repairs and applies them over a
// live AsyncOS CLI: plan, show, apply, commit. The plan lists every command,
// every question it expects and the answer it will type, the cluster level
// each setting is changed at, and the commit comment, so a person can read
// exactly what will happen before anything changes.
//
// Each action pvo-doctor applies is defined once, as a Definition: the
// appliance it runs on, the setting whose cluster level decides where, its
// dialog and verification, its typed Params, and its words. The rules'
// fix steps, the plan and the help texts are all rendered from it: `resume`
// on the SMA, `deliveryconfig` Auto (by label), `sslconfig` OUTBOUND
// ciphers, and `resumetransfers`, applied only when its rule is named.
// Everything else stays a manual step of the report. The fixes for one
// appliance are all or nothing: they share one login and one commit, and
// any surprise ends them with `clearchanges`. A commit whose reply is lost
// is never guessed at: Apply establishes it, in the same session or a new
// one the driver opens, from showchanges and the setting read back, and
// reports it committed, not committed or uncertain.
//
// fix plans from facts alone (the levels the collection read, the machine
// the driver resolved), so a saved session gets the same plan as a live
// check. It knows nothing of SSH, the prompt layer or the rules: it drives
// a Runner, which the driver adapts from a session, and imports facts only.
package fix
