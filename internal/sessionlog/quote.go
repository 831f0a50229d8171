package sessionlog

// A session forwarded by email arrives quoted: every line starts with "> "
// (">> " or "> > " in a reply to a reply), a blank line is a bare ">".
// The survey decides whether a file is quoted as a whole; the splitter then
// reads what is inside the quotes.

// cutQuote removes an email quote marker from the start of l: one or more
// '>', each perhaps followed by one blank before the next, then one blank
// (a space, or a no-break space where the text went through HTML). quoted
// is false when l has no marker. Depths may differ from line to line: all
// levels go.
func cutQuote(l string) (rest string, quoted bool) {
	if l == "" || l[0] != '>' {
		return l, false
	}
	i := 0
	for i < len(l) && l[i] == '>' {
		i++
		if n := quoteBlank(l[i:]); n > 0 && i+n < len(l) && l[i+n] == '>' {
			i += n
		}
	}
	return l[i+quoteBlank(l[i:]):], true
}

func quoteBlank(s string) int {
	switch {
	case s != "" && s[0] == ' ':
		return 1
	case len(s) >= 2 && s[0] == 0xc2 && s[1] == 0xa0:
		return 2
	}
	return 0
}

// quotedPrompt says whether raw is a quoted line that holds a prompt and a
// command, after a time stamp if it has one. Only lines that start with '>' are looked at, so a plain log
// pays one byte per line.
func quotedPrompt(raw string, m *meter) bool {
	if raw == "" || raw[0] != '>' {
		return false
	}
	rest, _ := cutQuote(raw)
	// The file's stamp style is learnt from inside the quotes, after
	// this: any style will do here.
	for style := range stampStyles {
		if l, _, ok := cutStamp(style, rest); ok {
			m.add(len(rest))
			rest = l
			break
		}
	}
	return isCommandLine(rest, m)
}

// isCommandLine is the splitter's test for a prompt with a command on a
// line as the file holds it, cleaned.
func isCommandLine(raw string, m *meter) bool {
	_, l, keep := cleanLine(nil, raw, m)
	if !keep {
		return false
	}
	m.add(len(l))
	p, ok := parsePrompt(l)
	return ok && p.command != ""
}
