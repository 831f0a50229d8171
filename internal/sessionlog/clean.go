package sessionlog

import (
	"strings"
	"unicode/utf8"
)

// pagerText is what AsyncOS prints when a PTY page is full. Loggers keep it,
// sometimes glued to the next line of real output.
const pagerText = "press any key for more"

// tabWidth is the terminal's tab stop. Tables whose blanks a mail client or
// an editor turned into tabs line up again at these stops.
const tabWidth = 8

// Clean removes terminal artefacts from captured CLI output: CR line endings,
// carriage-return overwrites, ANSI escape sequences, backspaces (each one
// deletes the character before it, which also undoes the "\b \b" erase
// idiom), other control characters and the pager prompt; a tab becomes
// blanks up to the next tab stop, at least two. A lone carriage return that starts a new line
// rather than redrawing the current one (a file with mixed CR and CRLF line
// ends) is a line break. Lines that held only the pager prompt disappear.
// What a copy out of a web page, a mail client or a chat puts in goes too
// (see copyArtefact): Unicode spaces become blanks, invisible characters
// vanish, typographic quotes become ASCII ones. AsyncOS prints none of
// them in its own text, so live output loses nothing, and a session read
// live and the same session copied through Outlook read alike.
// Clean is idempotent and linear in the length of s.
func Clean(s string) string { return cleanMetered(s, nil) }

func cleanMetered(s string, m *meter) string {
	m.add(len(s))
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	first := true
	var scratch []byte
	forEachRawLine(s, m, func(raw string, _ int) bool {
		var l string
		var keep bool
		scratch, l, keep = cleanLine(scratch, raw, m)
		if keep {
			if !first {
				b.WriteByte('\n')
			}
			b.WriteString(l)
			first = false
		}
		return true
	})
	return b.String()
}

// needsCleaning is the fast path for text that is already clean.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n') || c == 0x7f {
			return true
		}
		if c >= 0xc2 && mayStartArtefact(c) {
			if _, n := copyArtefact(s[i:]); n > 0 {
				return true
			}
		}
	}
	return containsFold(s, pagerText)
}

// mayStartArtefact says whether c is the first byte of a character
// copyArtefact replaces, so that other text skips decoding.
func mayStartArtefact(c byte) bool {
	return c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3 || c == 0xef
}

// copyArtefact reads the character at the start of s and, when it is one a
// copy put in place of what the appliance printed, returns its replacement
// and its length (else n is 0):
//   - Unicode space separators (category Zs: NO-BREAK SPACE, which Outlook,
//     web pages and Teams put for blanks, NARROW NO-BREAK SPACE, the
//     U+2000 block, IDEOGRAPHIC SPACE from CJK input methods) become one
//     blank each: AsyncOS's own blanks are ASCII, and one for one keeps
//     the columns of a table;
//   - zero-width characters (U+200B-U+200D, WORD JOINER, a BYTE ORDER MARK
//     inside the text, the direction marks U+200E/U+200F) and SOFT HYPHEN
//     vanish: they are invisible, so the sender never meant them;
//   - typographic quotes (U+2018/U+2019, U+201C/U+201D and the low ones
//     U+201A/U+201E) become ASCII quotes: AsyncOS prints only those, and
//     mail clients' autocorrect rewrites them.
//
// Line and paragraph separators (U+2028/U+2029) are left alone: turning
// them into line breaks would renumber the input's lines.
func copyArtefact(s string) (repl string, n int) {
	if s == "" || !mayStartArtefact(s[0]) {
		return "", 0
	}
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == '\u00a0' || r == '\u1680' || r >= '\u2000' && r <= '\u200a' || r == '\u202f' || r == '\u205f' || r == '\u3000':
		return " ", n
	case r >= '\u200b' && r <= '\u200f' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
		return "", n
	case r == '\u2018' || r == '\u2019' || r == '\u201a':
		return "'", n
	case r == '\u201c' || r == '\u201d' || r == '\u201e':
		return `"`, n
	}
	return "", 0
}

