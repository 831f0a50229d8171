package ciphers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// op is what a token does to the list, in OpenSSL's terms.
type op byte

const (
	opAdd     op = 'a' // plain token: append matching suites not yet in the list
	opReorder op = '+' // move matching suites already in the list; adds nothing
	opRemove  op = '-' // take out; a later token may add them back
	opKill    op = '!' // take out for good
)

// step is one parsed token.
type step struct {
	idx  int // 1-based position among the non-empty tokens
	text string
	op   op
	// match holds the token's membership for each of anonSuites.
	match []match
	// why is set when some membership is a maybe: the sentence naming the doubt.
	why string
	// seclevel is the n of @SECLEVEL=n, or -1.
	seclevel int
	// isDefault marks DEFAULT at the start of the string.
	isDefault bool
}

var (
	suiteName = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)+$|^TLS_[A-Z0-9_]+$`)
	anonName  = regexp.MustCompile(`^(EXP[0-9]*-)?(ADH|AECDH)-|ANON`)
	ruleChars = regexp.MustCompile(`^[A-Za-z0-9.=_-]+$`)
)

// Analyze answers whether an OpenSSL-style cipher string (colon-, comma-,
// space- or newline-separated) admits anonymous (aNULL) suites, replaying
// the tokens in order as OpenSSL builds its list.
func Analyze(cipherString string) Verdict {
	if len(strings.FieldsFunc(cipherString, isSep)) == 0 {
		return Verdict{AdmitsANULL: Unknown,
			Reason: "the cipher string is empty, so the appliance uses its OpenSSL default, which this analyser cannot see"}
	}
	older := analyze(cipherString, suitesFor(true))
	newer := analyze(cipherString, suitesFor(false))
	if older.AdmitsANULL != newer.AdmitsANULL {
		return Verdict{AdmitsANULL: Unknown,
			Reason: "the answer turns on ADH-DES-CBC3-SHA, which OpenSSL counts as HIGH before 1.0.2i and as MEDIUM after"}
	}
	return older
}

func analyze(cipherString string, suites []suite) Verdict {
	steps := parse(cipherString, suites)
	// Memberships that may go either way are resolved both ways: the most
	// anonymous suites the string can admit (maybes count for adds, not for
	// removals) and the fewest. Each suite's fate is monotone in each
	// token's membership, so these two runs bound every other reading.
	most := run(steps, func(i int) bool { return steps[i].op == opAdd })
	least := run(steps, func(i int) bool { return steps[i].op != opAdd })
	switch {
	case !most.admits:
		return Verdict{AdmitsANULL: No, Reason: noReason(steps, most)}
	case !least.admits:
		return Verdict{AdmitsANULL: Unknown, Reason: doubtReason(steps)}
	}
	why := yesReason(steps, least)
	if sl := lastSeclevel(steps); sl != nil {
		return Verdict{AdmitsANULL: Unknown, Reason: fmt.Sprintf(
			"%s, but %s (token %d) excludes aNULL suites on OpenSSL 1.1 and later, so the answer depends on the appliance's OpenSSL release",
			strings.TrimSuffix(why, "."), sl.text, sl.idx)}
	}
	return Verdict{AdmitsANULL: Yes, Reason: why}
}

func isSep(r rune) bool {
	switch r {
	case ':', ',', ';', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

func parse(s string, suites []suite) []step {
	fields := strings.FieldsFunc(s, isSep)
	steps := make([]step, 0, len(fields))
	for i, f := range fields {
		steps = append(steps, parseToken(i+1, f, suites))
	}
	return steps
}

func parseToken(idx int, text string, suites []suite) step {
	st := step{idx: idx, text: text, op: opAdd, seclevel: -1}
	body := text
	switch text[0] {
	case '+', '-', '!':
		st.op = op(text[0])
		body = text[1:]
	}
	fill := func(p predicate) {
		st.match = make([]match, len(suites))
		for i, s := range suites {
			st.match[i] = p(s)
		}
	}
	if strings.HasPrefix(body, "@") {
		parseDirective(&st, body[1:], fill)
		return st
	}
	if !ruleChars.MatchString(body) && !strings.Contains(body, "+") {
		fill(unsure)
		st.why = fmt.Sprintf("%s (token %d) is not a valid cipher rule, and the appliance may reject the whole string", text, idx)
		return st
	}
	if body == "DEFAULT" && idx == 1 && st.op == opAdd {
		// DEFAULT at the start is ALL:!aNULL:!eNULL (OpenSSL 1.0+) or
		// ALL:!ADH:… (0.9.8, whose ALL has no AECDH): anonymous suites are
		// gone for good either way.
		st.op, st.isDefault = opKill, true
		fill(every)
		return st
	}
	p, doubt := combined(body)
	fill(p)
	if doubt != "" {
		st.why = fmt.Sprintf("%s (token %d) %s, and it decides whether aNULL suites are admitted", text, idx, doubt)
	}
	return st
}

func parseDirective(st *step, body string, fill func(predicate)) {
	switch {
	case body == "STRENGTH":
		// Sorting changes the order only.
		st.op = opReorder
		fill(none)
	case strings.HasPrefix(body, "SECLEVEL="):
		n, err := strconv.Atoi(strings.TrimPrefix(body, "SECLEVEL="))
		if err == nil && n >= 0 && n <= 5 {
			st.op = opReorder
			st.seclevel = n
			fill(none)
			return
		}
		st.op = opRemove
		fill(unsure)
		st.why = fmt.Sprintf("%s (token %d) is not a valid security level, and the appliance may reject the whole string", st.text, st.idx)
	default:
		// @SUITEB128 and friends restrict the list in ways not modelled.
		st.op = opRemove
		fill(unsure)
		st.why = fmt.Sprintf("%s (token %d) is a directive this analyser does not model, and it may remove the aNULL suites", st.text, st.idx)
	}
}

// combined resolves A+B+C to the intersection of its parts. doubt is the
// phrase explaining a maybe, or "".
func combined(body string) (predicate, string) {
	var parts []predicate
	doubt := ""
	for _, name := range strings.Split(body, "+") {
		p, d := single(name)
		if d != "" && doubt == "" {
			doubt = d
		}
		parts = append(parts, p)
	}
	return func(s suite) match {
		m := yes
		for _, p := range parts {
			m = min(m, p(s))
		}
		return m
	}, doubt
}

func single(name string) (predicate, string) {
	switch {
	case name == "":
		return unsure, "is not a valid cipher rule"
	case name == "DEFAULT":
		return unsure, "is DEFAULT, which OpenSSL understands only at the start of the string"
	case name == "COMPLEMENTOFDEFAULT":
		return aliases[name], "covers AECDH suites in OpenSSL 1.1 but not in 1.0"
	case name == "FIPS":
		return aliases[name], "covers anonymous AES suites only in some OpenSSL builds"
	}
	if p, ok := aliases[name]; ok {
		return p, ""
	}
	if suiteName.MatchString(name) {
		for _, s := range anonSuites {
			if s.name == name {
				want := name
				return func(s suite) match { return of(s.name == want) }, ""
			}
		}
		if anonName.MatchString(name) {
			return unsure, "names an anonymous suite this analyser does not know"
		}
		// An authenticated suite, known to OpenSSL or not, adds nothing anonymous.
		return none, ""
	}
	return unsure, "is not a cipher alias or suite this analyser knows"
}
