package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/term"
)

// byteBar draws a progress bar over bytes on a terminal, and nothing
// elsewhere. The total may be an estimate: the bar stops at full and the
// count goes on.
type byteBar struct {
	w     io.Writer
	on    bool
	model progress.Model
	last  time.Time
}

func newByteBar(w io.Writer) *byteBar {
	f, ok := w.(*os.File)
	return &byteBar{w: w, on: ok && term.IsTerminal(f.Fd()), model: progress.New(progress.WithWidth(40), progress.WithDefaultBlend())}
}

func (b *byteBar) update(done, total int64) {
	if !b.on || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	frac := 0.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	fmt.Fprintf(b.w, "\r%s %s", b.model.ViewAs(frac), bytesText(done))
}

func (b *byteBar) done() {
	if b.on && !b.last.IsZero() {
		fmt.Fprint(b.w, "\r\x1b[2K")
	}
}

// bytesText is n in the largest unit that keeps it at or above 1.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
