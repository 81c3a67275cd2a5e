package tui

import (
	"fmt"
	"strings"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// homeLife is Home's third row on a tall screen: the member's stays, the
// campaigns open for pledges and their cases, each with where to go next.
// Every line is what the member could otherwise only find tab by tab.
func (h *home) homeLife(t *themes.Theme, s *snapshot, rows int) string {
	body := max(rows-3, 1)
	cap := func(lines []string, more string) string {
		if len(lines) > body {
			lines = append(lines[:body-1], t.Muted.Render(more))
		}
		return strings.Join(lines, "\n")
	}
	var stays []string
	if d := s.housing; d != nil {
		names := map[uint64]string{}
		for _, sp := range d.spaces {
			names[sp.ID] = sp.Name
		}
		for _, b := range d.bookings {
			if b.Member != s.me.ID || (b.Status != state.BookConfirmed && b.Status != state.BookPending && b.Status != state.BookWaitlisted) {
				continue
			}
			st := t.Good.Render("booked")
			if b.Status != state.BookConfirmed {
				st = t.Warn.Render(statusWords(b.Status))
			}
			stays = append(stays, t.Text.Render(line(b.From)+" → "+line(b.To)+"  ")+st+t.Muted.Render("  "+line(names[b.Space])))
		}
		if len(stays) == 0 {
			stays = append(stays, t.Muted.Render(fmt.Sprintf("No stays booked; %s to book.", plural(len(d.spaces), "space", "spaces"))),
				t.Muted.Render("Book one in 4 Housing."))
		}
	}
	var camps []string
	if d := s.campaigns; d != nil {
		for _, c := range d.list {
			if c.State != state.CampaignOpen {
				continue
			}
			camps = append(camps, t.Accent.Render(fmt.Sprintf("%3d%% ", percent(c.Pledged, c.Goal)))+t.Text.Render(line(c.Title)))
		}
		if len(camps) == 0 {
			camps = append(camps, t.Muted.Render("No campaign is open. Start one in 3 Treasury, f."))
		}
	}
	var cases []string
	for _, c := range s.cases {
		if c.Filer != s.me.ID && c.Respondent != s.me.ID && c.Moderator != s.me.ID {
			continue
		}
		cases = append(cases, t.Muted.Render(fmt.Sprintf("#%d ", c.ID))+t.Subtle.Render(line(c.State)+" ")+t.Text.Render(line(c.Title)))
	}
	if len(cases) == 0 {
		cases = append(cases, t.Good.Render("✓ no cases of yours"))
	}
	return grid(t, h.w, [][2]string{
		{"Your stays", cap(stays, "… more in 4 Housing")},
		{"Campaigns open", cap(camps, "… more in 3 Treasury")},
		{"Your cases", cap(cases, "… more in 5 Disputes")},
	})
}
