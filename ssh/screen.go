package ssh

import (
	"bytes"
	"image/color"
	"io"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/lucasb-eyer/go-colorful"
)

// screen draws an app session's views on the member's terminal, in place of
// Bubble Tea's own renderer (the program runs with tea.WithoutRenderer).
//
// Why not Bubble Tea's renderer: it wakes every session at its frame rate
// to compare views even when nothing changed, and each frame it parses the
// whole view into a grid of cells and diffs every cell against a second
// grid, scrolling included. With a thousand members in the app that was
// most of the hub's idle CPU, most of the time a vote took to reach every
// screen, and half of each session's memory (two grids of ~110-byte cells
// the collector scans). screen sleeps until a view changes, draws at once,
// then at most every minFrameGap, and repaints whole lines: a line whose
// text is the same as on screen is skipped, a changed one is erased and
// written out as the app drew it, cut to the width (a vote that moves one
// tally rewrites two lines). Autowrap is off while the app runs, so even a
// line drawn for a wider window just before a resize cannot spill into the
// next, and colours are brought down to what the terminal shows
// by colorprofile, as Bubble Tea would.
//
// It serves the polis app, which always draws full screen on the alternate
// screen, without mouse or progress bar. Of tea.View it draws the content,
// the cursor's position (its shape, blink and colour stay the terminal's),
// the window title and the default colours; every other field it treats
// as having one fixed value (AltScreen true, the rest zero: no mouse, no
// focus reports, bracketed paste on). screen_view_test.go lists each field
// one way or the other, and fails when Bubble Tea adds one or when the app
// sets one the screen does not draw.
//
// Everything written to the session while the app runs goes through out,
// Bubble Tea's own output included (see programOptions).
type screen struct {
	out *termWriter

	mu      sync.Mutex
	view    tea.View
	changed bool
	w, h    int
	resized bool
	profile colorprofile.Profile
	sync    bool
	closed  bool

	wake chan struct{}
	stop chan struct{}
	done chan struct{}

	// Owned by the draw loop (and by close once the loop has ended).
	lines []string // the lines on screen, as the app drew them
	shown *tea.View
	frame bytes.Buffer
	body  bytes.Buffer
}

// minFrameGap is the least time between two frames of one session: typing
// and votes landing faster than this are drawn together.
const minFrameGap = time.Second / 20

func newScreen(out io.Writer, env []string, w, h int) *screen {
	return &screen{
		out:     &termWriter{w: out},
		w:       w,
		h:       h,
		profile: colorprofile.Env(env),
		resized: true,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// termWriter is the one way to a session's terminal while the app runs,
// shared by the screen and Bubble Tea: one write at a time, each whole.
// Both write whole escape sequences per call, but the session below cuts a
// write into SSH packets, and two writers at once would interleave those
// packets, splitting a sequence (and x/crypto/ssh's channel reuses one
// packet buffer per stream, unguarded, for concurrent writes: it would mix
// their bytes inside one packet).
type termWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *termWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.w.Write(p)
}

// programOptions are what a Bubble Tea program drawing through s needs:
// no renderer of its own, and its output through s's writer. They go after
// wish's bubbletea.MakeOptions, whose tea.WithOutput they replace.
//
// Without a renderer Bubble Tea still writes now and then (terminal
// queries and escape sequences a command asks for, queued and flushed at
// the program's frame rate and on exit): through out, those never land
// inside a frame. The frame rate is 1 fps because that flush is all it
// paces, and it wakes the program whether or not anything is queued.
func (s *screen) programOptions() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithoutRenderer(), tea.WithFPS(1), tea.WithOutput(s.out)}
}

// set takes the view the program just asked for; it is called after every
// update, so the common case (nothing changed) must stay cheap.
func (s *screen) set(v tea.View) {
	s.mu.Lock()
	if !s.changed && s.sameAsLast(&v) {
		s.mu.Unlock()
		return
	}
	s.view, s.changed = v, true
	s.mu.Unlock()
	s.poke()
}

// sameAsLast reports whether v draws like the last view set. Called with
// s.mu held.
func (s *screen) sameAsLast(v *tea.View) bool {
	p := &s.view
	return p.Content == v.Content && p.WindowTitle == v.WindowTitle &&
		p.ForegroundColor == v.ForegroundColor && p.BackgroundColor == v.BackgroundColor &&
		cursorEquals(p.Cursor, v.Cursor)
}

func cursorEquals(a, b *tea.Cursor) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.X == b.X && a.Y == b.Y
}

// resize repaints the whole screen at the window's new size.
func (s *screen) resize(w, h int) {
	s.mu.Lock()
	s.w, s.h, s.resized, s.changed = w, h, true, true
	s.mu.Unlock()
	s.poke()
}

func (s *screen) setProfile(p colorprofile.Profile) {
	s.mu.Lock()
	if p == s.profile { // the program reports it once at start
		s.mu.Unlock()
		return
	}
	s.profile, s.resized, s.changed = p, true, true
	s.mu.Unlock()
	s.poke()
}

// report takes the terminal's answer to the query sent when the screen
// started: whether it can hold a frame until it is complete.
func (s *screen) report(m tea.ModeReportMsg) {
	if m.Mode == ansi.ModeSynchronizedOutput && m.Value == ansi.ModeReset {
		s.mu.Lock()
		s.sync = true
		s.mu.Unlock()
	}
}

func (s *screen) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run is the draw loop: it sleeps until something changed.
func (s *screen) run() {
	defer close(s.done)
	s.start()
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		s.draw()
		gap.Reset(minFrameGap)
		select {
		case <-s.stop:
			return
		case <-gap.C:
		}
	}
}

