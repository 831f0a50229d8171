package sessionlog

import (
	"io"
	"strings"
)

// Outputs reads, one cleaned line at a time and in order, a text that
// holds no prompt, and says where known commands' outputs lie in it: the
// command whose output line starts (start), or, when it starts none,
// whether line still belongs to the output open before it (in). A line
// that starts none and is not in ends the open output; the lines after it
// belong to none until the next start. Blank lines are passed too. Its
// knowledge of output shapes is the caller's (asyncos): this package
// knows prompts, not commands.
type Outputs func(line string) (start string, in bool)

// SplitPasted is Split for a file that may hold outputs pasted without
// their prompts ("here is sslconfig:" and the block). A file with any
// prompt is split exactly as Split splits it and outputs is not called.
// A file with none is cut where the Outputs that newOutputs returns says
// outputs start and end; the quote markers of a forwarded mail are tried
// when the plain text shows none. Such Commands have Pasted set, no
// Prompt, Host or Args, Line the input line of their first output line,
// and Incomplete "": nothing in a paste shows where an output ends, so
// whether one is whole is for its parser to judge. Lines no output claims
// (greetings, "here is the output of …", signatures) are skipped, not
// reported: they are the customer's prose. A text in which no output is
// recognised is ErrNoPrompt, as for Split.
func SplitPasted(r io.Reader, newOutputs func() Outputs) ([]Command, error) {
	s, err := readAllString(r, MaxSessionBytes)
	if err != nil {
		return nil, err
	}
	return splitPastedString(s, newOutputs, nil)
}

func splitPastedString(s string, newOutputs func() Outputs, m *meter) ([]Command, error) {
	if len(s) > MaxSessionBytes {
		return nil, tooLarge(MaxSessionBytes)
	}
	s, err := decodeString(s)
	if err != nil {
		return nil, err
	}
	cmds, err := splitMetered(s, m)
	if err != ErrNoPrompt || newOutputs == nil {
		return cmds, err
	}
	// What an HTML export shows is tried first: its markup is on the
	// lines, and no prompt decided, as it does for Split, that it is HTML.
	if sample := s[:min(len(s), htmlSample)]; hasMarkup(sample, m) || hasEntity(sample, m) {
		text, lineOf := decodeHTML(s, m)
		if cmds, err = cutOutputsOf(text, lineOf, newOutputs, m); err != ErrNoPrompt {
			return cmds, err
		}
	}
	return cutOutputsOf(s, nil, newOutputs, m)
}

// cutOutputsOf cuts s as its shape says, and, with no prompt to tell a
// forwarded mail by, inside quote markers when the plain text shows no
// output.
func cutOutputsOf(s string, lineOf []int32, newOutputs func() Outputs, m *meter) ([]Command, error) {
	sh, err := survey(s, m)
	if err != nil {
		return nil, err
	}
	cmds, err := cutOutputs(s, lineOf, sh, newOutputs(), m)
	if err != ErrNoPrompt || sh.quoted || !(strings.HasPrefix(s, ">") || strings.Contains(s, "\n>")) {
		return cmds, err
	}
	sh.quoted = true
	return cutOutputs(s, lineOf, sh, newOutputs(), m)
}

// cutOutputs is splitMetered's stream with outputs in place of prompts.
func cutOutputs(s string, lineOf []int32, sh shape, outputs Outputs, m *meter) ([]Command, error) {
	b := builder{src: s, m: m, outputs: outputs}
	a := assembler{shape: sh, emit: b.line, m: m, fenceBreaks: true}
	feed(s, lineOf, sh, &a, &b, m, true)
	return b.result("")
}

// pastedLine files one line of a promptless text: it starts an output,
// continues the open one, or belongs to none. It reports whether the line
// goes on into the open output as a prompted session's output line would.
func (b *builder) pastedLine(l logical) bool {
	b.m.add(2 * len(l.text)) // what Outputs may look at: a bounded prefix and the ends
	start, in := b.outputs(l.text)
	switch {
	case start != "":
		b.finish("")
		b.begin(Command{Line: l.num, Name: strings.ToLower(start), Time: l.time, Pasted: true})
		b.echoDenied = true // no command was typed, so none was echoed
		return true
	case in && b.cur != nil:
		return true
	}
	b.finish("")
	return false
}