// forEachRawLine calls f with each line of s, split at "\n" and at every
// lone "\r" that begins a new line rather than redrawing the current one.
// A "\r" right before "\n" is part of the line end and stays in the line for
// cleanLine to drop. off is where raw starts in s. f returns false to stop.
func forEachRawLine(s string, m *meter, f func(raw string, off int) bool) {
	m.add(2 * len(s)) // the search for "\n" and for "\r" in each line
	onlyCR := strings.IndexByte(s, '\n') < 0
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], '\n')
		var l string
		if end < 0 {
			l = s[start:]
		} else {
			l = s[start : start+end]
		}
		if !splitAtCR(l, start, onlyCR, m, f) {
			return
		}
		if end < 0 {
			return
		}
		start += end + 1
	}
}

// splitAtCR hands f the pieces of one "\n"-terminated line that lone
// carriage returns separate.
func splitAtCR(l string, base int, onlyCR bool, m *meter, f func(string, int) bool) bool {
	if strings.IndexByte(l, '\r') < 0 {
		return f(l, base)
	}
	seg := 0  // start of the piece since the last break
	prev := 0 // start of the text since the last CR (break or overwrite)
	for i := 0; i < len(l); i++ {
		if l[i] != '\r' {
			continue
		}
		j := i
		for j+1 < len(l) && l[j+1] == '\r' {
			j++
		}
		if j+1 >= len(l) {
			break // CRs before the line end
		}
		next := strings.IndexByte(l[j+1:], '\r')
		after := l[j+1:]
		if next >= 0 {
			after = after[:next]
		}
		m.add(len(after) + i - prev)
		if isLineBreakCR(l[prev:i], after, onlyCR) {
			if !f(l[seg:i], base+seg) {
				return false
			}
			seg = j + 1
		}
		prev = j + 1
		i = j
	}
	return f(l[seg:], base+seg)
}

// isLineBreakCR tells a carriage return that starts a new line from one
// that lets the terminal redraw the current line: the pager erasing itself
// with blanks, an escape sequence clearing the line, the prompt redrawn by
// the line editor. before is the text since the previous CR, after the text
// up to the next one. In a file that ends its lines with CR alone, one
// prompt after another is two lines, not a redraw.
func isLineBreakCR(before, after string, onlyCR bool) bool {
	if strings.TrimSpace(before) == "" || strings.TrimSpace(after) == "" {
		return false
	}
	switch after[0] {
	case 0x1b, '\b', 0x7f:
		return false
	}
	if containsFold(before, pagerText) {
		return false
	}
	if p := strings.Index(after, "> "); !onlyCR && p > 0 && p < 256 && strings.HasPrefix(before, after[:p+2]) {
		return false // the same prompt, redrawn
	}
	return true
}

// cleanLine cleans one raw line. keep is false when the line held nothing
// but pager residue. buf is scratch space, returned for reuse; l does not
// alias it.
func cleanLine(buf []byte, raw string, m *meter) (scratch []byte, l string, keep bool) {
	m.add(len(raw))
	if !needsCleaning(raw) {
		return buf, raw, true
	}
	buf = emulate(buf[:0], raw)
	m.add(len(raw) + 2*len(buf))
	buf, hadPager := dropPager(buf)
	if hadPager && isBlankBytes(buf) {
		return buf, "", false
	}
	return buf, string(buf), true
}

func isBlankBytes(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// emulate replays a line the way a terminal would have left it: ANSI
// sequences and control characters vanish, so do a copy's artefacts (see
// copyArtefact), a backspace at the end of the
// line deletes (line editors echo "\b \b", loggers of typed input keep the
// bare "\b"), inside an overwritten line it moves the cursor back, a
// carriage return moves to column 0 so later text overwrites earlier, and a
// tab moves to the next tab stop. Every step costs O(1), so a line of
// backspaces is linear.
func emulate(buf []byte, l string) []byte {
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
			switch {
			case col == 0:
			case col == len(buf):
				// Delete the character before the cursor, like a line
				// editor; a multi-byte character goes whole.
				_, n := utf8.DecodeLastRune(buf)
				buf = buf[:len(buf)-n]
				col = len(buf)
			default:
				col--
			}
		case c == '\t':
			// At least two blanks, so a table whose columns a tab
			// separated still splits at "  "; byte columns, so a
			// multi-byte character before the tab shifts the stop a
			// little, which column splitting tolerates.
			put(' ')
			for put(' '); col%tabWidth != 0; {
				put(' ')
			}
		case c < 0x20:
			// BEL, NUL and friends carry nothing.
		case c >= 0xc2 && mayStartArtefact(c):
			// Replaced before the tab stops are counted, so a tab
			// after a no-break space lands where it did on screen.
			repl, n := copyArtefact(l[i:])
			if n == 0 {
				put(c)
				break
			}
			for j := 0; j < len(repl); j++ {
				put(repl[j])
			}
			i += n - 1
		default:
			put(c)
		}
	}
	if overwrote {
		// Overwriting with blanks is how a pager prompt is erased; the
		// blanks are not output.
		for len(buf) > 0 && buf[len(buf)-1] == ' ' {
			buf = buf[:len(buf)-1]
		}
	}
	return buf
}

