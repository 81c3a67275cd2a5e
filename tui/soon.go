package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// soonText says honestly what a screen will hold once its part of polis is
// built. These screens never show sample data.
type soonText struct {
	about string
	will  []string
}

type soon struct {
	c    *common
	name string
	txt  soonText
	w, h int
}

func newSoon(c *common, name string, txt soonText) *soon { return &soon{c: c, name: name, txt: txt} }

func (s *soon) TabName() string           { return s.name }
func (s *soon) Refresh()                  {}
func (s *soon) Capturing() bool           { return false }
func (s *soon) SetSize(w, h int)          { s.w, s.h = w, h }
func (s *soon) Update(tea.Msg) tea.Cmd    { return nil }
func (s *soon) ShortHelp() []key.Binding  { return nil }
func (s *soon) FullHelp() [][]key.Binding { return nil }

func (s *soon) View() string {
	t := s.c.theme
	w := min(s.w, 72) // a calm measure for reading
	var b strings.Builder
	b.WriteString(t.Heading.Render(s.name) + "\n")
	b.WriteString(t.Muted.Render("Nothing here yet.") + "\n\n")
	b.WriteString(t.Text.Render(wrap(s.txt.about, w)) + "\n\n")
	b.WriteString(t.Subtle.Render("When this part of polis arrives, you will find here:") + "\n")
	for _, x := range s.txt.will {
		for i, l := range strings.Split(wrap(x, max(w-4, 1)), "\n") {
			mark := "    "
			if i == 0 {
				mark = "  · "
			}
			b.WriteString(t.Accent.Render(mark) + t.Text.Render(l) + "\n")
		}
	}
	return b.String()
}
