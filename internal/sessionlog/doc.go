// Package sessionlog splits a saved AsyncOS CLI session (a terminal logger's
// file or text pasted from a ticket or a tech note) into the commands that
// were typed and the output each one produced, so that offline analysis can
// feed the same parsers as a live SSH session.
package sessionlog
