package asyncos

import (
	"errors"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseWhoami reads `whoami`: Username, Full Name and Groups.
func ParseWhoami(text string) (*facts.Account, []facts.Warning, error) {
	const cmd = "whoami"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	a := &facts.Account{Evidence: evidence(cmd)}
	var warns []facts.Warning
	seenUser := false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		label, value, ok := parseLabel(t)
		if !ok {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		switch strings.ToLower(label) {
		case "username", "user name", "user":
			a.User, seenUser = value, true
			addEvidence(&a.Evidence, t)
		case "full name":
			a.FullName = value
		case "groups", "group":
			a.Groups = []string{}
			for _, g := range strings.Split(value, ",") {
				if g = strings.TrimSpace(g); g != "" {
					a.Groups = append(a.Groups, g)
				}
			}
			addEvidence(&a.Evidence, t)
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	if !seenUser {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Username:" line`))
	}
	return a, warns, nil
}

// ParseWho reads the `who` table and returns the row of user (the session's
// own account, from `whoami` or the login) when user is known. Without a
// user it takes the only row, or else the first CLI row, or else the first.
// A known user with no row of its own yields an account without a role: a
// neighbour's role says nothing about this session.
func ParseWho(text, user string) (*facts.Account, []facts.Warning, error) {
	const cmd = "who"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	header := -1
	for i, l := range ls {
		f := strings.Fields(strings.ToLower(l))
		if len(f) >= 2 && f[0] == "username" && strings.Contains(strings.ToLower(l), "role") {
			header = i
			break
		}
	}
	if header < 0 {
		return nil, nil, parseErr(cmd, 0, "", errors.New(`no "Username  Role" header`))
	}
	cols := splitColumns(ls[header])
	spans := columnSpans(ls, header)
	idx := func(name string) int {
		for i, c := range cols {
			if strings.EqualFold(c, name) {
				return i
			}
		}
		return -1
	}
	userCol, roleCol, whatCol := idx("Username"), idx("Role"), idx("What")
	if userCol < 0 || roleCol < 0 {
		return nil, nil, parseErr(cmd, header+1, ls[header], errors.New("no Username and Role columns"))
	}
	type row struct {
		fields []string
		line   int
		text   string
	}
	var rows []row
	var warns []facts.Warning
	for i := header + 1; i < len(ls); i++ {
		t := strings.TrimSpace(ls[i])
		if t == "" || strings.Trim(t, "= -") == "" {
			continue
		}
		f := splitColumns(ls[i])
		if len(f) != len(cols) && spans != nil {
			f = sliceColumns(ls[i], spans)
		}
		if len(f) <= roleCol || len(f) <= userCol {
			warns = append(warns, warning(cmd, i+1, ls[i]))
			continue
		}
		rows = append(rows, row{fields: f, line: i + 1, text: t})
	}
	if len(rows) == 0 {
		return nil, warns, parseErr(cmd, 0, "", errors.New("no session rows"))
	}
	pick := -1
	switch {
	case user != "":
		for i, r := range rows {
			if strings.EqualFold(r.fields[userCol], user) {
				pick = i
				break
			}
		}
	case len(rows) == 1:
		pick = 0
	default:
		pick = 0
		if whatCol >= 0 {
			for i, r := range rows {
				if len(r.fields) > whatCol && strings.EqualFold(r.fields[whatCol], "CLI") {
					pick = i
					break
				}
			}
		}
	}
	a := &facts.Account{User: user, Evidence: evidence(cmd)}
	if pick < 0 {
		warns = append(warns, warning(cmd, 0, "no row for user "+user))
		return a, warns, nil
	}
	r := rows[pick]
	a.User = r.fields[userCol]
	a.Role = r.fields[roleCol]
	addEvidence(&a.Evidence, ls[header])
	addEvidence(&a.Evidence, r.text)
	return a, warns, nil
}

// splitColumns splits a table line at runs of two or more blanks, so that
// values such as "Read-Only Operator" stay whole.
func splitColumns(l string) []string {
	var out []string
	for _, part := range strings.Split(strings.TrimSpace(strings.ReplaceAll(l, "\t", "  ")), "  ") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// columnSpans reads column starts from the "====  ====" underline below a
// header, for rows whose values are too wide to keep two blanks apart.
func columnSpans(ls []string, header int) []int {
	if header+1 >= len(ls) {
		return nil
	}
	u := ls[header+1]
	if strings.Trim(strings.TrimSpace(u), "= ") != "" || !strings.Contains(u, "=") {
		return nil
	}
	var starts []int
	for i := 0; i < len(u); i++ {
		if u[i] == '=' && (i == 0 || u[i-1] == ' ') {
			starts = append(starts, i)
		}
	}
	return starts
}

func sliceColumns(l string, starts []int) []string {
	out := make([]string, 0, len(starts))
	for i, s := range starts {
		if s >= len(l) {
			break
		}
		e := len(l)
		if i+1 < len(starts) && starts[i+1] < len(l) {
			e = starts[i+1]
		}
		out = append(out, strings.TrimSpace(l[s:e]))
	}
	return out
}
