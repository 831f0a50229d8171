package sessionlog

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"clean text is untouched", "a  \nb", "a  \nb"},
		{"CRLF", "a\r\nb\r\n", "a\nb\n"},
		{"ANSI colour and erase", "\x1b[1;32mOnline\x1b[0m\x1b[K", "Online"},
		{"OSC title", "\x1b]0;mx.example.com\x07prompt", "prompt"},
		{"charset selection", "\x1b(Bplain", "plain"},
		{"backspace deletes", "stattus\b\b\b\btus", "status"},
		{"erase idiom", "abc\b \b", "ab"},
		{"delete key", "ab\x7fc", "ac"},
		{"backspace at line start", "\bab", "ab"},
		{"pager line dropped", "one\n-Press Any Key For More-\ntwo", "one\ntwo"},
		{"pager overwritten", "-Press Any Key For More-\r                        \rtwo", "two"},
		{"pager glued to output", "-Press Any Key For More-Data Loss Prevention  1", "Data Loss Prevention  1"},
		{"pager in another case", "press any key for more", ""},
		{"nested pager text", "-Press Any -Press Any Key For More-Key For More-x", "x"},
		{"prompt redrawn after a carriage return", "mx> stat\rmx> status\n", "mx> status\n"},
		{"lone CR ends a line", "one\rtwo\r\nthree", "one\ntwo\nthree"},
		{"CR-only file", "mx> status\rSystem status: Online\r  indented\r", "mx> status\nSystem status: Online\n  indented"},
		{"erase line after CR", "12345\r\x1b[Kab", "ab345"},
		{"tab expanded to the stop", "Module\tQuantity\n1\t2\n1234567\tx", "Module  Quantity\n1       2\n1234567         x"},
		{"backspace after overwrite moves the cursor", "abcd\r   \rxy\b\bZ\n", "Zy d\n"},
		{"backspace deletes a whole multi-byte character", "ab\u00e9\bc", "abc"},
		{"bell and NUL", "a\x07b\x00c", "abc"},
		{"unterminated escape", "ab\x1b[", "ab"},
		{"Unicode spaces", "a\u00a0b\u202fc\u2009d\u3000e\u1680f\u205fg", "a b c d e f g"},
		{"zero-width characters", "ze\u200bro\u200c\u200d\u2060\u200e\u200f\ufeff\u00adwidth", "zerowidth"},
		{"typographic quotes", "\u2018a\u2019 \u201cb\u201d \u201ac\u2019 \u201ed\u201c", "'a' \"b\" 'c' \"d\""},
		{"the tab stop counts the blank a no-break space became", "\u00a0\tx", "        x"},
		{"other Unicode is kept", "caf\u00e9 \u2014 \u20ac", "caf\u00e9 \u2014 \u20ac"},
		{"a backspace deletes a no-break space", "\u00a0\b", ""},
		{"pager text with copied blanks", "press\u00a0any key for more\u200b", ""},
		{"a backspace joins a no-break space's halves", "\xc20\x7f\xa0", " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Clean(got); again != got {
				t.Errorf("Clean is not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func BenchmarkCleanAlreadyClean(b *testing.B) {
	s := "Module                              Quantity  Remaining  Expiration Date\n"
	for range 6 {
		s += s
	}
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Clean(s)
	}
}
