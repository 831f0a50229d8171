package transport

import (
	"slices"

	"golang.org/x/crypto/ssh"
)

// legacyExtras are the algorithms --legacy-ssh-algorithms adds; old AsyncOS
// releases offer nothing newer.
var legacyExtras = ssh.Algorithms{
	KeyExchanges: []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1},
	Ciphers:      []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC},
	MACs:         []string{ssh.HMACSHA1},
	HostKeys:     []string{ssh.KeyAlgoRSA},
}

// algorithms returns what the client offers. x/crypto's own defaults already
// include some SHA-1 algorithms, so the secure set is spelled out here.
func algorithms(legacy bool) ssh.Algorithms {
	a := ssh.SupportedAlgorithms()
	a.MACs = slices.DeleteFunc(a.MACs, func(m string) bool { return m == ssh.HMACSHA1 })
	if legacy {
		a.KeyExchanges = append(a.KeyExchanges, legacyExtras.KeyExchanges...)
		a.Ciphers = append(a.Ciphers, legacyExtras.Ciphers...)
		a.MACs = append(a.MACs, legacyExtras.MACs...)
		a.HostKeys = append(a.HostKeys, legacyExtras.HostKeys...)
	}
	return a
}

// hostKeyAlgorithmsFor maps the key types known_hosts records for a host to
// the host key algorithms to offer. Offering only these avoids the
// x/crypto/ssh pitfall where the server picks a key type we have no entry
// for and a valid host looks like a changed key.
func hostKeyAlgorithmsFor(keyTypes []string, legacy bool) []string {
	var out []string
	for _, t := range keyTypes {
		var algs []string
		switch t {
		case ssh.KeyAlgoRSA:
			algs = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
			if legacy {
				algs = append(algs, ssh.KeyAlgoRSA)
			}
		case ssh.CertAlgoRSAv01:
			algs = []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01}
			if legacy {
				algs = append(algs, ssh.CertAlgoRSAv01)
			}
		default:
			algs = []string{t}
		}
		for _, a := range algs {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// keyTypeOfAlgorithm is the inverse of hostKeyAlgorithmsFor for one name.
func keyTypeOfAlgorithm(alg string) string {
	switch alg {
	case ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512:
		return ssh.KeyAlgoRSA
	case ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSASHA512v01:
		return ssh.CertAlgoRSAv01
	}
	return alg
}
