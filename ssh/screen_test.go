package ssh

import (
	"bytes"
	"image/color"
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"pgregory.net/rapid"
)

// terminal is a screen drawing into an emulated terminal, driven by hand:
// each step draws at once instead of waiting for the loop.
type terminal struct {
	s   *screen
	emu *vt.Emulator
	out bytes.Buffer
}

func newTerminal(t testing.TB, w, h int) *terminal {
	term := &terminal{emu: vt.NewEmulator(w, h)}
	// The emulator answers the screen's queries on its own pipe.
	go func() { _, _ = io.Copy(io.Discard, term.emu) }()
	// Closing the pipe ends the copier; Emulator.Close races with Read.
	t.Cleanup(func() { _ = term.emu.InputPipe().(io.Closer).Close() })
	// Output goes through the session's pty writer, as in the hub.
	term.s = newScreen(cssh.NewPtyWriter(&term.out), []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, w, h)
	term.s.start()
	term.flush()
	return term
}

func (term *terminal) flush() {
	_, _ = term.emu.Write(term.out.Bytes())
	term.out.Reset()
}

func (term *terminal) show(content string) {
	term.s.set(tea.View{Content: content, AltScreen: true})
	term.s.draw()
	term.flush()
}

func (term *terminal) resize(w, h int) {
	term.emu.Resize(w, h)
	term.s.resize(w, h)
	term.s.draw()
	term.flush()
}

// rows is what a member reads on the emulated terminal.
func (term *terminal) rows() []string {
	out := make([]string, term.emu.Height())
	for y := range out {
		var sb strings.Builder
		for x := 0; x < term.emu.Width(); x++ {
			// The cell after a wide character has no content of its own.
			if c := term.emu.CellAt(x, y); c != nil {
				sb.WriteString(c.Content)
			}
		}
		out[y] = strings.TrimRight(sb.String(), " ")
	}
	return out
}

// sameCells fails unless both terminals look the same to a member: the same
// text in the same styles, where a style can be seen (a blank shows only
// its background, unless reversed or underlined).
func sameCells(t testing.TB, got, want *terminal) {
	t.Helper()
	w, h := want.emu.Width(), want.emu.Height()
	for y := range h {
		for x := range w {
			g, e := got.emu.CellAt(x, y), want.emu.CellAt(x, y)
			if !looksSame(g, e) {
				t.Fatalf("cell %d,%d: drawn step by step %+v, drawn at once %+v\nstep by step:\n%s\nat once:\n%s",
					x, y, g, e, strings.Join(got.rows(), "\n"), strings.Join(want.rows(), "\n"))
			}
		}
	}
}

func looksSame(a, b *uv.Cell) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Content != b.Content || a.Width != b.Width {
		return false
	}
	plain := func(c *uv.Cell) bool {
		return c.Content == " " && c.Style.Attrs&uv.AttrReverse == 0 && c.Style.Underline == uv.UnderlineNone
	}
	if plain(a) && plain(b) {
		ab, bb := uv.Style{Bg: a.Style.Bg}, uv.Style{Bg: b.Style.Bg}
		return ab.Equal(&bb)
	}
	return a.Style.Equal(&b.Style)
}

func TestScreenShowsTheView(t *testing.T) {
	term := newTerminal(t, 30, 5)
	term.show("\x1b[1mTitle\x1b[m\nsecond line\n\nlast")
	want := []string{"Title", "second line", "", "last", ""}
	if got := term.rows(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("screen shows %q, want %q", got, want)
	}
	if !term.emu.IsAltScreen() {
		t.Fatal("the app is not on the alternate screen")
	}
	term.show("Title\nsecond line changed\n\nlast")
	if got := term.rows()[1]; got != "second line changed" {
		t.Fatalf("row 1 is %q after a change", got)
	}
}

// An update that changes nothing writes nothing: an idle session costs no
// output and no drawing.
func TestScreenUnchangedViewWritesNothing(t *testing.T) {
	term := newTerminal(t, 20, 4)
	term.show("same\nlines")
	<-term.s.wake
	term.s.set(tea.View{Content: "same\nlines", AltScreen: true})
	term.s.draw()
	if term.out.Len() != 0 {
		t.Fatalf("an unchanged view wrote %q", term.out.String())
	}
	select {
	case <-term.s.wake:
		t.Fatal("an unchanged view woke the draw loop")
	default:
	}
	// One changed line writes about one line, not the screen.
	term.s.set(tea.View{Content: "same\nLINES", AltScreen: true})
	term.s.draw()
	if n := term.out.Len(); n == 0 || n > 40 {
		t.Fatalf("one changed word wrote %d bytes: %q", n, term.out.String())
	}
}