// dropPager removes every pager prompt from b, with the dashes around it,
// also when one was printed inside another (a page break in the middle of
// redrawing the prompt), and every copy artefact that emulate's pieces
// left (a backspace or a removal joining the bytes of one). Both are
// checked at the end of the output as each byte is copied down, so what a
// removal joins is checked too and the result holds neither; each byte is
// removed at most once, so this is linear.
func dropPager(b []byte) ([]byte, bool) {
	if !containsFoldBytes(b, pagerText) && !mayHoldArtefact(b) {
		return b, false
	}
	n := len(pagerText)
	out := b[:0]
	found := false
	skipDashes := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if skipDashes {
			if c == '-' {
				continue
			}
			skipDashes = false
		}
		out = append(out, c)
		if c >= 0x80 {
			out = settleArtefact(out)
			continue
		}
		if len(out) >= n && equalFoldLower(out[len(out)-n:], pagerText) {
			out = out[:len(out)-n]
			for len(out) > 0 && out[len(out)-1] == '-' {
				out = out[:len(out)-1]
			}
			found = true
			skipDashes = true
		}
	}
	return out, found
}

// mayHoldArtefact says whether b has a byte a copy artefact starts with.
func mayHoldArtefact[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c >= 0xc2 && mayStartArtefact(c) {
			return true
		}
	}
	return false
}

// dropArtefacts is dropPager's artefact half for text whose pieces were
// cleaned apart and then joined (a line a copy wrapped, Markdown's bold
// marks removed): a join may complete an artefact from two halves.
func dropArtefacts(s string) string {
	if !mayHoldArtefact(s) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] >= 0x80 {
			out = settleArtefact(out)
		}
	}
	return string(out)
}

// settleArtefact replaces the copy artefact that out ends with, if any
// (they are two or three bytes long).
func settleArtefact(out []byte) []byte {
	for k := 2; k <= 3 && k <= len(out); k++ {
		tail := out[len(out)-k:]
		if !mayStartArtefact(tail[0]) {
			continue
		}
		if repl, n := copyArtefact(string(tail)); n == k {
			return append(out[:len(out)-k], repl...)
		}
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
// allocating a lower-cased copy of s. The needle has no repeated first
// byte, so the scan is linear in practice.
func indexFold(s, lowerSub string) int {
	n := len(lowerSub)
	for i := 0; i+n <= len(s); i++ {
		if lower(s[i]) == lowerSub[0] && equalFoldLowerString(s[i:i+n], lowerSub) {
			return i
		}
	}
	return -1
}

func containsFoldBytes(b []byte, lowerSub string) bool {
	n := len(lowerSub)
	for i := 0; i+n <= len(b); i++ {
		if lower(b[i]) == lowerSub[0] && equalFoldLower(b[i:i+n], lowerSub) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFoldLower(b []byte, lowerSub string) bool {
	for j := range len(lowerSub) {
		if lower(b[j]) != lowerSub[j] {
			return false
		}
	}
	return true
}

func equalFoldLowerString(s, lowerSub string) bool {
	for j := range len(lowerSub) {
		if lower(s[j]) != lowerSub[j] {
			return false
		}
	}
	return true
}

// meter counts the bytes the cleaner's and the splitter's loops look at,
// so a fuzz target can fail on work that grows faster than the input (a
// time blow-up) without measuring time. A nil meter counts nothing.
type meter struct{ n int }

func (m *meter) add(k int) {
	if m != nil {
		m.n += k
	}
}
