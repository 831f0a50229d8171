package asyncos

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// endMarker is what a command's output ends with besides the next prompt.
// A menu command ends by showing its menu again after its data; a command
// whose last answer chose one of that menu's operations ends inside that
// operation's dialog. Other commands print a closing line.
type endMarker struct {
	menus []string // any of these (lower case) opens the closing menu
	final string   // this line (lower case) closes the output
}

// endMarkers is the one table of how each command's output ends. A block
// that does not end so is incomplete, and a rule cannot pass on it.
var endMarkers = map[string]endMarker{
	"sslconfig":        {menus: []string{chooseOperation}},
	"deliveryconfig":   {menus: []string{chooseOperation}},
	"featurekey":       {menus: []string{chooseOperation}},
	"clusterconfig":    {menus: []string{chooseOperation, "do you want to join or create a cluster"}},
	"applianceconfig":  {menus: []string{chooseOperation}},
	"diskquotaconfig":  {menus: []string{chooseOperation}},
	"quarantineconfig": {menus: []string{chooseOperation}},
	"interfaceconfig":  {menus: []string{chooseOperation}},
	"policyconfig":     {menus: []string{chooseOperation}},
	"filters":          {menus: []string{chooseOperation}},
	"dlpconfig":        {menus: []string{chooseOperation}},
	"dmarcconfig":      {menus: []string{chooseOperation}},
	"tlsverify":        {final: "tls verification completed"},
}

const chooseOperation = "choose the operation you want to perform"

// completeness says why a block may not hold all its command printed, or
// "" when it ended where that command's output ends.
func completeness(c sessionlog.Command) string {
	if c.Incomplete != "" {
		return c.Incomplete
	}
	m, ok := endMarkers[c.Name]
	if c.Pasted && !ok {
		// Without a prompt after it, nothing says such output is all there.
		return pastedCut
	}
	if !ok || (len(m.menus) > 0 && len(c.Args) > 0) {
		// Batch forms ("applianceconfig list") print no menu: the prompt
		// after them is their end.
		return ""
	}
	text := c.Text
	if _, ok := DetectNotice(text); ok {
		// A cluster NOTICE first: declined, it is all the command prints;
		// taken, the settings and menu follow it.
		if text = StripNotice(text); text == "" {
			if endsAnswered(c.Text) {
				return ""
			}
			return "the output ends inside the cluster mode NOTICE question"
		}
	}
	ls := strings.Split(text, "\n")
	if m.final != "" {
		for _, l := range ls {
			if strings.Contains(strings.ToLower(l), m.final) {
				return ""
			}
		}
		return fmt.Sprintf("the output has no closing %q line", m.final)
	}
	last := -1
	for i, l := range ls {
		lt := strings.ToLower(l)
		for _, mk := range m.menus {
			if strings.Contains(lt, mk) {
				last = i
			}
		}
	}
	if last < 0 {
		return fmt.Sprintf("the output does not end with the command's menu (%q)", m.menus[0])
	}
	// An operation chosen at the last menu means its dialog's output was cut.
	ops := map[string]bool{}
	for _, l := range ls[last+1:] {
		if mm := menuItemRE.FindString(l); mm != "" {
			op := strings.TrimSpace(strings.Trim(strings.TrimSpace(mm), "-"))
			ops[strings.ToUpper(op)] = true
			continue
		}
		if sp, ok := parseSubPrompt(l); ok && sp.answer != "" && ops[strings.ToUpper(sp.answer)] {
			return fmt.Sprintf("the output ends inside the %s dialog", strings.ToUpper(sp.answer))
		}
	}
	return ""
}

// endsAnswered tells whether the last line of text is an answered
// question ("[Y]> N").
func endsAnswered(text string) bool {
	t := strings.TrimRight(text, " \t\n")
	if i := strings.LastIndexByte(t, '\n'); i >= 0 {
		t = t[i+1:]
	}
	_, ok := parseSubPrompt(strings.TrimSpace(t))
	return ok
}

var evidenceType = reflect.TypeFor[facts.Evidence]()

// markIncomplete records why in every Evidence reachable from v (a pointer
// to a fact), so whatever a rule reads from the block carries it. It is
// reflection so that no parser needs to know: one place, every fact type.
// A reason already there stays.
func markIncomplete(v any, why string) {
	if why == "" || v == nil {
		return
	}
	eachEvidence(reflect.ValueOf(v), func(ev reflect.Value) bool {
		if f := ev.FieldByName("Incomplete"); f.CanSet() && f.String() == "" {
			f.SetString(why)
		}
		return true
	})
}

// eachEvidence calls f with every facts.Evidence reachable from v through
// pointers, structs, slices and maps, until f returns false.
func eachEvidence(v reflect.Value, f func(ev reflect.Value) bool) bool {
	return walkEvidence(v, f, 0)
}

func walkEvidence(v reflect.Value, f func(reflect.Value) bool, depth int) bool {
	if depth > 10 {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return walkEvidence(v.Elem(), f, depth+1)
		}
	case reflect.Struct:
		if v.Type() == evidenceType {
			return f(v)
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && !walkEvidence(v.Field(i), f, depth+1) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !walkEvidence(v.Index(i), f, depth+1) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !walkEvidence(it.Value(), f, depth+1) {
				return false
			}
		}
	}
	return true
}
