// Package channel is the prompt layer between the raw bytes of an AsyncOS
// PTY shell and the commands the asyncos package drives: it learns the main
// prompt at login, cleans what the terminal prints (CR, ANSI, backspaces,
// echo, the pager), recognises sub-prompts, yes/no questions and refusals,
// runs dialogs step by step, and records a redacted transcript.
//
// It answers only questions a dialog step names by their text. Any other
// question is left with Ctrl-C (a blank line only at an operations menu, N
// only to an offer to switch cluster mode) and reported quoting it: a
// read-only session never says yes by pressing Enter. At login it answers
// N to a password-expiry reminder and refuses a forced password change.
//
// It works over any io.Reader/io.Writer pair, so it is tested against an
// in-memory fake as well as the simulator over SSH. Every read waits for a
// pattern under a deadline; nothing here waits for time to pass.
package channel
