package sessionlog

import (
	"html"
	"strings"
)

// A session saved from a ticket system's HTML view arrives as HTML: its
// text escaped (`mx.example.com&gt; version`, `&nbsp;`, `&#39;`), perhaps
// inside markup (`<pre>`, a `<br>` or a `<p>` or a `<div>` per line, table
// rows). decodeHTML turns it back into the text a browser shows.
//
// When a file is HTML (looksHTML): only when decoding brings out prompts
// the file does not show as it is. A normal log whose output holds a
// literal `&amp;` or a `<br>` (a text resource, a message's subject) shows
// its prompts already and decoding adds none, so it is read as it is; an
// HTML export shows none, since its prompts' '>' is `&gt;` or its lines
// are joined by `<br>`. The test costs a plain log one search for '<' and
// '&'; only a file with markup or entities near its start is decoded
// tentatively, and only up to htmlSample bytes.

// htmlSample bounds the part of a file decoded to decide whether it is
// HTML: enough for the style sheet a mail client puts before the body.
const htmlSample = 256 << 10

// looksHTML decides whether s is HTML or HTML-escaped text (see above).
func looksHTML(s string, m *meter) bool {
	sample := s[:min(len(s), htmlSample)]
	if len(sample) < len(s) {
		if i := strings.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i]
		}
	}
	if !hasMarkup(sample, m) && !hasEntity(sample, m) {
		return false
	}
	decoded, _ := decodeHTML(sample, m)
	return countCommandLines(decoded, m) > countCommandLines(sample, m)
}

// countCommandLines counts the lines that hold a prompt and a command, as
// they are or inside quote markers, after a logger's time stamp.
func countCommandLines(s string, m *meter) int {
	var sample []string
	forEachRawLine(s, m, func(raw string, _ int) bool {
		sample = append(sample, raw)
		return len(sample) < stampSample
	})
	stamp := detectStamp(sample)
	n := 0
	forEachRawLine(s, m, func(raw string, _ int) bool {
		l, _ := cutQuote(raw)
		l, _, _ = cutStamp(stamp, l)
		if isCommandLine(l, m) {
			n++
		}
		return true
	})
	return n
}

// hasMarkup finds a tag HTML exports of text are made of.
func hasMarkup(s string, m *meter) bool {
	return anyAfter(s, '<', m, func(rest string) bool {
		name, _ := tagName(rest)
		name = strings.TrimPrefix(name, "/")
		return blockTags[name] || preTags[name] || name == "br" || name == "html" || name == "body" || name == "!--"
	})
}

// hasEntity finds an entity an escaped session holds: the prompt's `&gt;`,
// a blank's `&nbsp;`, a quote's, a numeric one.
func hasEntity(s string, m *meter) bool {
	return anyAfter(s, '&', m, func(rest string) bool {
		for _, e := range [...]string{"gt;", "lt;", "amp;", "quot;", "nbsp;", "#"} {
			if strings.HasPrefix(rest, e) {
				return true
			}
		}
		return false
	})
}

// anyAfter says whether is holds for what follows some c in s. A search for
// one byte is fast, and a plain log has few of either.
func anyAfter(s string, c byte, m *meter, is func(rest string) bool) bool {
	m.add(len(s))
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if is(s[i+1:]) {
			return true
		}
	}
}

// tagName reads the name of the tag whose '<' came just before s, in lower
// case ("/p" for an end tag, "!--" for a comment, "!" for a declaration),
// and its length in s; "" when s does not start a tag, so the '<' is text.
func tagName(s string) (string, int) {
	i := 0
	if strings.HasPrefix(s, "!--") {
		return "!--", 3
	}
	if s != "" && (s[0] == '!' || s[0] == '?') {
		return "!", 1
	}
	if s != "" && s[0] == '/' {
		i++
	}
	start := i
	for i < len(s) && i-start < 16 && (isAlnum(s[i]) || s[i] == ':' || s[i] == '-') {
		i++
	}
	if i == start || !isAlnum(s[start]) || s[start] <= '9' {
		return "", 0
	}
	return strings.ToLower(s[:i]), i
}

// blockTags start and end a line of text: each is a line break unless the
// text is already at the start of one.
var blockTags = map[string]bool{
	"p": true, "div": true, "tr": true, "li": true, "ul": true, "ol": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
	"blockquote": true, "dl": true, "dt": true, "dd": true, "section": true, "article": true,
	"header": true, "footer": true, "form": true, "address": true, "center": true, "title": true,
	"tbody": true, "thead": true,
}

// preTags keep their text's line breaks and blanks as they are.
var preTags = map[string]bool{"pre": true, "textarea": true, "xmp": true, "listing": true, "plaintext": true}

// rawTextTags hold no text a browser shows (style sheets, scripts).
var rawTextTags = map[string]bool{"style": true, "script": true}

// decodeHTML turns HTML into its text, one decoded line per line a browser
// shows, and says for each decoded line (lineOf[i] for line i+1) the line
// of s it starts on, numbered as the splitter numbers s's lines, so that
// a command's line and a warning's stay lines of the file the user has.
// Several decoded lines may start on one line of s (a `<br>` inside it).
// The result has no carriage returns: its lines are exactly lineOf's.
func decodeHTML(s string, m *meter) (string, []int32) {
	d := htmlDecoder{
		out:   make([]byte, 0, len(s)),
		lines: []int32{1},
		empty: true,
		// Escaped text without markup is text: its line breaks are
		// the lines.
		pre: !hasMarkup(s, m),
	}
	forEachRawLine(s, m, func(raw string, _ int) bool {
		d.num++
		d.feed(strings.TrimSuffix(raw, "\r"), m)
		d.endLine()
		return true
	})
	d.flush()
	return string(d.out), d.lines
}

