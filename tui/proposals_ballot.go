package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
	"github.com/polis-hub/polis/themes"
)

// ballot is a vote being marked on a proposal with options: approval
// toggles, ranked reorders, score picks 0-5, all with the keys, rather
// than a typed line like "2,1,3" that is easy to get wrong.
type ballot struct {
	method  string
	options []string
	cursor  int   // a row of rows
	rows    []int // option indexes in the order shown (ranked: the ranking)
	ranked  int   // ranked: how many of rows are ranked; the rest are left out
	on      []bool
	scores  []int

	keyMove, keyToggle, keyUp, keyDown, keyScore, keySend, keyEsc key.Binding
}

func newBallot(v *state.ProposalView) *ballot {
	n := len(v.Options)
	b := &ballot{method: v.Method, options: v.Options, on: make([]bool, n), scores: make([]int, n), ranked: n,
		keyMove:   bind([]string{"up", "down", "k", "j"}, "↑/↓", "option"),
		keyToggle: bind([]string{"space", "x"}, "space", "approve"),
		keyUp:     bind([]string{"K", "shift+up"}, "K/J", "move up/down"),
		keyDown:   bind([]string{"J", "shift+down"}, "J", "move down"),
		keyScore:  bind([]string{"left", "right", "0", "1", "2", "3", "4", "5"}, "←/→ 0-5", "score"),
		keySend:   bind([]string{"enter"}, "enter", "cast"),
		keyEsc:    bind([]string{"esc"}, "esc", "cancel"),
	}
	for i := range n {
		b.rows = append(b.rows, i)
	}
	// A ballot already cast is where the member starts from.
	if mv := v.MyVote; mv != nil {
		for _, i := range mv.Approve {
			if i >= 0 && i < n {
				b.on[i] = true
			}
		}
		if len(mv.Scores) == n {
			copy(b.scores, mv.Scores)
		}
		if len(mv.Ranking) > 0 {
			rest := slices.DeleteFunc(slices.Clone(b.rows), func(i int) bool { return slices.Contains(mv.Ranking, i) })
			b.rows = append(slices.Clone(mv.Ranking), rest...)
			b.ranked = len(mv.Ranking)
		}
	}
	if v.Method == state.MethodRanked {
		b.keyToggle = bind([]string{"space", "x"}, "space", "rank / leave out")
	}
	return b
}

func (b *ballot) keys() []key.Binding {
	switch b.method {
	case state.MethodRanked:
		return []key.Binding{b.keySend, b.keyMove, b.keyUp, b.keyToggle, b.keyEsc}
	case state.MethodScore:
		return []key.Binding{b.keySend, b.keyMove, b.keyScore, b.keyEsc}
	}
	return []key.Binding{b.keySend, b.keyMove, b.keyToggle, b.keyEsc}
}

// update handles a key; send is true when the member cast the ballot.
func (b *ballot) update(k tea.KeyPressMsg) (send, cancel bool) {
	n := len(b.rows)
	if n == 0 {
		return false, key.Matches(k, b.keyEsc)
	}
	i := b.rows[b.cursor]
	switch s := k.String(); {
	case key.Matches(k, b.keyEsc):
		return false, true
	case key.Matches(k, b.keySend):
		return true, false
	case b.method == state.MethodRanked && key.Matches(k, b.keyUp):
		if b.cursor > 0 && b.cursor < b.ranked {
			b.rows[b.cursor-1], b.rows[b.cursor] = b.rows[b.cursor], b.rows[b.cursor-1]
			b.cursor--
		}
	case b.method == state.MethodRanked && key.Matches(k, b.keyDown):
		if b.cursor < b.ranked-1 {
			b.rows[b.cursor+1], b.rows[b.cursor] = b.rows[b.cursor], b.rows[b.cursor+1]
			b.cursor++
		}
	case s == "up" || s == "k":
		b.cursor = (b.cursor + n - 1) % n
	case s == "down" || s == "j":
		b.cursor = (b.cursor + 1) % n
	case b.method == state.MethodApproval && key.Matches(k, b.keyToggle):
		b.on[i] = !b.on[i]
	case b.method == state.MethodRanked && key.Matches(k, b.keyToggle):
		// Ranking one adds it at the end of the ranking; leaving one out
		// moves it below the line.
		row := slices.Delete(slices.Clone(b.rows), b.cursor, b.cursor+1)
		if b.cursor < b.ranked {
			b.ranked--
			b.rows = append(row, i)
			b.cursor = min(b.cursor, n-1)
		} else {
			b.rows = slices.Insert(row, b.ranked, i)
			b.cursor = b.ranked
			b.ranked++
		}
	case b.method == state.MethodScore && key.Matches(k, b.keyScore):
		switch s {
		case "left":
			b.scores[i] = max(b.scores[i]-1, 0)
		case "right":
			b.scores[i] = min(b.scores[i]+1, tally.MaxScore)
		default:
			b.scores[i] = int(s[0] - '0')
		}
	}
	return false, false
}

// cast is the ballot as `vote` would send it.
func (b *ballot) cast() tally.Ballot {
	switch b.method {
	case state.MethodApproval:
		var out []int
		for i, on := range b.on {
			if on {
				out = append(out, i)
			}
		}
		return tally.Ballot{Approve: out}
	case state.MethodRanked:
		return tally.Ballot{Ranking: slices.Clone(b.rows[:b.ranked])}
	case state.MethodScore:
		return tally.Ballot{Scores: slices.Clone(b.scores)}
	}
	return tally.Ballot{}
}

func (b *ballot) height() int { return len(b.rows) + 2 }

func (b *ballot) view(t *themes.Theme, title string, w int) string {
	var out []string
	hint := map[string]string{
		state.MethodApproval: "space approves or not · enter casts · esc cancels",
		state.MethodRanked:   "K/J move · space leaves out or ranks · enter casts",
		state.MethodScore:    fmt.Sprintf("←/→ or 0-%d score the option · enter casts · esc cancels", tally.MaxScore),
	}[b.method]
	out = append(out, fitLine(t.Accent.Render(title)+"  "+t.Muted.Render(hint), w))
	for r, i := range b.rows {
		name := line(b.options[i])
		var mark string
		switch b.method {
		case state.MethodApproval:
			mark = "[ ] "
			if b.on[i] {
				mark = "[✓] "
			}
		case state.MethodRanked:
			mark = fmt.Sprintf("%2d. ", r+1)
			if r >= b.ranked {
				mark = " –  "
				name += "  (left out)"
			}
		case state.MethodScore:
			mark = strings.Repeat("★", b.scores[i]) + strings.Repeat("☆", tally.MaxScore-b.scores[i]) + fmt.Sprintf(" %d  ", b.scores[i])
		}
		row := "  " + mark + name
		if r == b.cursor {
			out = append(out, t.Selected.Render(pad("▸ "+mark+name, max(w, 1))))
			continue
		}
		if b.method == state.MethodRanked && r >= b.ranked {
			out = append(out, t.Muted.Render(clip(row, w)))
			continue
		}
		out = append(out, t.Text.Render(clip(row, w)))
	}
	return strings.Join(out, "\n")
}
