package asyncos

import (
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseTelnet reads one `telnet` dialog: the interface chosen (the typed
// number mapped back to its label through the printed list), host, port and
// what came of the attempt. An attempt that just stops after "Trying …" is
// timed out only if the text ends with the "^C" a Ctrl-C prints; otherwise
// the output is incomplete and that is an error.
func ParseTelnet(text string) (*facts.Probe, []facts.Warning, error) {
	const cmd = "telnet"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	p := &facts.Probe{Evidence: evidence(cmd)}
	var warns []facts.Warning
	var items []listItem
	question := "" // what the last question asked: "interface", "host" or "port"
	trying := false
	lastData := "" // the last non-blank line: a Ctrl-C shows there
	setOutcome := func(o facts.ProbeOutcome, line string) {
		// The first decisive line wins: "Unable to connect" follows the reason.
		if p.Outcome == "" || (p.Outcome == facts.ProbeFailed && o != facts.ProbeFailed) {
			p.Outcome = o
			p.Detail = strings.TrimSpace(line)
		}
		addEvidence(&p.Evidence, line)
	}
	for i, l := range ls {
		t := strings.TrimSpace(l)
		lt := strings.ToLower(t)
		if t == "" {
			continue
		}
		if sp, ok := parseSubPrompt(t); ok && !trying {
			v := sp.value()
			switch question {
			case "interface":
				label, ok := choose(items, v)
				if !ok {
					return nil, warns, parseErr(cmd, i+1, l, errors.New("interface answer matches no listed interface"))
				}
				p.Interface = label
			case "host":
				p.Host = v
			case "port":
				port, err := strconv.Atoi(v)
				if err != nil || port <= 0 || port > 65535 {
					return nil, warns, parseErr(cmd, i+1, l, errors.New("port is not a number from 1 to 65535"))
				}
				p.Port = port
			}
			addEvidence(&p.Evidence, t)
			question = ""
			continue
		}
		if it, ok := parseListItem(t); ok && question == "interface" {
			items = append(items, it)
			continue
		}
		switch {
		case strings.Contains(lt, "interface you want to telnet from"):
			question = "interface"
		case strings.Contains(lt, "remote hostname or ip"):
			question = "host"
		case strings.Contains(lt, "remote port"):
			question = "port"
		case strings.HasPrefix(lt, "trying "):
			trying = true
			if p.Host == "" {
				rest, _ := cutPrefixFold(t, "trying ")
				p.Host = strings.TrimSuffix(strings.TrimSpace(rest), "...")
			}
			addEvidence(&p.Evidence, t)
		case strings.HasPrefix(lt, "connected to "):
			setOutcome(facts.ProbeConnected, t)
		case strings.HasPrefix(t, "220") && p.Outcome == facts.ProbeConnected && p.Banner == "":
			p.Banner = t
			addEvidence(&p.Evidence, t)
		case strings.Contains(lt, "connection refused"):
			setOutcome(facts.ProbeRefused, t)
		case strings.Contains(lt, "timed out"):
			setOutcome(facts.ProbeTimedOut, t)
		case strings.Contains(lt, "nor servname") || strings.Contains(lt, "not known") ||
			strings.Contains(lt, "unknown host") || strings.Contains(lt, "could not resolve"):
			setOutcome(facts.ProbeDNSFailure, t)
		case strings.Contains(lt, "invalid argument"):
			setOutcome(facts.ProbeInvalid, t)
		case strings.Contains(lt, "unable to connect"):
			setOutcome(facts.ProbeFailed, t)
		case strings.HasSuffix(t, "^C"):
			addEvidence(&p.Evidence, t)
		case p.Outcome == facts.ProbeConnected || isDialogNoise(t):
			// The SMTP dialogue after connecting belongs to the far end.
		default:
			warns = append(warns, warning(cmd, i+1, l))
		}
		lastData = t
	}
	if p.Outcome == "" && trying && strings.HasSuffix(lastData, "^C") {
		// Nobody answered and someone gave up waiting.
		p.Outcome, p.Detail, p.Aborted = facts.ProbeTimedOut, lastData, true
	}
	if p.Outcome == "" {
		if trying {
			return nil, warns, parseErr(cmd, 0, "", errors.New(`output ends after "Trying" with no outcome`))
		}
		return nil, warns, parseErr(cmd, 0, "", ErrUnrecognised)
	}
	if h, port, err := net.SplitHostPort(p.Host); err == nil {
		if n, err := strconv.Atoi(port); err == nil && p.Port == 0 {
			p.Host, p.Port = h, n
		}
	}
	return p, warns, nil
}
