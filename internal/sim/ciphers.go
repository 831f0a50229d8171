package sim

import (
	"fmt"
	"sort"
	"strings"
)

// suite is one TLS cipher suite as OpenSSL 1.0.x (the AsyncOS era of the
// seed) classifies it. The simulator needs only enough of them to answer
// "does this cipher string admit anonymous suites?" and to pick what a
// handshake would negotiate; it deliberately shares no code with the client's
// analyser, so the two can check each other.
type suite struct {
	name     string
	kx       string // RSA, DHE, ECDHE
	au       string // RSA, DSS, ECDSA, NULL
	enc      string // AES128, AES256, AESGCM128, AESGCM256, CAMELLIA128, CAMELLIA256, 3DES, DES, RC4, SEED, NULL
	mac      string // MD5, SHA1, SHA256, SHA384, AEAD
	bits     int
	strength string // HIGH, MEDIUM, LOW, EXPORT
	tls12    bool   // usable only with TLS 1.2
}

// suites is in OpenSSL's default preference order, strongest first.
var suites = []suite{
	{"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE", "RSA", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE", "ECDSA", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"ECDHE-RSA-AES256-SHA384", "ECDHE", "RSA", "AES256", "SHA384", 256, "HIGH", true},
	{"DHE-RSA-AES256-GCM-SHA384", "DHE", "RSA", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"DHE-DSS-AES256-GCM-SHA384", "DHE", "DSS", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"DHE-RSA-AES256-SHA256", "DHE", "RSA", "AES256", "SHA256", 256, "HIGH", true},
	{"ADH-AES256-GCM-SHA384", "DHE", "NULL", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"ADH-AES256-SHA256", "DHE", "NULL", "AES256", "SHA256", 256, "HIGH", true},
	{"AES256-GCM-SHA384", "RSA", "RSA", "AESGCM256", "AEAD", 256, "HIGH", true},
	{"AES256-SHA256", "RSA", "RSA", "AES256", "SHA256", 256, "HIGH", true},
	{"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE", "RSA", "AESGCM128", "AEAD", 128, "HIGH", true},
	{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE", "ECDSA", "AESGCM128", "AEAD", 128, "HIGH", true},
	{"ECDHE-RSA-AES128-SHA256", "ECDHE", "RSA", "AES128", "SHA256", 128, "HIGH", true},
	{"DHE-RSA-AES128-GCM-SHA256", "DHE", "RSA", "AESGCM128", "AEAD", 128, "HIGH", true},
	{"ADH-AES128-GCM-SHA256", "DHE", "NULL", "AESGCM128", "AEAD", 128, "HIGH", true},
	{"AES128-GCM-SHA256", "RSA", "RSA", "AESGCM128", "AEAD", 128, "HIGH", true},
	{"AES128-SHA256", "RSA", "RSA", "AES128", "SHA256", 128, "HIGH", true},
	{"ECDHE-RSA-AES256-SHA", "ECDHE", "RSA", "AES256", "SHA1", 256, "HIGH", false},
	{"ECDHE-ECDSA-AES256-SHA", "ECDHE", "ECDSA", "AES256", "SHA1", 256, "HIGH", false},
	{"DHE-RSA-AES256-SHA", "DHE", "RSA", "AES256", "SHA1", 256, "HIGH", false},
	{"DHE-DSS-AES256-SHA", "DHE", "DSS", "AES256", "SHA1", 256, "HIGH", false},
	{"DHE-RSA-CAMELLIA256-SHA", "DHE", "RSA", "CAMELLIA256", "SHA1", 256, "HIGH", false},
	{"ADH-CAMELLIA256-SHA", "DHE", "NULL", "CAMELLIA256", "SHA1", 256, "HIGH", false},
	{"AECDH-AES256-SHA", "ECDHE", "NULL", "AES256", "SHA1", 256, "HIGH", false},
	{"ADH-AES256-SHA", "DHE", "NULL", "AES256", "SHA1", 256, "HIGH", false},
	{"AES256-SHA", "RSA", "RSA", "AES256", "SHA1", 256, "HIGH", false},
	{"CAMELLIA256-SHA", "RSA", "RSA", "CAMELLIA256", "SHA1", 256, "HIGH", false},
	{"ECDHE-RSA-AES128-SHA", "ECDHE", "RSA", "AES128", "SHA1", 128, "HIGH", false},
	{"DHE-RSA-AES128-SHA", "DHE", "RSA", "AES128", "SHA1", 128, "HIGH", false},
	{"AECDH-AES128-SHA", "ECDHE", "NULL", "AES128", "SHA1", 128, "HIGH", false},
	{"ADH-AES128-SHA", "DHE", "NULL", "AES128", "SHA1", 128, "HIGH", false},
	{"AES128-SHA", "RSA", "RSA", "AES128", "SHA1", 128, "HIGH", false},
	{"CAMELLIA128-SHA", "RSA", "RSA", "CAMELLIA128", "SHA1", 128, "HIGH", false},
	{"ECDHE-RSA-DES-CBC3-SHA", "ECDHE", "RSA", "3DES", "SHA1", 112, "MEDIUM", false},
	{"EDH-RSA-DES-CBC3-SHA", "DHE", "RSA", "3DES", "SHA1", 112, "MEDIUM", false},
	{"ADH-DES-CBC3-SHA", "DHE", "NULL", "3DES", "SHA1", 112, "MEDIUM", false},
	{"DES-CBC3-SHA", "RSA", "RSA", "3DES", "SHA1", 112, "MEDIUM", false},
	{"SEED-SHA", "RSA", "RSA", "SEED", "SHA1", 128, "MEDIUM", false},
	{"ADH-SEED-SHA", "DHE", "NULL", "SEED", "SHA1", 128, "MEDIUM", false},
	{"ECDHE-RSA-RC4-SHA", "ECDHE", "RSA", "RC4", "SHA1", 128, "MEDIUM", false},
	{"AECDH-RC4-SHA", "ECDHE", "NULL", "RC4", "SHA1", 128, "MEDIUM", false},
	{"ADH-RC4-MD5", "DHE", "NULL", "RC4", "MD5", 128, "MEDIUM", false},
	{"RC4-SHA", "RSA", "RSA", "RC4", "SHA1", 128, "MEDIUM", false},
	{"RC4-MD5", "RSA", "RSA", "RC4", "MD5", 128, "MEDIUM", false},
	{"EDH-RSA-DES-CBC-SHA", "DHE", "RSA", "DES", "SHA1", 56, "LOW", false},
	{"ADH-DES-CBC-SHA", "DHE", "NULL", "DES", "SHA1", 56, "LOW", false},
	{"DES-CBC-SHA", "RSA", "RSA", "DES", "SHA1", 56, "LOW", false},
	{"EXP-RC4-MD5", "RSA", "RSA", "RC4", "MD5", 40, "EXPORT", false},
	{"EXP-ADH-RC4-MD5", "DHE", "NULL", "RC4", "MD5", 40, "EXPORT", false},
	{"NULL-SHA", "RSA", "RSA", "NULL", "SHA1", 0, "LOW", false},
	{"AECDH-NULL-SHA", "ECDHE", "NULL", "NULL", "SHA1", 0, "LOW", false},
}

func (c suite) anonymous() bool { return c.au == "NULL" }

// matchAlias answers whether one OpenSSL alias (no '+' combinations) selects
// the suite. Unknown words select nothing, as in OpenSSL.
func matchAlias(alias string, c suite) bool {
	switch strings.ToUpper(alias) {
	case "ALL":
		return c.enc != "NULL"
	case "COMPLEMENTOFALL", "ENULL", "NULL":
		return c.enc == "NULL"
	case "HIGH", "MEDIUM", "LOW":
		return c.strength == strings.ToUpper(alias) && c.enc != "NULL"
	case "EXPORT", "EXP":
		return c.strength == "EXPORT"
	case "ANULL":
		return c.anonymous()
	case "ADH":
		return c.kx == "DHE" && c.anonymous()
	case "AECDH":
		return c.kx == "ECDHE" && c.anonymous()
	case "ARSA":
		return c.au == "RSA"
	case "ADSS", "DSS":
		return c.au == "DSS"
	case "AECDSA", "ECDSA":
		return c.au == "ECDSA"
	case "KRSA", "RSA":
		return c.kx == "RSA"
	case "KEDH", "KDHE":
		return c.kx == "DHE"
	case "EDH", "DHE":
		return c.kx == "DHE" && !c.anonymous()
	case "KEECDH", "KECDHE", "ECDH":
		return c.kx == "ECDHE"
	case "EECDH", "ECDHE":
		return c.kx == "ECDHE" && !c.anonymous()
	case "AES":
		return strings.HasPrefix(c.enc, "AES")
	case "AESGCM":
		return strings.HasPrefix(c.enc, "AESGCM")
	case "AES128":
		return c.enc == "AES128" || c.enc == "AESGCM128"
	case "AES256":
		return c.enc == "AES256" || c.enc == "AESGCM256"
	case "CAMELLIA":
		return strings.HasPrefix(c.enc, "CAMELLIA")
	case "CAMELLIA128", "CAMELLIA256":
		return c.enc == strings.ToUpper(alias)
	case "3DES":
		return c.enc == "3DES"
	case "DES":
		return c.enc == "DES"
	case "RC4", "SEED":
		return c.enc == strings.ToUpper(alias)
	case "MD5", "SHA256", "SHA384":
		return c.mac == strings.ToUpper(alias)
	case "SHA1", "SHA":
		return c.mac == "SHA1"
	case "SSLV3", "TLSV1":
		return !c.tls12
	case "TLSV1.2":
		return c.tls12
	case "SSLV2":
		return false
	}
	return strings.EqualFold(alias, c.name)
}

// evalCiphers applies an OpenSSL cipher string in order: a plain word adds
// suites, '-' removes them (a later word may add them back), '!' removes them
// for good, '+' moves them to the end, @STRENGTH sorts by key length.
func evalCiphers(spec string) []suite {
	var list []suite
	banned := map[string]bool{}
	in := func(name string) int {
		for i, c := range list {
			if c.name == name {
				return i
			}
		}
		return -1
	}
	words := strings.FieldsFunc(spec, func(r rune) bool { return r == ':' || r == ',' || r == ' ' })
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.EqualFold(w, "DEFAULT") {
			words = append(words[:i+1], append([]string{"ALL", "!aNULL", "!eNULL"}, words[i+1:]...)...)
			continue
		}
		if strings.EqualFold(w, "@STRENGTH") {
			sort.SliceStable(list, func(a, b int) bool { return list[a].bits > list[b].bits })
			continue
		}
		if strings.HasPrefix(w, "@") {
			continue
		}
		op := byte(0)
		if strings.ContainsRune("!-+", rune(w[0])) {
			op, w = w[0], w[1:]
		}
		var sel []suite
		for _, c := range suites {
			all := w != ""
			for _, part := range strings.Split(w, "+") {
				all = all && matchAlias(part, c)
			}
			if all {
				sel = append(sel, c)
			}
		}
		for _, c := range sel {
			switch op {
			case '!':
				banned[c.name] = true
				fallthrough
			case '-':
				if j := in(c.name); j >= 0 {
					list = append(list[:j], list[j+1:]...)
				}
			case '+':
				if j := in(c.name); j >= 0 {
					list = append(append(list[:j], list[j+1:]...), c)
				}
			default:
				if !banned[c.name] && in(c.name) < 0 {
					list = append(list, c)
				}
			}
		}
	}
	return list
}

// admitsANULL reports whether the cipher string leaves any anonymous suite.
func admitsANULL(spec string) bool {
	for _, c := range evalCiphers(spec) {
		if c.anonymous() {
			return true
		}
	}
	return false
}

// negotiate picks the suite a server would choose against a client offering
// clientSpec. The simulated SMA prefers anonymous suites when it offers them
// at all (that is how the seed's ADH-CAMELLIA256-SHA came about), then
// authenticated ones if it has a certificate.
func negotiate(clientSpec string, tls12, anonOffered, cert bool) (suite, bool) {
	offered := map[string]bool{}
	for _, c := range evalCiphers(clientSpec) {
		if tls12 || !c.tls12 {
			offered[c.name] = true
		}
	}
	for _, anonPass := range []bool{true, false} {
		for _, c := range suites {
			if c.anonymous() != anonPass || !offered[c.name] || c.enc == "NULL" {
				continue
			}
			if (anonPass && anonOffered) || (!anonPass && cert) {
				return c, true
			}
		}
	}
	return suite{}, false
}

// verifyLine renders a suite the way `openssl ciphers -v` (and so sslconfig
// VERIFY) does.
func (c suite) verifyLine() string {
	kx := map[string]string{"RSA": "RSA", "DHE": "DH", "ECDHE": "ECDH"}[c.kx]
	au := map[string]string{"RSA": "RSA", "DSS": "DSS", "ECDSA": "ECDSA", "NULL": "None"}[c.au]
	proto := "SSLv3"
	if c.tls12 {
		proto = "TLSv1.2"
	}
	enc := c.enc
	if c.enc != "NULL" {
		enc = fmt.Sprintf("%s(%d)", strings.TrimRight(c.enc, "0123456789"), c.bits)
	} else {
		enc = "None"
	}
	return fmt.Sprintf("%-30s %-7s Kx=%-5s Au=%-5s Enc=%-15s Mac=%s", c.name, proto, kx, au, enc, c.mac)
}
