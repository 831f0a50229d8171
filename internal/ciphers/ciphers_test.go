package ciphers

import (
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	const (
		y = Yes
		n = No
		u = Unknown
	)
	tests := []struct {
		in   string
		want Tri
		// reason must contain each of these.
		reason []string
	}{
		// The seed's default and its fix.
		{"RC4-SHA:RC4-MD5:ALL", y, []string{"ALL (token 3)", "no later -aNULL or !aNULL"}},
		{"HIGH:MEDIUM:ALL:-aNULL:-SSLv2", n, []string{"-aNULL (token 4)", "no later token re-adds"}},
		// TN117864's recommendation, colon-joined and one token per line (9.5+).
		{"MEDIUM:HIGH:-SSLv2:-aNULL:@STRENGTH", n, []string{"-aNULL (token 4)"}},
		{"MEDIUM\nHIGH\n-SSLv2\n-aNULL\n!RC4\n@STRENGTH\n-EXPORT", n, []string{"-aNULL (token 4)"}},
		{"  MEDIUM\r\n    HIGH\r\n    -aNULL\r\n", n, []string{"-aNULL (token 3)"}},
		{"HIGH, MEDIUM, ALL, -aNULL", n, []string{"-aNULL (token 4)"}},
		{"HIGH MEDIUM ALL", y, []string{"HIGH (token 1)", "ADH-AES256-SHA"}},
		// Order: a later token re-adds what -aNULL removed; ! is for good.
		{"ALL:-aNULL:ALL", y, []string{"ALL (token 3)"}},
		{"-aNULL:HIGH", y, []string{"HIGH (token 2)"}},
		{"!aNULL:ALL", n, []string{"!aNULL (token 1)", "for good"}},
		{"ALL:!aNULL:HIGH:ADH", n, []string{"!aNULL (token 2)", "for good"}},
		{"ALL:-aNULL:ALL:!aNULL", n, []string{"!aNULL (token 4)"}},
		// + only reorders: it cannot add.
		{"AES256-SHA:+aNULL", n, []string{"no token admits"}},
		{"HIGH:+aNULL", y, []string{"HIGH (token 1)"}},
		// Strength classes each carry anonymous suites.
		{"HIGH", y, []string{"HIGH (token 1)"}},
		{"MEDIUM", y, []string{"ADH-RC4-MD5"}},
		{"LOW", y, []string{"ADH-DES-CBC-SHA"}},
		{"EXP", y, []string{"EXP-ADH-RC4-MD5"}},
		{"HIGH:-ADH", y, []string{"AECDH-AES256-SHA"}},
		{"HIGH:-ADH:-AECDH", n, []string{"-AECDH (token 3)"}},
		{"aNULL", y, []string{"aNULL (token 1)"}},
		{"ADH", y, []string{"ADH (token 1)"}},
		{"AECDH", y, []string{"AECDH-AES256-SHA"}},
		// ALL leaves eNULL out; COMPLEMENTOFALL is exactly those.
		{"ALL:-aNULL:COMPLEMENTOFALL", y, []string{"COMPLEMENTOFALL (token 3)", "AECDH-NULL-SHA"}},
		{"COMPLEMENTOFALL:-eNULL", n, []string{"-eNULL (token 2)"}},
		// Combined A+B is an intersection.
		{"kEDH+aNULL", y, []string{"kEDH+aNULL (token 1)"}},
		{"ALL:-kEDH+aNULL", y, []string{"AECDH-"}},
		{"ALL:-kEDH+aNULL:-kEECDH+aNULL", n, []string{"token 3"}},
		{"ECDHE+AESGCM:EDH+AES", n, []string{"no token admits"}},
		// Single suite names.
		{"ADH-AES256-SHA", y, []string{"ADH-AES256-SHA (token 1) is an anonymous suite"}},
		{"AES256-SHA", n, []string{"no token admits"}},
		{"ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-SHA", n, []string{"no token admits"}},
		{"AECDH-AES128-SHA:-AECDH-AES128-SHA", n, []string{"-AECDH-AES128-SHA (token 2)"}},
		{"ADH-FOO-SHA", u, []string{"ADH-FOO-SHA (token 1)", "anonymous suite this analyser does not know"}},
		// DEFAULT means ALL:!aNULL:!eNULL, but only at the start.
		{"DEFAULT", n, []string{"DEFAULT (token 1)", "for good"}},
		{"DEFAULT:ADH", n, []string{"DEFAULT (token 1)"}},
		{"AES256-SHA:DEFAULT", u, []string{"DEFAULT (token 2)", "only at the start"}},
		{"COMPLEMENTOFDEFAULT", y, []string{"COMPLEMENTOFDEFAULT (token 1)"}},
		{"COMPLEMENTOFDEFAULT:-ADH", u, []string{"COMPLEMENTOFDEFAULT (token 1)", "OpenSSL 1.1"}},
		// Directives.
		{"ALL:@STRENGTH", y, []string{"ALL (token 1)"}},
		{"ALL:@SECLEVEL=2", u, []string{"@SECLEVEL=2 (token 2)", "OpenSSL 1.1"}},
		{"ALL:@SECLEVEL=0", y, []string{"ALL (token 1)"}},
		{"HIGH:!aNULL:@SECLEVEL=1", n, []string{"!aNULL (token 2)"}},
		{"ALL:@SECLEVEL=x", u, []string{"@SECLEVEL=x (token 2)"}},
		{"ALL:@SUITEB128", u, []string{"@SUITEB128 (token 2)"}},
		// What it cannot decide names the token.
		{"", u, []string{"empty", "default"}},
		{" : ,\n", u, []string{"empty"}},
		{"ALL:-anull", u, []string{"-anull (token 2)", "not a cipher alias"}},
		{"FOO:ALL:!aNULL", n, []string{"!aNULL (token 3)"}},
		{"FOO", u, []string{"FOO (token 1)"}},
		{"ALL:-FOO", u, []string{"-FOO (token 2)"}},
		{"AES256-SHA:-FOO", n, []string{"no token admits"}},
		{"ALL:-a$NULL", u, []string{"-a$NULL (token 2)", "not a valid cipher rule"}},
		{"ADH-DES-CBC3-SHA:-HIGH", u, []string{"ADH-DES-CBC3-SHA", "1.0.2i"}},
		{"ADH-DES-CBC3-SHA:-MEDIUM", u, []string{"ADH-DES-CBC3-SHA", "1.0.2i"}},
		{"ADH-DES-CBC3-SHA:-HIGH:-MEDIUM", n, []string{"removes the aNULL suites"}},
	}
	for _, tt := range tests {
		got := Analyze(tt.in)
		if got.AdmitsANULL != tt.want {
			t.Errorf("Analyze(%q) = %s (%s), want %s", tt.in, got.AdmitsANULL, got.Reason, tt.want)
			continue
		}
		for _, r := range tt.reason {
			if !strings.Contains(got.Reason, r) {
				t.Errorf("Analyze(%q) reason %q lacks %q", tt.in, got.Reason, r)
			}
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"RC4-SHA:RC4-MD5:ALL", "HIGH:MEDIUM:ALL:-aNULL:-SSLv2", "MEDIUM\nHIGH\n-aNULL\n@STRENGTH",
		"DEFAULT:ADH", "kEDH+aNULL:@SECLEVEL=1", "!", "+", "-+", "@", "a+b+:", "COMPLEMENTOFDEFAULT:-ADH"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Analyze(s)
		switch got.AdmitsANULL {
		case Yes, No, Unknown:
		default:
			t.Fatalf("Analyze(%q) = %q", s, got.AdmitsANULL)
		}
		if got.Reason == "" {
			t.Fatalf("Analyze(%q) gave no reason", s)
		}
		// Whatever came before, a final !aNULL removes every anonymous suite for good.
		if v := Analyze(s + ":!aNULL"); v.AdmitsANULL != No {
			t.Fatalf("Analyze(%q + \":!aNULL\") = %s (%s)", s, v.AdmitsANULL, v.Reason)
		}
		// A final ALL re-adds anonymous suites unless something killed them for good.
		if v := Analyze(s + ":ALL"); v.AdmitsANULL == No && !strings.Contains(v.Reason, "for good") {
			t.Fatalf("Analyze(%q + \":ALL\") = no (%s)", s, v.Reason)
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	for b.Loop() {
		Analyze("MEDIUM:HIGH:-SSLv2:-aNULL:!RC4:@STRENGTH:-EXPORT")
	}
}

func TestAnalyzeLongHostileString(t *testing.T) {
	s := "ALL" + strings.Repeat(":-FOO", 5000)
	got := Analyze(s)
	if got.AdmitsANULL != Unknown || !strings.Contains(got.Reason, "-FOO (token 2)") {
		t.Errorf("Analyze(ALL:-FOO×5000) = %+v", got)
	}
}

func BenchmarkAnalyzeHostile(b *testing.B) {
	s := "ALL" + strings.Repeat(":-FOO", 2000)
	for b.Loop() {
		Analyze(s)
	}
}
