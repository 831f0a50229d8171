package ciphers

// suite is one anonymous cipher suite of the OpenSSL releases AsyncOS ships
// (0.9.8 to 1.0.2). Only anonymous suites matter to the aNULL question, so
// authenticated ones are not modelled at all.
type suite struct {
	name     string
	ecdh     bool   // AECDH (ephemeral ECDH) rather than ADH (ephemeral DH)
	enc      string // AES128, AES256, AES128GCM, AES256GCM, CAMELLIA128, CAMELLIA256, 3DES, DES, RC4, SEED, eNULL
	mac      string // MD5, SHA1, SHA256, AEAD
	strength string // HIGH, MEDIUM, LOW, EXP, NONE
	tls12    bool
}

// anonSuites is in a deliberate order: the first survivor is named in
// reasons, so the best-known suites come first.
var anonSuites = []suite{
	{name: "ADH-AES256-SHA", enc: "AES256", mac: "SHA1", strength: "HIGH"},
	{name: "ADH-CAMELLIA256-SHA", enc: "CAMELLIA256", mac: "SHA1", strength: "HIGH"},
	{name: "ADH-AES128-SHA", enc: "AES128", mac: "SHA1", strength: "HIGH"},
	{name: "ADH-CAMELLIA128-SHA", enc: "CAMELLIA128", mac: "SHA1", strength: "HIGH"},
	{name: "ADH-DES-CBC3-SHA", enc: "3DES", mac: "SHA1", strength: "HIGH"},
	{name: "ADH-AES256-SHA256", enc: "AES256", mac: "SHA256", strength: "HIGH", tls12: true},
	{name: "ADH-AES128-SHA256", enc: "AES128", mac: "SHA256", strength: "HIGH", tls12: true},
	{name: "ADH-AES256-GCM-SHA384", enc: "AES256GCM", mac: "AEAD", strength: "HIGH", tls12: true},
	{name: "ADH-AES128-GCM-SHA256", enc: "AES128GCM", mac: "AEAD", strength: "HIGH", tls12: true},
	{name: "ADH-RC4-MD5", enc: "RC4", mac: "MD5", strength: "MEDIUM"},
	{name: "ADH-SEED-SHA", enc: "SEED", mac: "SHA1", strength: "MEDIUM"},
	{name: "ADH-DES-CBC-SHA", enc: "DES", mac: "SHA1", strength: "LOW"},
	{name: "EXP-ADH-RC4-MD5", enc: "RC4", mac: "MD5", strength: "EXP"},
	{name: "EXP-ADH-DES-CBC-SHA", enc: "DES", mac: "SHA1", strength: "EXP"},
	{name: "AECDH-AES256-SHA", ecdh: true, enc: "AES256", mac: "SHA1", strength: "HIGH"},
	{name: "AECDH-AES128-SHA", ecdh: true, enc: "AES128", mac: "SHA1", strength: "HIGH"},
	{name: "AECDH-DES-CBC3-SHA", ecdh: true, enc: "3DES", mac: "SHA1", strength: "HIGH"},
	{name: "AECDH-RC4-SHA", ecdh: true, enc: "RC4", mac: "SHA1", strength: "MEDIUM"},
	{name: "AECDH-NULL-SHA", ecdh: true, enc: "eNULL", mac: "SHA1", strength: "NONE"},
}

// match is three-valued membership: OpenSSL releases disagree on some
// aliases, and an unknown alias may match anything.
type match int8

const (
	no match = iota
	maybe
	yes
)

func of(b bool) match {
	if b {
		return yes
	}
	return no
}

// predicate says whether an alias covers an anonymous suite.
type predicate func(s suite) match

func none(suite) match   { return no }
func every(suite) match  { return yes }
func unsure(suite) match { return maybe }

func encIn(encs ...string) predicate {
	return func(s suite) match {
		for _, e := range encs {
			if s.enc == e {
				return yes
			}
		}
		return no
	}
}

func strengthIs(class string) predicate {
	return func(s suite) match { return of(s.strength == class) }
}

// suitesFor returns the anonymous suites as one family of OpenSSL releases
// classes them: 1.0.2i moved 3DES from HIGH to MEDIUM, and which build an
// appliance runs is not known, so both are tried.
func suitesFor(tripleDESHigh bool) []suite {
	out := make([]suite, len(anonSuites))
	copy(out, anonSuites)
	for i := range out {
		if out[i].enc == "3DES" && !tripleDESHigh {
			out[i].strength = "MEDIUM"
		}
	}
	return out
}

