package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
	"github.com/polis-hub/polis/themes"
)

// current is the open proposal: with its thread once the snapshot that
// read it arrived, from the list until then.
func (p *proposalsTab) current() *state.ProposalView {
	id := p.c.openProp
	if id == 0 {
		return nil
	}
	if o := p.c.snap.open; o != nil && keyOf(o) == id {
		return o
	}
	if i := p.find(id); i >= 0 {
		return &p.props()[i]
	}
	return nil
}

func (p *proposalsTab) withThread() bool {
	o := p.c.snap.open
	return o != nil && keyOf(o) == p.c.openProp
}

const sideW = 44

func (p *proposalsTab) wide() bool { return p.w >= 110 }

func (p *proposalsTab) detailView(t *themes.Theme) string {
	v := p.current()
	now := p.c.now()
	var b strings.Builder
	b.WriteString(t.Heading.Render(clip(label(v)+" "+line(v.Title), max(p.w, 1))) + "\n")
	b.WriteString(t.Muted.Render(clip(p.meta(v, now), max(p.w, 1))) + "\n\n")
	inputH := 0
	switch {
	case p.inputOn == inputBallot && p.ballot != nil:
		inputH = min(p.ballot.height()+1, max(p.h/2, 3))
	case p.inputOn != inputNone:
		inputH = 3
	}
	vh := max(p.h-3-inputH, 1)
	mainW := p.w
	if p.wide() {
		mainW = min(p.w-sideW-3, 96) // the tally stays next to the text
	}
	p.vp.SetWidth(max(mainW, 1))
	p.vp.SetHeight(vh)
	if p.vpDirty || p.vpFor != keyOf(v) {
		p.vpDirty, p.vpFor = false, keyOf(v)
		var content string
		if p.wide() {
			content = p.bodyAndThread(t, v, mainW)
		} else {
			content = p.sidebar(t, v, mainW, true) + "\n\n" + p.bodyAndThread(t, v, mainW)
		}
		p.vp.SetContent(content)
		if p.toEnd && p.withThread() {
			p.toEnd = false
			p.vp.GotoBottom()
		}
	}
	if p.wide() {
		side := p.sidebar(t, v, sideW, false)
		rule := t.Rule.Render(strings.TrimSuffix(repeat("│\n", vh), "\n"))
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, fit(p.vp.View(), mainW, vh), " ", rule, " ", side))
	} else {
		b.WriteString(p.vp.View())
	}
	if p.inputOn != inputNone {
		b.WriteString("\n" + p.inputView(t, v))
	}
	return b.String()
}

