// Package sessionlog splits a saved AsyncOS CLI session (a terminal logger's
// file or text pasted from a ticket or a tech note) into the commands that
// were typed and the output each one produced, so that offline analysis can
// feed the same parsers as a live SSH session; Group splits a file holding
// several logins into per-appliance sessions. SplitPasted also reads a
// file of outputs pasted without their prompts, cut where the caller's
// knowledge of output shapes (asyncos) says each starts and ends.
//
// It reads what customers' tools save: CR LF, lone CR and mixed line ends,
// ANSI colour and cursor codes, backspaces, pager residue (also glued to
// data), tabs, a UTF-8 byte order mark, UTF-16 with or without one, time
// stamps that loggers put before every line, lines a copy wrapped at the
// terminal's width, Markdown fences and hard breaks, prompts and commands
// echoed twice; and what tickets make of a session: quoted by a mail reply
// ("> ", mixed depths), copied with Unicode blanks, zero-width characters
// and typographic quotes, saved as HTML (entities, <pre>, <br>, <p>). Line
// numbers are always the input file's lines.
//
// Bounds: the cleaner and the splitter are linear in their input (the
// benchmarks hold adversarial inputs, the fuzz targets a work budget). A
// session file may have at most MaxSessionBytes (16 MB), lines of at most
// MaxLineBytes (1 MB) and at most MaxCommands (50 000) commands; beyond
// that it is refused with one line saying which cap. Peak memory is the
// input once plus its commands (at most about 12 MB for 50 000), plus
// transient garbage. Inputs that are not regular files are read under
// ReadTimeout per read; see OpenInput.
package sessionlog
