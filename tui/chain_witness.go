package tui

import (
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// witnessLine is one witness the hub asks, in state's words on where it
// stands. A refusal is an alarm: the witness saw another history of this
// hub's log, and the member should know before trusting this one.
func witnessLine(t *themes.Theme, w state.CosignatureStatus, head int64, width int) string {
	name := clip(line(w.Name), max(width/2, 8))
	st, text := w.Standing(head)
	style := t.Muted
	switch st {
	case state.StandingAlarm:
		style, text = t.Bad, "ALARM: "+text
	case state.StandingCosigned:
		style = t.Good
	case state.StandingBehind:
		style = t.Warn
	}
	return clip("  "+t.Text.Render(name)+"  "+style.Render(line(text)), width)
}
