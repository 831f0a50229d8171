package channel

import "unicode/utf8"

// cleaner turns terminal bytes into the text a person sees on screen, one
// byte at a time so that a sequence split across reads is handled exactly as
// if it had arrived whole.
type cleaner struct {
	state  int
	seqLen int // bytes inside the current escape sequence, to bound junk
	// afterPager drops the line break the appliance prints after the pager
	// key, so a removed pager leaves no blank line in the middle of a table.
	afterPager bool
}

const (
	stNormal = iota
	stEsc
	stCharset // ESC ( and friends take one more byte
	stCSI
	stString // OSC, DCS, PM, APC: until BEL or ST
	stStringEsc
	stCR
)

// Longer sequences are not escapes a terminal would honour; giving up keeps
// a stray ESC from swallowing the rest of the output.
const (
	maxCSI    = 32
	maxString = 256
)

// feed appends the visible text of p to out and returns it.
func (c *cleaner) feed(out []byte, p []byte) []byte {
	for i := 0; i < len(p); i++ {
		b := p[i]
		switch c.state {
		case stEsc:
			c.state = stNormal
			switch b {
			case '[':
				c.state, c.seqLen = stCSI, 0
			case ']', 'P', 'X', '^', '_':
				c.state, c.seqLen = stString, 0
			case '(', ')', '*', '+', '#', '%':
				c.state = stCharset
			case 0x1b:
				c.state = stEsc
			}
			continue
		case stCharset:
			c.state = stNormal
			continue
		case stCSI:
			c.seqLen++
			switch {
			case b >= 0x40 && b <= 0x7e:
				c.state = stNormal
				continue
			case b >= 0x20 && b <= 0x3f && c.seqLen <= maxCSI:
				continue
			}
			// A control byte or an overlong sequence ends the escape; the
			// byte itself is then handled as ordinary input.
			c.state = stNormal
		case stString:
			c.seqLen++
			switch {
			case b == 0x07:
				c.state = stNormal
			case b == 0x1b:
				c.state = stStringEsc
			case c.seqLen > maxString:
				c.state = stNormal
			}
			continue
		case stStringEsc:
			if b == '\\' {
				c.state = stNormal
			} else {
				c.state = stString
			}
			continue
		case stCR:
			switch b {
			case '\r':
				continue
			case '\n':
				c.state = stNormal
				out = c.emit(out, '\n')
				continue
			}
			// A bare carriage return moves to column 0 and what follows
			// overwrites the line, as with the pager's erase; keep what a
			// screen would show last.
			c.state = stNormal
			out = truncateLine(out)
		}
		switch {
		case b == 0x1b:
			c.state = stEsc
		case b == '\r':
			c.state = stCR
		case b == '\b' || b == 0x7f:
			out = backspace(out)
		case b == '\n' || b == '\t' || b >= 0x20:
			out = c.emit(out, b)
		}
	}
	return out
}

func (c *cleaner) emit(out []byte, b byte) []byte {
	if c.afterPager {
		c.afterPager = false
		if b == '\n' {
			return out
		}
	}
	return append(out, b)
}

// truncateLine drops the text after the last line break.
func truncateLine(out []byte) []byte {
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] == '\n' {
			return out[:i+1]
		}
	}
	return out[:0]
}

// backspace removes the last character of the current line, never a line
// break: a terminal cursor does not move up.
func backspace(out []byte) []byte {
	if len(out) == 0 || out[len(out)-1] == '\n' {
		return out
	}
	_, n := utf8.DecodeLastRune(out)
	return out[:len(out)-n]
}

// Clean returns the visible text of a complete capture: CR, ANSI escape
// sequences, backspace overstrikes and other control bytes removed. It is
// what the channel applies to live output, offered for saved session logs.
func Clean(raw []byte) string {
	var c cleaner
	// A trailing bare CR leaves the cursor at column 0 with the line still
	// on screen, so nothing is dropped for it.
	return string(c.feed(nil, raw))
}