type htmlDecoder struct {
	out   []byte
	lines []int32
	num   int32 // the input line being read
	empty bool  // the current decoded line has nothing yet

	pre      bool // the whole file is escaped text
	preDepth int  // inside <pre> and its kind
	skipNL   bool // the line break right after <pre> is not text

	state   int    // htmlText or one of the states inside markup
	quote   byte   // the quote of an attribute value inside a tag
	tag     string // the tag being read
	endTag  string // inside style or script: the end tag that closes it
	dashes  int    // '-'s just seen inside a comment
	run     []byte // text since the last tag, still escaped
	closing bool   // the tag being read is self-closing
}

const (
	htmlText = iota
	htmlTag
	htmlComment
	htmlDecl
	htmlRawText
)

// feed reads one input line (without its line end).
func (d *htmlDecoder) feed(l string, m *meter) {
	m.add(2 * len(l))
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch d.state {
		case htmlText:
			switch c {
			case '\r':
				// An overwrite of a terminal's, which HTML does not
				// show; dropped, so the result's lines are lineOf's.
				continue
			case '<':
			default:
				d.run = append(d.run, c)
				continue
			}
			name, n := tagName(l[i+1:])
			switch name {
			case "":
				d.run = append(d.run, c) // a '<' that starts no tag is text
				continue
			case "!--":
				d.state, d.dashes = htmlComment, 0
			case "!":
				d.state = htmlDecl
			default:
				d.state, d.tag, d.quote, d.closing = htmlTag, name, 0, false
			}
			d.flush()
			i += n
		case htmlTag:
			switch {
			case d.quote != 0:
				if c == d.quote {
					d.quote = 0
				}
			case c == '"' || c == '\'':
				d.quote = c
			case c == '/':
				d.closing = true
			case c == '>':
				d.state = htmlText
				d.element(d.tag, d.closing)
			default:
				d.closing = false
			}
		case htmlComment:
			switch {
			case c == '-':
				d.dashes++
			case c == '>' && d.dashes >= 2:
				d.state = htmlText
			default:
				d.dashes = 0
			}
		case htmlDecl:
			if c == '>' {
				d.state = htmlText
			}
		case htmlRawText:
			if c == '<' && len(l)-i > len(d.endTag) && strings.EqualFold(l[i+1:i+1+len(d.endTag)], d.endTag) {
				d.state, d.tag, d.quote = htmlTag, d.endTag, 0
				i += len(d.endTag)
			}
		}
	}
}

// element acts on a tag once it is read.
func (d *htmlDecoder) element(name string, selfClosing bool) {
	end := strings.HasPrefix(name, "/")
	base := strings.TrimPrefix(name, "/")
	switch {
	case base == "br":
		d.hardBreak()
	case preTags[base]:
		d.softBreak()
		if end {
			d.preDepth = max(d.preDepth-1, 0)
		} else {
			d.preDepth++
			d.skipNL = true
		}
	case blockTags[base]:
		d.softBreak()
	case (base == "td" || base == "th") && !end && !d.empty:
		d.write("\t") // cells of one row: columns
	case rawTextTags[base] && !end && !selfClosing:
		d.state, d.endTag = htmlRawText, "/"+base
	}
}

// endLine acts on the end of an input line: inside markup it is a blank,
// in text a line break, but only one where the text is not already at the
// start of a line (`line<br>` then a line end is one break).
func (d *htmlDecoder) endLine() {
	if d.state != htmlText {
		return
	}
	d.flush()
	switch {
	case d.skipNL:
		d.skipNL = false
	case d.pre || d.preDepth > 0:
		d.hardBreak()
	default:
		d.softBreak()
	}
}

// flush writes the text since the last tag, unescaped. Outside <pre>, blanks
// alone at the start of a line are the page's indentation.
func (d *htmlDecoder) flush() {
	if len(d.run) == 0 {
		return
	}
	run := string(d.run)
	d.run = d.run[:0]
	d.skipNL = false
	if d.empty && !d.pre && d.preDepth == 0 && strings.Trim(run, " \t") == "" {
		return
	}
	text := html.UnescapeString(run)
	for {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			break
		}
		d.write(text[:i])
		if text[i] == '\n' {
			d.hardBreak()
		}
		text = text[i+1:]
	}
	d.write(text)
}

func (d *htmlDecoder) write(s string) {
	if s == "" {
		return
	}
	if d.empty {
		d.lines[len(d.lines)-1] = d.num
		d.empty = false
	}
	d.out = append(d.out, s...)
}

func (d *htmlDecoder) hardBreak() {
	if d.empty {
		d.lines[len(d.lines)-1] = d.num
	}
	d.out = append(d.out, '\n')
	d.lines = append(d.lines, d.num)
	d.empty = true
}

func (d *htmlDecoder) softBreak() {
	if !d.empty {
		d.hardBreak()
	}
}
