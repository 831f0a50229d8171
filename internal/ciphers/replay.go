package ciphers

import (
	"fmt"
	"strings"
)

// fate is what one replay did to one anonymous suite.
type fate struct {
	present, killed bool
	addedBy         int // token index that last added it
	killedAt        int
	goneBy          int // token index that last took it out, or whose kill blocked a later add
	goneByKill      bool
}

type outcome struct {
	admits bool
	fates  []fate
}

// run replays the steps; countMaybe(i) says whether step i's maybes count
// as matches in this replay.
func run(steps []step, countMaybe func(i int) bool) outcome {
	fates := make([]fate, len(anonSuites))
	for i, st := range steps {
		if st.op == opReorder {
			continue
		}
		for j, m := range st.match {
			if m == no || (m == maybe && !countMaybe(i)) {
				continue
			}
			f := &fates[j]
			switch st.op {
			case opAdd:
				switch {
				case f.killed:
					f.goneBy, f.goneByKill = f.killedAt, true
				case !f.present:
					f.present, f.addedBy = true, st.idx
				}
			case opRemove:
				if f.present {
					f.present, f.goneBy, f.goneByKill = false, st.idx, false
				}
			case opKill:
				// DEFAULT at the start adds ALL before it kills, so it
				// decides even for suites nothing else adds.
				if f.present || st.isDefault {
					f.goneBy, f.goneByKill = st.idx, true
				}
				if !f.killed {
					f.killed, f.killedAt = true, st.idx
				}
				f.present = false
			}
		}
	}
	o := outcome{fates: fates}
	for _, f := range fates {
		o.admits = o.admits || f.present
	}
	return o
}

func byIdx(steps []step, idx int) step { return steps[idx-1] }

// yesReason names the earliest token whose anonymous suites survive.
func yesReason(steps []step, o outcome) string {
	best := -1
	for j, f := range o.fates {
		if f.present && (best < 0 || f.addedBy < o.fates[best].addedBy) {
			best = j
		}
	}
	st := byIdx(steps, o.fates[best].addedBy)
	name := anonSuites[best].name
	if strings.TrimLeft(st.text, "+") == name {
		return fmt.Sprintf("%s (token %d) is an anonymous suite and no later -aNULL or !aNULL removes it", st.text, st.idx)
	}
	return fmt.Sprintf("%s (token %d) admits aNULL suites such as %s and no later -aNULL or !aNULL removes them", st.text, st.idx, name)
}

// noReason names the last token that took anonymous suites out, or says
// that none was ever added.
func noReason(steps []step, o outcome) string {
	last := -1
	for j, f := range o.fates {
		if f.goneBy > 0 && (last < 0 || f.goneBy > o.fates[last].goneBy) {
			last = j
		}
	}
	if last < 0 {
		return "no token admits an anonymous (aNULL) suite"
	}
	st := byIdx(steps, o.fates[last].goneBy)
	switch {
	case st.isDefault:
		return "DEFAULT (token 1) excludes aNULL suites for good and later tokens cannot re-add them"
	case o.fates[last].goneByKill:
		return fmt.Sprintf("%s (token %d) removes aNULL suites for good and later tokens cannot re-add them", st.text, st.idx)
	}
	return fmt.Sprintf("%s (token %d) removes the aNULL suites earlier tokens added and no later token re-adds them", st.text, st.idx)
}

// maxFlips bounds the replays doubtReason spends, so a hostile string of
// thousands of unknown tokens stays linear.
const maxFlips = 32

// doubtReason names the first uncertain token whose reading alone flips the
// answer, else the first uncertain token.
func doubtReason(steps []step) string {
	first := ""
	flips := 0
	for i, st := range steps {
		if st.why == "" {
			continue
		}
		if first == "" {
			first = st.why
		}
		if flips++; flips > maxFlips {
			break
		}
		flipped := run(steps, func(k int) bool {
			if k == i {
				return steps[k].op != opAdd
			}
			return steps[k].op == opAdd
		})
		if !flipped.admits {
			return st.why
		}
	}
	if first == "" {
		// Unreachable while every maybe comes with a why; kept so a future
		// alias without one still yields a sentence.
		return "the cipher string admits aNULL suites under some OpenSSL releases only"
	}
	return first
}

func lastSeclevel(steps []step) *step {
	var last *step
	for i := range steps {
		if steps[i].seclevel >= 0 {
			last = &steps[i]
		}
	}
	if last == nil || last.seclevel == 0 {
		return nil
	}
	return last
}
