package asyncos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var (
	tlsConnectingRE  = regexp.MustCompile(`(?i)^connecting to (\S+) on port (\d+)`)
	tlsConnectedRE   = regexp.MustCompile(`(?i)^connected to (\S+?)\.? from interface (\S+?)\.?$`)
	tlsEstablishedRE = regexp.MustCompile(`(?i)tls connection established:\s*protocol\s+([^,\s]+),\s*cipher\s+(\S+?)\.?$`)
	tlsFailedRE      = regexp.MustCompile(`(?i)^tls connection to \S+ failed:\s*(.+?)\.?$`)
	connFailedRE     = regexp.MustCompile(`(?i)^connection to \S+ failed:\s*(.+?)\.?$`)
)

// ParseTLSVerify reads a `tlsverify` dialog: the domain and host typed at
// its two prompts, whether TCP connected and from which interface, the
// negotiated protocol and cipher, the certificate check and the outcome.
func ParseTLSVerify(text string) (*facts.TLSVerify, []facts.Warning, error) {
	const cmd = "tlsverify"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	v := &facts.TLSVerify{Evidence: evidence(cmd)}
	var warns []facts.Warning
	question := ""
	answers := 0
	started := false // "Connecting to …" seen: the verification ran
	succeeded := false
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		if t == "" {
			continue
		}
		if sp, ok := parseSubPrompt(t); ok && !started {
			// Prompts are told apart by their question; the order is the
			// fallback when a paste lost the question.
			q := question
			if q == "" {
				q = [...]string{"domain", "host"}[min(answers, 1)]
			}
			if q == "domain" {
				v.Domain = sp.value()
			} else {
				v.Host, v.Port = splitHostPort(sp.value(), 25)
			}
			answers++
			question = ""
			addEvidence(&v.Evidence, t)
			continue
		}
		if m := tlsConnectingRE.FindStringSubmatch(t); m != nil {
			started = true
			v.Host = m[1]
			v.Port, _ = strconv.Atoi(m[2])
			addEvidence(&v.Evidence, t)
			continue
		}
		if m := tlsConnectedRE.FindStringSubmatch(t); m != nil {
			v.Connected = true
			v.Interface = m[2]
			addEvidence(&v.Evidence, t)
			continue
		}
		if m := tlsEstablishedRE.FindStringSubmatch(t); m != nil {
			v.Protocol, v.Cipher = m[1], m[2]
			addEvidence(&v.Evidence, t)
			continue
		}
		if m := tlsFailedRE.FindStringSubmatch(t); m != nil {
			if v.Failure == "" {
				v.Failure = m[1]
			}
			addEvidence(&v.Evidence, t)
			continue
		}
		if m := connFailedRE.FindStringSubmatch(t); m != nil {
			if v.Failure == "" {
				v.Failure = m[1]
			}
			addEvidence(&v.Evidence, t)
			continue
		}
		switch {
		case strings.Contains(lt, "tls domain"):
			question = "domain"
		case strings.Contains(lt, "destination host"):
			question = "host"
		case strings.Contains(lt, "no certificate"):
			v.NoCertificate = true
			if v.Failure == "" && strings.HasPrefix(lt, "certificate verification failed") {
				v.Failure = strings.TrimSuffix(afterColon(t), ".")
			}
			addEvidence(&v.Evidence, t)
		case strings.HasPrefix(lt, "certificate verification failed"):
			if v.Failure == "" {
				v.Failure = strings.TrimSuffix(afterColon(t), ".")
			}
			addEvidence(&v.Evidence, t)
		case strings.Contains(lt, "certificate verified"):
			v.Verified = true
			addEvidence(&v.Evidence, t)
		case strings.Contains(lt, "successfully connected") || (strings.HasPrefix(lt, "tls connection to") && strings.Contains(lt, "succeeded")):
			succeeded = true
			addEvidence(&v.Evidence, t)
		case strings.HasPrefix(lt, "failed to connect"):
			if v.Failure == "" {
				v.Failure = "failed to connect"
			}
			addEvidence(&v.Evidence, t)
		case strings.HasPrefix(lt, "tls was required"):
			addEvidence(&v.Evidence, t)
		case strings.HasPrefix(lt, "checking tls"), strings.HasPrefix(lt, "verifying "),
			strings.HasPrefix(lt, "tls certificate match"), strings.HasPrefix(lt, "tls verification completed"):
		default:
			if !isDialogNoise(t) {
				warns = append(warns, warning(cmd, i+1, l))
			}
		}
	}
	if !started {
		return nil, warns, parseErr(cmd, 0, "", errors.New(`no "Connecting to" line`))
	}
	// Verified needs positive words and no failure anywhere.
	v.Verified = v.Verified && succeeded && v.Failure == "" && !v.NoCertificate
	return v, warns, nil
}

// splitHostPort reads "host" or "host:port" as tlsverify takes it.
func splitHostPort(s string, defPort int) (string, int) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, ":"); i > 0 && !strings.Contains(s[:i], ":") {
		if n, err := strconv.Atoi(s[i+1:]); err == nil && n > 0 && n <= 65535 {
			return s[:i], n
		}
	}
	return s, defPort
}
