package sessionlog

import "strings"

// pagerText is what AsyncOS prints when a PTY page is full. Loggers keep it,
// sometimes glued to the next line of real output.
const pagerText = "press any key for more"

// Clean removes terminal artefacts from captured CLI output: CR line endings,
// carriage-return overwrites, ANSI escape sequences, backspaces (each one
// deletes the character before it, which also undoes the "\b \b" erase
// idiom), other control characters and the pager prompt. Lines that held
// only the pager prompt disappear. Clean is idempotent.
func Clean(s string) string {
	if !needsCleaning(s) {
		return s
	}
	raw := strings.Split(s, "\n")
	out := make([]string, 0, len(raw))
	for _, l := range raw {
		if c, keep := cleanLine(l); keep {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// needsCleaning is the fast path for text that is already clean.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return true
		}
	}
	return containsFold(s, pagerText)
}

// cleanLine cleans one line (without its "\n"). keep is false when the line
// held nothing but pager residue.
func cleanLine(l string) (string, bool) {
	hadPager := false
	if needsCleaning(l) {
		l = emulate(l)
		for {
			i := indexFold(l, pagerText)
			if i < 0 {
				break
			}
			hadPager = true
			start, end := i, i+len(pagerText)
			for start > 0 && l[start-1] == '-' {
				start--
			}
			for end < len(l) && l[end] == '-' {
				end++
			}
			l = l[:start] + l[end:]
		}
	}
	if hadPager && strings.TrimSpace(l) == "" {
		return "", false
	}
	return l, true
}

// emulate replays a line the way a terminal would have left it: ANSI
// sequences and control characters vanish, a backspace deletes, and a lone
// carriage return moves back to column 0 so later text overwrites earlier.
func emulate(l string) string {
	buf := make([]byte, 0, len(l))
	col := 0
	overwrote := false
	put := func(c byte) {
		if col < len(buf) {
			buf[col] = c
		} else {
			buf = append(buf, c)
		}
		col++
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == 0x1b:
			i = skipEscape(l, i)
		case c == '\r':
			if i+1 < len(l) || overwrote {
				col = 0
				overwrote = true
			}
		case c == '\b' || c == 0x7f:
			if col > 0 {
				// Delete the character before the cursor, like a line editor.
				copy(buf[col-1:], buf[col:])
				buf = buf[:len(buf)-1]
				col--
			}
		case c < 0x20 && c != '\t':
			// BEL, NUL and friends carry nothing.
		default:
			put(c)
		}
	}
	out := string(buf)
	if overwrote {
		// Overwriting with blanks is how a pager prompt is erased; the
		// blanks are not output.
		out = strings.TrimRight(out, " ")
	}
	return out
}

// skipEscape returns the index of the last byte of the escape sequence that
// starts at l[i] (an ESC).
func skipEscape(l string, i int) int {
	if i+1 >= len(l) {
		return i
	}
	switch l[i+1] {
	case '[': // CSI: parameters, then one final byte in 0x40..0x7e
		j := i + 2
		for j < len(l) && (l[j] < 0x40 || l[j] > 0x7e) {
			j++
		}
		if j >= len(l) {
			return len(l) - 1
		}
		return j
	case ']': // OSC: ends with BEL or ESC \
		for j := i + 2; j < len(l); j++ {
			if l[j] == 0x07 {
				return j
			}
			if l[j] == 0x1b && j+1 < len(l) && l[j+1] == '\\' {
				return j + 1
			}
		}
		return len(l) - 1
	case '(', ')', '#', '%': // charset selection and friends take one more byte
		if i+2 < len(l) {
			return i + 2
		}
		return len(l) - 1
	default:
		return i + 1
	}
}

func containsFold(s, lowerSub string) bool { return indexFold(s, lowerSub) >= 0 }

// indexFold finds an ASCII lower-case needle in s, ignoring case, without
// allocating a lower-cased copy of s.
func indexFold(s, lowerSub string) int {
	n := len(lowerSub)
	for i := 0; i+n <= len(s); i++ {
		match := true
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerSub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