// start takes over the terminal the way Bubble Tea does for a full-screen
// program: alternate screen, hidden cursor, bracketed paste, unambiguous
// keys; autowrap off (see screen); and asks whether the terminal can hold
// a frame until it is complete.
func (s *screen) start() {
	s.frame.Reset()
	s.frame.WriteString(ansi.SetModeAltScreenSaveCursor)
	s.frame.WriteString(ansi.ResetModeTextCursorEnable)
	s.frame.WriteString(ansi.ResetModeAutoWrap)
	s.frame.WriteString(ansi.SetModeBracketedPaste)
	s.frame.WriteString(ansi.SetModifyOtherKeys2)
	s.frame.WriteString(ansi.PushKittyKeyboard(1))
	s.frame.WriteString(ansi.RequestModeSynchronizedOutput)
	_, _ = s.out.Write(s.frame.Bytes())
}

// draw puts the newest view on the terminal.
func (s *screen) draw() {
	s.mu.Lock()
	v, changed, w, h := s.view, s.changed, s.w, s.h
	resized, profile, sync := s.resized, s.profile, s.sync
	s.changed, s.resized = false, false
	s.mu.Unlock()
	if changed || resized {
		s.paint(&v, w, h, resized, profile, sync)
	}
}

func (s *screen) paint(v *tea.View, w, h int, full bool, profile colorprofile.Profile, sync bool) {
	s.frame.Reset()
	s.settings(v)

	// The lines go through the colour profile; the settings above are
	// already in the terminal's terms.
	s.body.Reset()
	if full {
		s.body.WriteString(ansi.ResetStyle + ansi.EraseEntireScreen)
		s.lines = s.lines[:0]
	}
	rest := v.Content
	for y := range h {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSuffix(line, "\r")
		if y < len(s.lines) {
			if s.lines[y] == line {
				continue
			}
			s.lines[y] = line
		} else {
			s.lines = append(s.lines, line)
			if full && line == "" {
				continue // the screen was just erased
			}
		}
		s.body.WriteString(ansi.CursorPosition(1, y+1))
		s.body.WriteString(ansi.EraseEntireLine)
		if len(line) > w { // columns never outnumber bytes
			line = ansi.Truncate(line, w, "")
		}
		s.body.WriteString(line)
		s.body.WriteString(ansi.ResetStyle)
	}
	if c := v.Cursor; c != nil {
		s.body.WriteString(ansi.CursorPosition(c.X+1, c.Y+1))
	}

	showCursor := v.Cursor != nil
	cursorChanged := s.shown == nil || (s.shown.Cursor != nil) != showCursor
	wrap := sync && s.body.Len() > 0
	if wrap {
		s.frame.WriteString(ansi.SetModeSynchronizedOutput)
	}
	if cursorChanged && !showCursor {
		s.frame.WriteString(ansi.ResetModeTextCursorEnable)
	}
	cw := colorprofile.Writer{Forward: &s.frame, Profile: profile}
	_, _ = cw.Write(s.body.Bytes())
	if cursorChanged && showCursor {
		s.frame.WriteString(ansi.SetModeTextCursorEnable)
	}
	if wrap {
		s.frame.WriteString(ansi.ResetModeSynchronizedOutput)
	}
	shown := *v
	s.shown = &shown
	if s.frame.Len() > 0 {
		_, _ = s.out.Write(s.frame.Bytes())
	}
}

// settings writes what changed of the window title and default colours.
func (s *screen) settings(v *tea.View) {
	var last tea.View
	if s.shown != nil {
		last = *s.shown
	}
	if v.WindowTitle != last.WindowTitle {
		s.frame.WriteString(ansi.SetWindowTitle(v.WindowTitle))
	}
	s.colour(v.ForegroundColor, last.ForegroundColor, ansi.SetForegroundColor, ansi.ResetForegroundColor)
	s.colour(v.BackgroundColor, last.BackgroundColor, ansi.SetBackgroundColor, ansi.ResetBackgroundColor)
}

func (s *screen) colour(now, was color.Color, set func(string) string, reset string) {
	switch {
	case now == was:
	case now == nil:
		s.frame.WriteString(reset)
	default:
		if c, ok := colorful.MakeColor(now); ok {
			s.frame.WriteString(set(c.Hex()))
		}
	}
}

// close stops the loop and gives the terminal back as it was: main screen,
// cursor shown, keyboard and colours reset. The last view is not drawn: it
// would vanish with the alternate screen anyway.
func (s *screen) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.done

	s.frame.Reset()
	s.frame.WriteString(ansi.SetModeAutoWrap)
	s.frame.WriteString(ansi.ResetModifyOtherKeys)
	s.frame.WriteString(ansi.PopKittyKeyboard(1))
	s.frame.WriteString(ansi.ResetModeBracketedPaste)
	s.frame.WriteString(ansi.ResetModeAltScreenSaveCursor)
	s.frame.WriteString(ansi.SetModeTextCursorEnable)
	if last := s.shown; last != nil {
		if last.WindowTitle != "" {
			s.frame.WriteString(ansi.SetWindowTitle(""))
		}
		if last.ForegroundColor != nil {
			s.frame.WriteString(ansi.ResetForegroundColor)
		}
		if last.BackgroundColor != nil {
			s.frame.WriteString(ansi.ResetBackgroundColor)
		}
	}
	_, _ = s.out.Write(s.frame.Bytes())
}
