package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/themes"
)

func (cp *campaigns) View() string {
	cp.sync()
	t := cp.c.theme
	// Wider than this, a campaign's title and its state drift apart.
	w := max(min(cp.w, 110), 1)
	if cp.form != nil {
		fw := max(min(w, 80), 6)
		return panel(t, cp.form.title, cp.form.view(t, fw-4), fw, 0)
	}
	if cp.detail {
		if c, ok := cp.selected(); ok {
			return cp.detailView(t, c)
		}
	}
	open := 0
	for _, c := range cp.all {
		if c.State == state.CampaignOpen {
			open++
		}
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render("Campaigns") + "  " + t.Muted.Render(clip(fmt.Sprintf("%d open · %d in all · esc back to the treasury", open, len(cp.all)), max(w-11, 0))) + "\n\n")
	if cp.filtering || cp.filter.Value() != "" {
		cp.filter.SetWidth(max(min(w-4, 60), 1))
		b.WriteString(cp.filter.View() + "\n")
	}
	if cp.pledging {
		b.WriteString(cp.pledgeView(t) + "\n\n")
	}
	if len(cp.rows) == 0 {
		msg := "No campaign matches."
		if len(cp.all) == 0 {
			msg = "No campaigns yet. A campaign crowdfunds something concrete: members pledge towards a goal by a deadline, and only if the goal is reached do the pledges become contributions. Press n to start one."
		}
		return b.String() + t.Muted.Render(wrap(msg, min(w, 76)))
	}
	// Two lines a campaign and a blank between.
	used := strings.Count(b.String(), "\n")
	n := max((cp.h-used+1)/3, 1)
	if cp.cursor < cp.off {
		cp.off = cp.cursor
	}
	if cp.cursor >= cp.off+n {
		cp.off = cp.cursor - n + 1
	}
	cp.off = max(min(cp.off, len(cp.rows)-n), 0)
	var rows []string
	for i := cp.off; i < len(cp.rows) && i < cp.off+n; i++ {
		rows = append(rows, cp.row(t, cp.rows[i], i == cp.cursor, w))
	}
	b.WriteString(strings.Join(rows, "\n\n"))
	if more := len(cp.rows) - cp.off - n; more > 0 {
		b.WriteString("\n" + t.Muted.Render(fmt.Sprintf("  … %d more", more)))
	}
	return b.String()
}

// row is one campaign in the list: title and state, then its progress.
func (cp *campaigns) row(t *themes.Theme, c state.Campaign, sel bool, w int) string {
	right := cp.stateText(c)
	head := fmt.Sprintf("#%d %s", c.ID, line(c.Title))
	mark := "  "
	if sel {
		mark = "▸ "
	}
	head = pad(mark+head, max(w-ansi.StringWidth(right)-2, 8)) + "  " + right
	barW := min(max(w/4, 8), 30)
	dec := cp.dec[c.Asset]
	info := fmt.Sprintf(" %3d%%  %s of %s · %s", percent(c.Pledged, c.Goal), money.Format(c.Pledged, dec),
		cp.amountOf(c.Goal, c.Asset), plural(c.Pledgers, "pledger", "pledgers"))
	if mine := cp.data().pledgeOf(c.ID, cp.me()); mine > 0 {
		info += " · you " + money.Format(mine, dec)
	}
	if sel {
		return t.Selected.Render(pad(head, w)) + "\n" + clip("    "+progress(t, c, barW)+t.Text.Render(info), w)
	}
	return clip(t.Text.Render(head), w) + "\n" + clip("    "+progress(t, c, barW)+t.Subtle.Render(info), w)
}

// stateText is where a campaign stands: time left, or how it ended.
func (cp *campaigns) stateText(c state.Campaign) string {
	switch c.State {
	case state.CampaignOpen:
		left := time.UnixMilli(c.Deadline).Sub(cp.c.now())
		if left <= 0 {
			return "closing"
		}
		return "open · " + duration(left) + " left"
	case state.CampaignSucceeded:
		return "succeeded " + state.Day(c.Closed)
	case state.CampaignFailed:
		return "ended short " + state.Day(c.Closed)
	}
	return line(c.State)
}

// percent is pledged of goal, floored, so 100% means the goal is met.
// Floats only shape the number shown; amounts stay exact everywhere else.
func percent(pledged, goal int64) int {
	if goal <= 0 || pledged <= 0 {
		return 0
	}
	p := int(math.Min(math.Floor(float64(pledged)/float64(goal)*100), 999))
	if pledged < goal {
		p = min(p, 99)
	}
	return p
}