func TestScreenGivesTheTerminalBack(t *testing.T) {
	var out bytes.Buffer
	s := newScreen(&out, []string{"TERM=xterm-256color"}, 20, 4)
	done := make(chan struct{})
	go func() { s.run(); close(done) }()
	v := tea.View{Content: "hello", AltScreen: true, WindowTitle: "polis · hub", BackgroundColor: color.RGBA{1, 2, 3, 255}}
	s.set(v)
	s.close()
	<-done
	s.close() // twice is harmless
	got := out.String()
	for _, seq := range []string{
		ansi.SetModeAltScreenSaveCursor, ansi.ResetModeAltScreenSaveCursor,
		ansi.SetModeTextCursorEnable, ansi.ResetModeBracketedPaste, ansi.PopKittyKeyboard(1),
	} {
		if !strings.Contains(got, seq) {
			t.Errorf("output lacks %q: %q", seq, got)
		}
	}
	if i, j := strings.LastIndex(got, "hello"), strings.LastIndex(got, ansi.ResetModeAltScreenSaveCursor); i >= 0 && i > j {
		t.Errorf("the app drew after giving the terminal back: %q", got)
	}
	if strings.Contains(got, "hello") {
		if !strings.Contains(got, ansi.SetWindowTitle("")) || !strings.Contains(got, ansi.ResetBackgroundColor) {
			t.Errorf("the title and background colour set by the app stay after it closed: %q", got)
		}
	}
}

// Drawn step by step, line by line, the terminal ends up exactly as if the
// last view had been drawn at once on a fresh terminal, whatever came
// before: styled and wide text, lines longer than the screen, blank
// screens, resizes.
func TestScreenStepByStepEqualsAtOnce(t *testing.T) {
	pieces := []string{
		"", "plain", "plain 2", "plaid", "\x1b[1;38;2;143;184;168mbold green\x1b[m", "\x1b[48;5;17m on blue \x1b[m",
		"wide 漢字 text", "🙂 ok", "─────", "\x1b[7mreverse\x1b[m tail", strings.Repeat("long ", 30),
	}
	rapid.Check(t, func(rt *rapid.T) {
		w := rapid.IntRange(4, 60).Draw(rt, "w")
		h := rapid.IntRange(1, 12).Draw(rt, "h")
		term := newTerminal(t, w, h)
		var last string
		for i, steps := 0, rapid.IntRange(1, 12).Draw(rt, "steps"); i < steps; i++ {
			if rapid.IntRange(0, 5).Draw(rt, "op") == 0 {
				w = rapid.IntRange(4, 60).Draw(rt, "w")
				h = rapid.IntRange(1, 12).Draw(rt, "h")
				term.resize(w, h)
				continue
			}
			lines := rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 14).Draw(rt, "lines")
			last = strings.Join(lines, "\n")
			term.show(last)
		}
		fresh := newTerminal(t, w, h)
		fresh.show(last)
		sameCells(t, term, fresh)
		// And both show the text of the view, cut to the screen.
		want := strings.Split(last, "\n")
		for y, got := range term.rows() {
			line := ""
			if y < len(want) {
				line = strings.TrimRight(ansi.Truncate(ansi.Strip(want[y]), w, ""), " ")
			}
			if got != line {
				t.Fatalf("row %d shows %q, want %q (%dx%d)", y, got, line, w, h)
			}
		}
	})
}

func TestScreenColourProfile(t *testing.T) {
	term := newTerminal(t, 20, 2)
	term.s.setProfile(colorprofile.ANSI256)
	term.show("\x1b[38;2;143;184;168mgreen\x1b[m")
	if c := term.emu.CellAt(0, 0); c == nil || c.Style.Fg == nil {
		t.Fatal("no colour drawn")
	} else if _, ok := c.Style.Fg.(ansi.IndexedColor); !ok {
		t.Fatalf("a 256-colour terminal got %T %v", c.Style.Fg, c.Style.Fg)
	}
}

// BenchmarkScreenVote is what a vote costs one open session's terminal
// output: an 80x24 styled screen on which one tally and the status bar
// change.
func BenchmarkScreenVote(b *testing.B) {
	row := func(i int, tally string) string {
		return " \x1b[38;2;216;182;106m● \x1b[m\x1b[38;2;108;115;128m#" + string(rune('0'+i%10)) +
			"   \x1b[m\x1b[38;2;213;216;222mProposal number " + string(rune('0'+i%10)) +
			"           \x1b[m \x1b[38;2;143;184;168mactive   \x1b[m " + tally
	}
	frame := func(n int) string {
		lines := make([]string, 24)
		for i := range lines {
			lines[i] = row(i, "\x1b[38;2;163;169;180mno votes   \x1b[m")
		}
		lines[7] = row(7, strings.Repeat("█", n%8)+" yes")
		lines[23] = "\x1b[48;2;143;184;168m alice \x1b[m chain #" + string(rune('0'+n%10))
		return strings.Join(lines, "\n")
	}
	s := newScreen(io.Discard, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, 80, 24)
	s.start()
	s.set(tea.View{Content: frame(0)})
	s.draw()
	frames := [2]string{frame(1), frame(2)}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.set(tea.View{Content: frames[i%2]})
		s.draw()
		i++
	}
}