// aliases maps OpenSSL 0.9.8–1.1 cipher-string aliases to what they cover
// among anonymous suites. Aliases that cover none (RSA, EDH, ECDHE, SSLv2…)
// are listed so they count as understood. Names are case-sensitive, as in
// OpenSSL: "-anull" is not "-aNULL".
var aliases = aliasTable()

func aliasTable() map[string]predicate {
	t := map[string]predicate{
		"ALL":                 func(s suite) match { return of(s.enc != "eNULL") },
		"COMPLEMENTOFALL":     encIn("eNULL"),
		"COMPLEMENTOFDEFAULT": complementOfDefault,
		"aNULL":               every,
		"ADH":                 func(s suite) match { return of(!s.ecdh) },
		"AECDH":               func(s suite) match { return of(s.ecdh) },
		"kEDH":                func(s suite) match { return of(!s.ecdh) },
		"kDHE":                func(s suite) match { return of(!s.ecdh) },
		"DH":                  func(s suite) match { return of(!s.ecdh) },
		"kEECDH":              func(s suite) match { return of(s.ecdh) },
		"kECDHE":              func(s suite) match { return of(s.ecdh) },
		"ECDH":                func(s suite) match { return of(s.ecdh) },
		"eNULL":               encIn("eNULL"),
		"NULL":                encIn("eNULL"),
		"HIGH":                strengthIs("HIGH"),
		"MEDIUM":              strengthIs("MEDIUM"),
		"LOW":                 strengthIs("LOW"),
		"EXP":                 strengthIs("EXP"),
		"EXPORT":              strengthIs("EXP"),
		"EXPORT40":            strengthIs("EXP"),
		"FIPS": func(s suite) match {
			return maybeIf(s.strength == "HIGH" && s.enc != "CAMELLIA128" && s.enc != "CAMELLIA256")
		},
		"DES":         encIn("DES"),
		"3DES":        encIn("3DES"),
		"RC4":         encIn("RC4"),
		"SEED":        encIn("SEED"),
		"AES":         encIn("AES128", "AES256", "AES128GCM", "AES256GCM"),
		"AES128":      encIn("AES128", "AES128GCM"),
		"AES256":      encIn("AES256", "AES256GCM"),
		"AESGCM":      encIn("AES128GCM", "AES256GCM"),
		"CAMELLIA":    encIn("CAMELLIA128", "CAMELLIA256"),
		"CAMELLIA128": encIn("CAMELLIA128"),
		"CAMELLIA256": encIn("CAMELLIA256"),
		"MD5":         func(s suite) match { return of(s.mac == "MD5") },
		"SHA1":        func(s suite) match { return of(s.mac == "SHA1") },
		"SHA":         func(s suite) match { return of(s.mac == "SHA1") },
		"SHA256":      func(s suite) match { return of(s.mac == "SHA256") },
		"SSLv3":       func(s suite) match { return of(!s.tls12) },
		"TLSv1":       func(s suite) match { return of(!s.tls12) },
		"TLSv1.0":     func(s suite) match { return of(!s.tls12) },
		"TLSv1.2":     func(s suite) match { return of(s.tls12) },
	}
	for _, a := range authenticatedOnly {
		t[a] = none
	}
	return t
}

// authenticatedOnly lists aliases that cover no anonymous suite.
var authenticatedOnly = []string{
	"RSA", "kRSA", "aRSA", "DSS", "aDSS", "aDH", "aECDH", "ECDSA", "aECDSA",
	"kDH", "kDHr", "kDHd", "kECDH", "kECDHr", "kECDHe", "EDH", "DHE", "EECDH", "ECDHE",
	"PSK", "kPSK", "aPSK", "SRP", "kSRP", "aSRP", "KRB5", "kKRB5", "aKRB5",
	"kGOST", "aGOST", "aGOST94", "aGOST01", "GOST94", "GOST89MAC", "RC2", "IDEA",
	"SSLv2", "EXPORT56", "SHA384", "CHACHA20", "ARIA", "ARIA128", "ARIA256", "AESCCM", "AESCCM8",
}

// complementOfDefault covers ADH in OpenSSL 1.0.x but every non-null
// anonymous suite in 1.1, so AECDH is only a maybe.
func complementOfDefault(s suite) match {
	if s.enc == "eNULL" {
		return no
	}
	if s.ecdh {
		return maybe
	}
	return yes
}

func maybeIf(b bool) match {
	if b {
		return maybe
	}
	return no
}