// progress is a campaign's bar: pledged against the goal, full when met.
// The glyphs differ so the bar reads the same without colour.
func progress(t *themes.Theme, c state.Campaign, w int) string {
	fill := cells(min(c.Pledged, c.Goal), c.Goal, w)
	st := t.Accent
	switch c.State {
	case state.CampaignSucceeded:
		st = t.Good
	case state.CampaignFailed:
		st = t.Muted
	}
	return st.Render(repeat("█", fill)) + t.Muted.Render(repeat("░", w-fill))
}

func (cp *campaigns) pledgeView(t *themes.Theme) string {
	c, _ := cp.selected()
	w := max(min(cp.w, 80), 1)
	cp.amount.SetWidth(max(w-4, 1))
	hint := fmt.Sprintf("amount in %s · enter pledges · esc cancels", line(c.Asset))
	if cp.busy {
		hint = "sending…"
	}
	return t.Accent.Render(clip(fmt.Sprintf("Pledge to #%d %s", c.ID, line(c.Title)), w)) + "\n" +
		t.InputPrompt.Render("› ") + cp.amount.View() + "\n" + t.Muted.Render(clip(hint, w))
}

func (cp *campaigns) detailView(t *themes.Theme, c state.Campaign) string {
	w := max(cp.w, 1)
	rw := max(min(w, 80), 1)
	var b strings.Builder
	b.WriteString(t.Heading.Render(fmt.Sprintf("Campaign #%d", c.ID)) + "  " + t.Text.Render(clip(line(c.Title), max(w-14, 1))) + "\n")
	b.WriteString(t.Muted.Render(clip(fmt.Sprintf("%s · started by %s on %s", cp.stateText(c), cp.name(c.Creator), state.Day(c.Created)), w)) + "\n\n")
	b.WriteString(progress(t, c, min(max(rw-8, 8), 60)) + t.Text.Render(fmt.Sprintf(" %d%%", percent(c.Pledged, c.Goal))) + "\n")
	b.WriteString(t.Text.Render(clip(fmt.Sprintf("%s of %s pledged by %s", cp.amountOf(c.Pledged, c.Asset),
		cp.amountOf(c.Goal, c.Asset), plural(c.Pledgers, "member", "members")), w)) + "\n")
	b.WriteString(t.Subtle.Render(wrap(cp.outcome(c), rw)) + "\n")
	if cp.pledging {
		b.WriteString("\n" + cp.pledgeView(t) + "\n")
	}
	b.WriteString("\n" + t.Label.Render("What it funds") + "\n")
	b.WriteString(indent(t.Text.Render(wrap(strings.TrimSpace(text(c.Funds)), max(rw-2, 1))), 2) + "\n\n")
	ps := cp.data().pledges[c.ID]
	b.WriteString(t.Label.Render(fmt.Sprintf("Pledges (%d)", len(ps))) + "\n")
	if len(ps) == 0 {
		b.WriteString(t.Muted.Render("  none yet · press p to be the first"))
	}
	used := strings.Count(b.String(), "\n")
	room := max(cp.h-used, 1)
	for i, p := range ps {
		if i == room-1 && len(ps) > room {
			b.WriteString(t.Muted.Render(fmt.Sprintf("  … and %d more", len(ps)-i)))
			break
		}
		who := cp.name(p.Member)
		st := t.Text
		if p.Member == cp.me() {
			who, st = who+" (you)", t.Accent
		}
		row := "  " + pad(who, 22) + " " + padLeft(cp.amountOf(p.Amount, c.Asset), 20) + "  " + state.Day(p.Time)
		if p.Entry != 0 {
			row += fmt.Sprintf("  ledger entry #%d", p.Entry)
		}
		b.WriteString(st.Render(clip(row, w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// outcome says what the pledges are, given where the campaign stands.
func (cp *campaigns) outcome(c state.Campaign) string {
	switch c.State {
	case state.CampaignSucceeded:
		s := "The goal was reached: every pledge became a contribution to the treasury."
		if c.Proposal != 0 {
			s += fmt.Sprintf(" It paid for proposal #%d.", c.Proposal)
		}
		return s
	case state.CampaignFailed:
		return "The goal was not reached by the deadline: every pledge was released and no money moved."
	}
	return fmt.Sprintf("Pledges are promises until %s: they become contributions only if the goal is reached by then.",
		when(c.Deadline))
}
