package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

func pct(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	return fmt.Sprintf("%.2f%%", float64(bp)/100)
}

// --- tally bars ---

// seg is one part of a proportional bar: a count, a glyph that tells it
// apart without colour, and its colour.
type seg struct {
	n     int
	glyph string
	style func(*themes.Theme) lipgloss.Style
}

var (
	segYes     = func(t *themes.Theme) lipgloss.Style { return t.Good }
	segNo      = func(t *themes.Theme) lipgloss.Style { return t.Bad }
	segAbstain = func(t *themes.Theme) lipgloss.Style { return t.Muted }
	segLead    = func(t *themes.Theme) lipgloss.Style { return t.Accent }
	segRest    = func(t *themes.Theme) lipgloss.Style { return t.Muted }
)

// tallySegments is the list's compact view of a tally: yes/no/abstain
// proportions, or for other methods the leading option's share.
func tallySegments(tl *state.Tally) ([]seg, string) {
	if tl.Hidden {
		return nil, "hidden"
	}
	if tl.Method == state.MethodYesNo {
		if tl.Yes+tl.No+tl.Abstain == 0 {
			return nil, "no votes"
		}
		label := fmt.Sprintf("%d yes %d no", tl.Yes, tl.No)
		if tl.Abstain > 0 {
			label += fmt.Sprintf(" %d ab", tl.Abstain)
		}
		return []seg{{tl.Yes, "█", segYes}, {tl.No, "▓", segNo}, {tl.Abstain, "▒", segAbstain}}, label
	}
	counts := optionCounts(tl)
	lead, total := -1, 0
	for i, n := range counts {
		total += n
		if n > 0 && (lead < 0 || n > counts[lead]) {
			lead = i
		}
	}
	if tl.Winner >= 0 && tl.Winner < len(counts) {
		lead = tl.Winner
	}
	if lead < 0 || total == 0 {
		return nil, "no votes"
	}
	name := ""
	if lead < len(tl.Options) {
		name = line(tl.Options[lead])
	}
	return []seg{{counts[lead], "█", segLead}, {total - counts[lead], "░", segRest}},
		fmt.Sprintf("%s %d", clip(name, 10), counts[lead])
}

// optionCounts is the weight per option: approvals or score totals, or the
// last round of a ranked count.
func optionCounts(tl *state.Tally) []int {
	if tl.Method == state.MethodRanked {
		if len(tl.Rounds) == 0 {
			return make([]int, len(tl.Options))
		}
		return tl.Rounds[len(tl.Rounds)-1].Counts
	}
	if len(tl.Counts) == 0 {
		return make([]int, len(tl.Options))
	}
	return tl.Counts
}

// bar draws segments proportionally in w cells; with no counts it is a
// dotted line.
func bar(t *themes.Theme, segs []seg, w int, styled bool) string {
	if w <= 0 {
		return ""
	}
	counts := make([]int, len(segs))
	for i, s := range segs {
		counts[i] = s.n
	}
	cells := apportion(counts, w)
	var b strings.Builder
	used := 0
	for i, s := range segs {
		part := repeat(s.glyph, cells[i])
		used += cells[i]
		if styled && part != "" {
			part = s.style(t).Render(part)
		}
		b.WriteString(part)
	}
	if used < w {
		rest := repeat("·", w-used)
		if styled {
			rest = t.Muted.Render(rest)
		}
		b.WriteString(rest)
	}
	return b.String()
}

// apportion splits w cells between counts in proportion (largest
// remainder), giving every non-zero count at least one cell when it can.
func apportion(counts []int, w int) []int {
	out := make([]int, len(counts))
	total := 0
	for _, n := range counts {
		total += max(n, 0)
	}
	if total <= 0 || w <= 0 {
		return out
	}
	rem := make([]int, len(counts))
	used := 0
	for i, n := range counts {
		n = max(n, 0)
		out[i], rem[i] = n*w/total, n*w%total
		used += out[i]
	}
	for used < w {
		best := -1
		for i, n := range counts {
			if n > 0 && rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out[best]++
		rem[best] = -1
		used++
	}
	for i, n := range counts {
		if n > 0 && out[i] == 0 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			if out[big] > 1 {
				out[big]--
				out[i]++
			}
		}
	}
	return out
}

// --- detail ---
