package ciphers

import "testing"

func TestSafeOutboundExcludesAnonymousSuites(t *testing.T) {
	if v := Analyze(SafeOutbound); v.AdmitsANULL != No {
		t.Errorf("Analyze(%q) = %s (%s), want no", SafeOutbound, v.AdmitsANULL, v.Reason)
	}
}

func TestAnonymousSuite(t *testing.T) {
	for name, want := range map[string]bool{
		"ADH-CAMELLIA256-SHA":          true,
		"adh-aes256-sha":               true,
		"AECDH-AES128-SHA":             true,
		"EXP-ADH-DES-CBC-SHA":          true,
		"TLS_DH_anon_WITH_AES_128_CBC": true,
		"ECDHE-RSA-AES256-GCM-SHA384":  false,
		"DHE-RSA-AES256-SHA":           false,
		"":                             false,
	} {
		if got := AnonymousSuite(name); got != want {
			t.Errorf("AnonymousSuite(%q) = %v, want %v", name, got, want)
		}
	}
}
