package asyncos

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Eras of the sslconfig settings block.
const (
	SSLEraPre95 = "pre-9.5" // "X ciphers: A:B:C" on one line, sslv3tlsv1 methods
	SSLEra95    = "9.5+"    // one cipher token per line
	SSLEra120   = "12.0+"   // no methods; "Currently enabled protocol(s) for X are …"
)

var (
	sslMethodRE   = regexp.MustCompile(`(?i)^(.+?)\s+method:\s*(.*)$`)
	sslCiphersRE  = regexp.MustCompile(`(?i)^(.+?)\s+ciphers?:\s*(.*)$`)
	sslVersionsRE = regexp.MustCompile(`(?i)^currently enabled protocol\(?s?\)? for (.+?) (?:are|is):?\s*(.*?)\.?$`)
	cipherTokenRE = regexp.MustCompile(`^[!+@-]?[A-Za-z0-9][A-Za-z0-9_.+=-]*$`)
)

// ParseSSLConfig reads the `sslconfig` settings in any of the three
// renderings. When the output holds several settings blocks (the command
// re-prints them after an edit) and the last differs from the first, the
// run staged an edit: the first block is what the appliance runs, the last
// is Staged until a commit (the session's reading, settleSSL, decides).
func ParseSSLConfig(text string) (*facts.SSLConfig, []facts.Warning, error) {
	const cmd = "sslconfig"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	type block struct {
		services []facts.SSLService
		evidence []string
		perLine  bool
		versions bool
	}
	var blocks []*block
	var cur *block
	var warns []facts.Warning
	inBlock := false // false after a menu or question: the next label starts a new block
	tokensFor := -1  // service index collecting one-per-line cipher tokens
	service := func(name string) int {
		for i := range cur.services {
			if strings.EqualFold(cur.services[i].Name, name) {
				return i
			}
		}
		cur.services = append(cur.services, facts.SSLService{Name: name})
		return len(cur.services) - 1
	}
	open := func() {
		if !inBlock || cur == nil {
			cur = &block{}
			blocks = append(blocks, cur)
			inBlock = true
		}
	}
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if tokensFor >= 0 {
			if t != "" && cipherTokenRE.MatchString(t) && !strings.Contains(t, ":") {
				s := &cur.services[tokensFor]
				if s.Ciphers != "" {
					s.Ciphers += ":"
				}
				s.Ciphers += t
				cur.evidence = append(cur.evidence, t)
				continue
			}
			tokensFor = -1
		}
		if t == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSuffix(t, ":"), "sslconfig settings") {
			inBlock = false
			open()
			continue
		}
		if m := sslVersionsRE.FindStringSubmatch(t); m != nil {
			// VERSIONS lines belong to the settings shown last, also when
			// the VERSIONS sub-command printed them after a menu.
			if cur == nil {
				open()
			}
			idx := service(m[1])
			vs := []string{}
			for _, v := range strings.Split(strings.ReplaceAll(m[2], " and ", ","), ",") {
				v = strings.TrimSpace(v)
				if v != "" {
					vs = append(vs, v)
				}
			}
			cur.services[idx].Versions = vs
			cur.versions = true
			cur.evidence = append(cur.evidence, t)
			continue
		}
		if _, ok := parseSubPrompt(t); !ok {
			if m := sslMethodRE.FindStringSubmatch(t); m != nil && !strings.HasPrefix(strings.ToLower(t), "enter ") {
				open()
				cur.services[service(m[1])].Method = m[2]
				cur.evidence = append(cur.evidence, t)
				continue
			}
			if m := sslCiphersRE.FindStringSubmatch(t); m != nil && !strings.HasPrefix(strings.ToLower(t), "enter ") {
				open()
				idx := service(m[1])
				cur.evidence = append(cur.evidence, t)
				if v := strings.TrimSpace(m[2]); v != "" {
					cur.services[idx].Ciphers = v
				} else {
					cur.services[idx].Ciphers = ""
					cur.perLine = true
					tokensFor = idx
				}
				continue
			}
		}
		if isDialogNoise(t) {
			inBlock = false
			continue
		}
		if inBlock {
			warns = append(warns, warning(cmd, i+1, l))
		}
	}
	var first, last *block
	for _, b := range blocks {
		if len(b.services) > 0 {
			if first == nil {
				first = b
			}
			last = b
		}
	}
	if last == nil {
		return nil, warns, parseErr(cmd, 0, "", errors.New("no ssl settings block"))
	}
	cfg := &facts.SSLConfig{Era: SSLEraPre95, Services: first.services, Evidence: evidence(cmd)}
	switch {
	case last.versions:
		cfg.Era = SSLEra120
	case last.perLine:
		cfg.Era = SSLEra95
	}
	cfg.Evidence.Lines = append(cfg.Evidence.Lines, first.evidence...)
	if !sameServices(first.services, last.services) {
		staged := *cfg
		staged.Services = last.services
		staged.Evidence = evidence(cmd)
		staged.Evidence.Lines = append(staged.Evidence.Lines, last.evidence...)
		cfg.Staged = &staged
	}
	return cfg, warns, nil
}

// sameServices is whether two settings blocks show the same settings. A
// block that shows fewer services, or protocol versions the other does not
// print, changes only what both show.
func sameServices(a, b []facts.SSLService) bool {
	for _, y := range b {
		i := slices.IndexFunc(a, func(x facts.SSLService) bool { return strings.EqualFold(x.Name, y.Name) })
		if i < 0 {
			return false
		}
		x := a[i]
		if x.Method != y.Method || x.Ciphers != y.Ciphers || (len(x.Versions) > 0 && len(y.Versions) > 0 && !slices.Equal(x.Versions, y.Versions)) {
			return false
		}
	}
	return true
}
