package asyncos

import (
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseTCPServices reads `tcpservices` [I]: rows of process, pid, family,
// protocol, address:port and state under section headings. A row is found
// by its TCP/UDP column followed by an address:port, so column order and
// padding may vary.
func ParseTCPServices(text string) (*facts.TCPServices, []facts.Warning, error) {
	const cmd = "tcpservices"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	ts := &facts.TCPServices{Listeners: []facts.Listener{}, Evidence: evidence(cmd)}
	var warns []facts.Warning
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		lt := strings.ToLower(t)
		if strings.HasSuffix(lt, "processes") || strings.Contains(lt, "processes (") || strings.HasPrefix(lt, "command") {
			continue // section heading or column header
		}
		lst, ok := listenerRow(strings.Fields(t))
		if !ok {
			warns = append(warns, warning(cmd, i+1, l))
			continue
		}
		ts.Listeners = append(ts.Listeners, lst)
		addEvidence(&ts.Evidence, t)
	}
	return ts, warns, nil
}

func listenerRow(f []string) (facts.Listener, bool) {
	for i := 1; i+1 < len(f); i++ {
		p := strings.ToUpper(f[i])
		if p != "TCP" && p != "UDP" {
			continue
		}
		addr := f[i+1]
		j := strings.LastIndex(addr, ":")
		if j < 0 {
			continue
		}
		port, err := strconv.Atoi(addr[j+1:])
		if err != nil || port < 0 || port > 65535 {
			continue
		}
		return facts.Listener{Process: f[0], Proto: p, Address: addr[:j], Port: port}, true
	}
	return facts.Listener{}, false
}