func (p *proposalsTab) meta(v *state.ProposalView, now time.Time) string {
	parts := []string{line(v.Kind), methodName(v.Method), "by " + authorName(v)}
	switch v.State {
	case state.PropActive:
		left := time.UnixMilli(v.Deadline).Sub(now)
		if left > 0 {
			parts = append(parts, "open", duration(left)+" left (closes "+when(v.Deadline)+")")
		} else {
			parts = append(parts, "voting ended "+when(v.Deadline)+", counting")
		}
	case state.PropDraft:
		parts = append(parts, "your draft: only you see it")
	default:
		s := line(v.State)
		if v.Closed > 0 {
			s += " " + when(v.Closed)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

func authorName(v *state.ProposalView) string {
	if n := line(v.AuthorName); n != "" {
		return n
	}
	return fmt.Sprintf("#%d", v.Author)
}

func methodName(m string) string {
	switch m {
	case state.MethodYesNo:
		return "yes/no"
	case state.MethodRanked:
		return "ranked choice"
	}
	return line(m)
}

func (p *proposalsTab) inputView(t *themes.Theme, v *state.ProposalView) string {
	if p.inputOn == inputBallot && p.ballot != nil {
		title := fmt.Sprintf("Your %s ballot on %s", methodName(v.Method), label(v))
		if p.busy {
			title += " · sending…"
		}
		return fit(p.ballot.view(t, title, p.w), p.w, max(p.h/2, 3)-1)
	}
	title := "Comment on " + label(v)
	if p.inputOn == inputBallot {
		title = fmt.Sprintf("Your %s ballot on %s", methodName(v.Method), label(v))
	}
	hint := "enter sends · esc cancels"
	if p.busy {
		hint = "sending…"
	}
	p.input.SetWidth(max(p.w-4, 1))
	return t.Accent.Render(title) + "  " + t.Muted.Render(hint) + "\n" +
		t.InputPrompt.Render("› ") + p.input.View()
}

// sidebar is the tally and the member's own vote, w cells wide; compact
// packs the facts into fewer lines for the top of a narrow screen.
func (p *proposalsTab) sidebar(t *themes.Theme, v *state.ProposalView, w int, compact bool) string {
	w = max(w, 1)
	tl := &v.Tally
	var out []string
	add := func(s string) { out = append(out, s) }
	title := "Tally"
	switch {
	case v.State == state.PropActive:
		title = "Live tally"
	case v.Draft != 0:
		title = "Draft"
	}
	add(t.Heading.Render(title))
	switch {
	case v.Draft != 0:
		// A draft is not in the log: it has no votes, no thread and no
		// receipt, only a way to publish it.
		add(t.Muted.Render(wrap(draftHint(v)+".", w)))
		return strings.Join(out, "\n")
	case v.State == state.PropCancelled:
		add(t.Muted.Render("no votes: cancelled"))
	case tl.Hidden:
		add(t.Muted.Render(wrap("The counts are secret until voting closes.", w)))
	case v.Method == state.MethodYesNo:
		total := tl.Yes + tl.No + tl.Abstain
		for _, r := range []struct {
			name string
			n    int
			s    seg
		}{{"yes", tl.Yes, seg{glyph: "█", style: segYes}}, {"no", tl.No, seg{glyph: "▓", style: segNo}}, {"abstain", tl.Abstain, seg{glyph: "▒", style: segAbstain}}} {
			add(optionBar(t, r.name, 8, r.n, total, r.s, w, false))
		}
	default:
		counts := optionCounts(tl)
		total := 0
		for _, n := range counts {
			total += n
		}
		if v.Method == state.MethodApproval {
			// A voter approves any number of options: what tells is the
			// share of voters who approve each, not of all approvals.
			total = max(tl.Participants, 1)
		}
		nameW := 7
		for i, o := range tl.Options {
			nameW = max(nameW, ansi.StringWidth(fmt.Sprintf("%d %s", i+1, line(o)))+1)
		}
		nameW = min(nameW, 18)
		for i, o := range tl.Options {
			n := 0
			if i < len(counts) {
				n = counts[i]
			}
			add(optionBar(t, fmt.Sprintf("%d %s", i+1, line(o)), nameW, n, total, seg{glyph: "█", style: segLead}, w, i == tl.Winner))
		}
		if v.Method == state.MethodRanked && len(tl.Rounds) > 1 {
			add(t.Muted.Render(clip(fmt.Sprintf("final of %d instant-runoff rounds", len(tl.Rounds)), w)))
		}
		if v.Method == state.MethodApproval {
			add(t.Muted.Render(clip("share of voters approving each option", w)))
		}
		if v.Method == state.MethodScore {
			add(t.Muted.Render(clip(fmt.Sprintf("score totals, 0-%d per voter", tally.MaxScore), w)))
		}
	}
	if v.State != state.PropDraft && v.State != state.PropCancelled {
		add(clipLines(kv(t, p.tallyFacts(t, v, compact)), w))
	}
	add("")
	add(p.myVote(t, v, w, compact))
	return strings.Join(out, "\n")
}

// tallyFacts are turnout, delegated weight, quorum and the outcome.
func (p *proposalsTab) tallyFacts(t *themes.Theme, v *state.ProposalView, compact bool) [][2]string {
	tl := &v.Tally
	turnout := t.Text.Render(fmt.Sprintf("%d of %d members", tl.Participants, tl.Eligible))
	weight := t.Subtle.Render(fmt.Sprintf("%d direct, %d delegated", tl.DirectVoters, tl.Delegated))
	quorum := t.Good.Render("met ✓")
	if !tl.QuorumMet {
		need := (tl.QuorumBP*tl.Eligible + 9999) / 10000
		quorum = t.Warn.Render(fmt.Sprintf("%d more needed", max(need-tl.Participants, 1)))
	}
	quorum = t.Subtle.Render(pct(tl.QuorumBP)+" · ") + quorum
	passes := ""
	if v.Method == state.MethodYesNo {
		passes = t.Subtle.Render("at " + pct(tl.ThresholdBP) + " yes")
	}
	result := ""
	switch {
	case v.State == state.PropActive && !tl.Hidden:
		result = t.Warn.Render("not passing now")
		if tl.Passing {
			result = t.Good.Render("passing now")
		}
	case v.State != state.PropActive:
		result = stateStyle(t, v.State).Render(outcome(v))
	}
	sep := t.Subtle.Render(" · ")
	if compact {
		rows := [][2]string{{"Turnout", turnout + sep + weight}, {"Quorum", quorum}}
		if passes != "" {
			rows[1][1] += sep + t.Subtle.Render("passes ") + passes
		}
		if result != "" {
			rows[1][1] += sep + result
		}
		return rows
	}
	rows := [][2]string{{"Turnout", turnout}, {"Weight", weight}, {"Quorum", quorum}}
	if passes != "" {
		rows = append(rows, [2]string{"Passes", passes})
	}
	if result != "" {
		rows = append(rows, [2]string{"Outcome", result})
	}
	return rows
}

func outcome(v *state.ProposalView) string {
	switch v.State {
	case state.PropExpired:
		return "expired: quorum not met"
	case state.PropPassed, state.PropExecuted:
		if v.Method != state.MethodYesNo && v.Tally.Winner >= 0 && v.Tally.Winner < len(v.Options) {
			return line(v.State) + ": " + line(v.Options[v.Tally.Winner])
		}
	}
	return line(v.State)
}

func clipLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = clip(l, w)
	}
	return strings.Join(ls, "\n")
}

// optionBar is one labelled bar of the detail tally: name, bar, count and
// share of the votes cast.
func optionBar(t *themes.Theme, name string, nameW, n, total int, s seg, w int, winner bool) string {
	nameW = min(nameW, max(w/3, 7))
	numW := 11
	barW := min(max(w-nameW-numW-2, 0), 30)
	s.n = n
	rest := seg{n: max(total-n, 0), glyph: "░", style: func(t *themes.Theme) lipgloss.Style { return t.Rule }}
	share := "—"
	if total > 0 {
		share = fmt.Sprintf("%d%%", (n*100+total/2)/total)
	}
	mark := " "
	if winner {
		mark = "◀"
	}
	return t.Text.Render(pad(name, nameW)) + " " + bar(t, []seg{s, rest}, barW, true) + " " +
		t.Text.Render(fmt.Sprintf("%3d", n)) + t.Subtle.Render(fmt.Sprintf(" %4s", share)) + " " + t.Accent.Render(mark)
}

// myVote is the member's own vote and its receipt.
func (p *proposalsTab) myVote(t *themes.Theme, v *state.ProposalView, w int, compact bool) string {
	mv := v.MyVote
	if mv == nil {
		hint := "press v to vote"
		switch {
		case v.State != state.PropActive:
			return t.Muted.Render("You did not vote.")
		case v.Method == state.MethodYesNo:
			hint = "y yes · n no · a abstain"
		}
		if compact {
			return clip(t.Warn.Render("You have not voted: ")+t.Muted.Render(hint), w)
		}
		return t.Warn.Render("You have not voted.") + "\n" + t.Muted.Render(clip(hint, w))
	}
	signed := ""
	if mv.Signed {
		// Member-signed: the hub alone could not have written it.
		signed = " · signed by your key"
	}
	out := t.Label.Render("your vote: ") + t.Accent.Render(clip(state.BallotText(v.Method, v.Options, mv.Ballot()), max(w-11-len(signed), 1))) +
		t.Good.Render(signed)
	rc := p.c.snap.receipt
	switch {
	case !p.withThread():
		out += "\n" + t.Muted.Render(clip(fmt.Sprintf("receipt: event #%d", mv.Seq), w))
	case rc == nil || rc.Seq != mv.Seq:
		out += "\n" + t.Muted.Render(clip(fmt.Sprintf("receipt: event #%d (not readable now)", mv.Seq), w))
	default:
		sealed := t.Good.Render("sealed ✓")
		if !rc.Sealed {
			sealed = t.Warn.Render("not sealed yet")
		}
		leaf := t.Muted.Render(" · leaf " + short(rc.LeafHash))
		if !compact {
			leaf = "\n" + t.Muted.Render(clip("leaf "+short(rc.LeafHash), w))
		}
		out += "\n" + clip(t.Label.Render("receipt: ")+t.Text.Render(fmt.Sprintf("event #%d", rc.Seq))+t.Subtle.Render(" · ")+sealed+leaf, w)
	}
	return out
}

// bodyAndThread is the proposal's text and its discussion, w cells wide.
// The body is Markdown (plain text until its rendering arrives); comments
// are sanitised plain text, wrapped.
func (p *proposalsTab) bodyAndThread(t *themes.Theme, v *state.ProposalView, w int) string {
	w = max(w, 1)
	read := min(w, 80) // a calm measure for reading
	var b strings.Builder
	if body := strings.TrimSpace(text(v.Body)); body != "" {
		b.WriteString(p.md.render(p.c.md, t, body, read) + "\n")
	} else {
		b.WriteString(t.Muted.Render("(no text beyond the title)") + "\n")
	}
	b.WriteString("\n")
	if v.Draft != 0 {
		return b.String()
	}
	if !p.withThread() {
		b.WriteString(t.Muted.Render("reading the discussion…"))
		return b.String()
	}
	names := map[uint64]string{}
	for _, m := range p.c.snap.members {
		names[m.ID] = m.Name
	}
	b.WriteString(t.Heading.Render(fmt.Sprintf("Discussion (%d)", len(v.Comments))) + "\n")
	if len(v.Comments) == 0 {
		b.WriteString(t.Muted.Render("No comments yet. Press c to add one."))
	}
	for i, c := range v.Comments {
		if i > 0 {
			b.WriteString("\n\n")
		}
		who := line(names[c.Author])
		if who == "" {
			who = fmt.Sprintf("#%d", c.Author)
		}
		b.WriteString(t.Accent.Render(clip(who, max(read-22, 1))) + t.Muted.Render(" · "+when(c.Time)) + "\n")
		b.WriteString(indent(t.Text.Render(wrap(strings.TrimSpace(text(c.Body)), max(read-2, 1))), 2))
	}
	return b.String()
}
