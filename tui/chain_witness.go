package tui

import (
	"fmt"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/themes"
)

// witnessLine is one witness the hub asks: the height it last cosigned,
// or why not. A refusal is an alarm: the witness saw another history of
// this hub's log, and the member should know before trusting this one.
func witnessLine(t *themes.Theme, w state.CosignatureStatus, head int64, width int) string {
	name := clip(line(w.Name), max(width/2, 8))
	var status string
	switch {
	case w.Refused:
		status = t.Bad.Render("ALARM: refuses this history") + "  " + t.Muted.Render(line(w.Error))
	case w.Height == head && w.Height > 0 && w.Error == "":
		status = t.Good.Render("cosigned this checkpoint")
	case w.Height > 0:
		status = t.Warn.Render(fmt.Sprintf("cosigned checkpoint %d, not this one yet", w.Height))
		if w.Error != "" {
			status += "  " + t.Muted.Render(line(w.Error))
		}
	case w.Error != "":
		status = t.Warn.Render("nothing cosigned yet") + "  " + t.Muted.Render(line(w.Error))
	default:
		status = t.Muted.Render("nothing cosigned yet")
	}
	return clip("  "+t.Text.Render(name)+"  "+status, width)
}
