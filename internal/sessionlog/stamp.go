package sessionlog

import (
	"regexp"
	"strings"
	"time"
)

// stampStyle is one way terminal loggers prefix every line with the time:
// PuTTY and SecureCRT's "[2024-05-01 10:00:01] ", Windows Terminal and
// MobaXterm exports' "[5/1/2024 10:00:01 AM] ", moreutils ts and tmux
// pipe-pane's "2024-05-01T10:00:01.123Z ".
type stampStyle struct {
	re      *regexp.Regexp // group 1 is the time
	layouts []string
}

var stampStyles = []stampStyle{
	{regexp.MustCompile(`^\[(\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2})(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\] ?`),
		[]string{"2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02T15:04:05"}},
	{regexp.MustCompile(`^\[(\d{1,2}/\d{1,2}/\d{4},? \d{1,2}:\d{2}:\d{2}(?: ?[AP]M)?)\] ?`),
		[]string{"1/2/2006 3:04:05 PM", "1/2/2006, 3:04:05 PM", "1/2/2006 3:04:05PM", "1/2/2006 15:04:05", "1/2/2006, 15:04:05"}},
	{regexp.MustCompile(`^\[(\d{2}:\d{2}:\d{2})(?:[.,]\d+)?\] ?`), []string{"15:04:05"}},
	{regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})? `),
		[]string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"}},
	{regexp.MustCompile(`^(\d{1,2}/\d{1,2}/\d{4},? \d{1,2}:\d{2}:\d{2}(?: ?[AP]M)?) `),
		[]string{"1/2/2006 3:04:05 PM", "1/2/2006, 3:04:05 PM", "1/2/2006 15:04:05"}},
}

// stampSample is how many lines decide a file's time-stamp style, and
// stampShare the part of them (in tenths) that must carry it: a logger
// stamps every line, output that merely starts with a date does not.
const (
	stampSample = 400
	stampShare  = 6
)

// detectStamp picks the style that prefixes most of the sampled lines, or
// -1.
func detectStamp(lines []string) int {
	counts := make([]int, len(stampStyles))
	nonBlank := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonBlank++
		if !mayStartStamp(l) {
			continue
		}
		for i, st := range stampStyles {
			if st.re.MatchString(l) {
				counts[i]++
				break
			}
		}
	}
	best := -1
	for i, n := range counts {
		if n > 0 && n*10 >= nonBlank*stampShare && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	return best
}

func mayStartStamp(l string) bool {
	return l != "" && (l[0] == '[' || l[0] >= '0' && l[0] <= '9')
}

// cutStamp removes the style's prefix from l and returns the time it shows
// (zero when it does not parse, e.g. a time of day without a date).
func cutStamp(style int, l string) (string, time.Time, bool) {
	if style < 0 || !mayStartStamp(l) {
		return l, time.Time{}, false
	}
	st := stampStyles[style]
	m := st.re.FindStringSubmatchIndex(l)
	if m == nil {
		return l, time.Time{}, false
	}
	ts := l[m[2]:m[3]]
	var t time.Time
	for _, layout := range st.layouts {
		if p, err := time.Parse(layout, ts); err == nil && p.Year() > 0 {
			t = p
			break
		}
	}
	return l[m[1]:], t, true
}
