package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
)

// sizeGrid runs from the smallest terminal the app promises to fill well
// to a large desktop one.
var sizeGrid = [][2]int{{40, 12}, {60, 20}, {80, 24}, {100, 30}, {120, 40}, {140, 45}, {200, 60}, {250, 80}}

// screenWalks open every tab, and in each its detail views and forms, from
// a fresh session.
var screenWalks = []struct {
	name string
	keys []string
}{
	{"home", []string{"1"}},
	{"home help", []string{"1", "?"}},
	{"proposals", []string{"2"}},
	{"proposals bottom", []string{"2", "G"}},
	{"proposals filter", []string{"2", "/"}},
	{"proposal", []string{"2", "G", "enter"}},
	{"proposal second", []string{"2", "G", "up", "enter"}},
	{"proposal third", []string{"2", "G", "up", "up", "enter"}},
	{"proposal approval", []string{"2", "g", "down", "down", "down", "enter"}},
	{"proposal vote", []string{"2", "g", "down", "down", "down", "enter", "v"}},
	{"proposal comment", []string{"2", "G", "enter", "c"}},
	{"proposal new", []string{"2", "n"}},
	{"proposals help", []string{"2", "?"}},
	{"treasury", []string{"3"}},
	{"treasury contribute", []string{"3", "c"}},
	{"treasury filter", []string{"3", "/"}},
	{"campaigns", []string{"3", "f"}},
	{"campaign", []string{"3", "f", "enter"}},
	{"campaign pledge", []string{"3", "f", "enter", "p"}},
	{"campaign new", []string{"3", "f", "n"}},
	{"housing", []string{"4"}},
	{"approval", []string{"4", "enter"}},
	{"space", []string{"4", "G", "up", "enter"}},
	{"space tokyo", []string{"4", "G", "enter"}},
	{"space marked", []string{"4", "G", "up", "enter", "right", "enter", "right", "right"}},
	{"space help", []string{"4", "G", "up", "enter", "?"}},
	{"disputes", []string{"5"}},
	{"case", []string{"5", "enter"}},
	{"case file", []string{"5", "f"}},
	{"case file category", []string{"5", "f", "tab", "right"}},
	{"members", []string{"6"}},
	{"members filter", []string{"6", "/"}},
	{"members census", []string{"6", "c"}},
	{"chain", []string{"7"}},
	{"chain end", []string{"7", "G"}},
	{"settings", []string{"8"}},
	{"settings rename", []string{"8", "r"}},
	{"settings country", []string{"8", "o"}},
	{"settings leave", []string{"8", "L"}},
	{"settings keys", []string{"8", "K"}},
	{"settings key add", []string{"8", "K", "a"}},
	{"members invite", []string{"6", "i"}},
}

// fitsScreen says what is wrong with a frame for a w x h terminal: a line
// wider than the terminal, more or fewer lines than its height, or a last
// row that is not the status bar (with the member's name on it).
func fitsScreen(view string, w, h int, who string) error {
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		return fmt.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			return fmt.Errorf("line %d is %d wide, want <= %d: %q", i, n, w, l)
		}
	}
	if !strings.Contains(lines[h-1], who) {
		return fmt.Errorf("the last row is not the status bar: %q", lines[h-1])
	}
	return nil
}

func TestEveryScreenFitsEverySize(t *testing.T) {
	f, erin := rich(t)
	for _, sz := range sizeGrid {
		w, h := sz[0], sz[1]
		for _, sc := range screenWalks {
			m := New(f.hub, erin, WithSize(w, h), WithClock(f.clk.peek))
			m = press(m, sc.keys...)
			v := m.View().Content
			if err := fitsScreen(ansi.Strip(v), w, h, "Erin"); err != nil {
				t.Errorf("%dx%d %s: %v\n%s", w, h, sc.name, err, ansi.Strip(v))
			}
			assertInertView(t, fmt.Sprintf("%dx%d %s", w, h, sc.name), v)
			if strings.Contains(ansi.Strip(v), "……") {
				t.Errorf("%dx%d %s: a double ellipsis:\n%s", w, h, sc.name, ansi.Strip(v))
			}
			if !slices.Contains(sc.keys, "?") {
				lines := strings.Split(ansi.Strip(v), "\n")
				if hints := lines[h-2]; strings.Contains(hints, "…") || !strings.Contains(hints, "? more help") {
					t.Errorf("%dx%d %s: key hints cut or without the way to the rest: %q", w, h, sc.name, hints)
				}
			}
		}
	}
}

// Escape sequences never reach the log, but a screen must stay inside the
// terminal whatever it is handed.
func TestHostileSnapshotFitsEverySize(t *testing.T) {
	f, erin := rich(t)
	for _, sz := range sizeGrid {
		w, h := sz[0], sz[1]
		a := New(f.hub, erin, WithSize(w, h), WithClock(f.clk.peek)).(*App)
		hostile := *a.c.snap
		hostile.me.Name = longName + evil
		hostile.info.Name = "Hub " + evil + cjkName
		a.applySnapshot(&hostile)
		for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "?"} {
			press(a, k)
			v := a.View().Content
			if err := fitsScreen(ansi.Strip(v), w, h, "Erin"); err != nil {
				t.Errorf("%dx%d tab %s: %v\n%s", w, h, k, err, ansi.Strip(v))
			}
			assertInertView(t, fmt.Sprintf("%dx%d tab %s", w, h, k), v)
		}
	}
}

// assertInertView is assertInert by runes (a wide CJK character's UTF-8
// holds the byte 0x9d), without asking for mallory's name.
func assertInertView(t *testing.T, where, view string) {
	t.Helper()
	rest := styling.ReplaceAllString(view, "")
	for i, r := range rest {
		bad := r == 0x1b || r == 0x07 || r == 0x9b || r == 0x9d || r == 0x202e
		if r == utf8.RuneError {
			_, n := utf8.DecodeRuneInString(rest[i:])
			bad = n == 1
		}
		if bad {
			t.Fatalf("%s: hostile rune %U survives near %q", where, r, rest[max(i-20, 0):min(i+20, len(rest))])
		}
	}
}

// Resizing an open session goes through the same sizes, shrinking and
// growing, and every frame still fits.
func TestResizeThroughTheGrid(t *testing.T) {
	f, erin := rich(t)
	for _, keys := range [][]string{{"1"}, {"2", "enter"}, {"4", "enter"}, {"6"}, {"7", "G"}} {
		var m tea.Model = New(f.hub, erin, WithClock(f.clk.peek))
		m = press(m, keys...)
		for _, sz := range append(append([][2]int{}, sizeGrid...), sizeGrid[0], sizeGrid[len(sizeGrid)-1], sizeGrid[2]) {
			m, _ = m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			if err := fitsScreen(screen(m), sz[0], sz[1], "Erin"); err != nil {
				t.Errorf("%v at %dx%d: %v\n%s", keys, sz[0], sz[1], err, screen(m))
			}
		}
	}
}

// A message too long for the status bar is never cut mid-word unread: it
// wraps above the bar, and what does not fit even so is a key away.
func TestLongMessagesWrapOrExpand(t *testing.T) {
	f, erin := rich(t)
	msg := "country must be a two-letter ISO 3166 code such as PT, DE or JP; you typed a name, not a code, so nothing changed"
	for _, sz := range sizeGrid {
		w, h := sz[0], sz[1]
		a := New(f.hub, erin, WithSize(w, h), WithClock(f.clk.peek)).(*App)
		press(a, "6")
		a.Update(resultMsg{err: errorString(msg)})
		v := screen(a)
		if err := fitsScreen(v, w, h, "Erin"); err != nil {
			t.Fatalf("%dx%d: %v\n%s", w, h, err, v)
		}
		got := statusLineOf(a)
		if strings.Contains(got, "! read all") {
			press(a, "!")
			got = statusLineOf(a)
		}
		if !strings.Contains(got, msg) {
			t.Fatalf("%dx%d: the message cannot be read whole: %q\n%s", w, h, got, screen(a))
		}
		if err := fitsScreen(screen(a), w, h, "Erin"); err != nil {
			t.Fatalf("%dx%d after !: %v\n%s", w, h, err, screen(a))
		}
		// Any other key clears it, and the screen gets its rows back.
		press(a, "6")
		if strings.Contains(screen(a), "ISO 3166") {
			t.Fatalf("%dx%d: the message stays:\n%s", w, h, screen(a))
		}
	}
}

// A booking that waits for a steward says so first, so that no cut can
// make it read as booked.
func TestPendingBookingNeverReadsAsBooked(t *testing.T) {
	b := state.Booking{ID: 7, Status: state.BookPending}
	for _, st := range []string{state.BookPending, state.BookWaitlisted} {
		b.Status = st
		m := bookedMessage(b, "2 beds, 3 nights at Casa Azul")
		if strings.HasPrefix(m, "booked") || !strings.Contains(m[:min(len(m), 45)], "not booked") {
			t.Fatalf("%s reads as booked: %q", st, m)
		}
	}
}

// Home with a long name keeps every panel on screen or a scroll away, and
// the Chain tab goes to either end with g and G.
func TestHomeAndChainScroll(t *testing.T) {
	f, erin := rich(t)
	m := New(f.hub, erin, WithSize(80, 24), WithClock(f.clk.peek))
	v := screen(m)
	mustContain(t, v, "You", "Needs your attention", "Chain", "Census", "↓ more below")
	v = screen(press(m, "G"))
	mustContain(t, v, "at checkpoint", "↑ more above")
	v = screen(press(m, "g"))
	mustContain(t, v, "Good to see you")

	m = press(New(f.hub, erin, WithSize(80, 20), WithClock(f.clk.peek)), "7")
	mustContain(t, screen(m), "Height", "↓ more below", "G bottom")
	v = screen(press(m, "G"))
	mustContain(t, v, "polis verify --file chain.polis --since head.txt", "↑ more above")
	if strings.Contains(v, "Height  ") {
		t.Fatalf("G did not scroll:\n%s", v)
	}
	mustContain(t, screen(press(m, "g")), "Height")
}

// Closing a prompt (a filter, the full help, a message) gives the list its
// rows back: the last member stays on screen.
func TestMembersKeepTheirLastRow(t *testing.T) {
	f, erin := rich(t)
	for _, keys := range [][]string{{"6"}, {"6", "/", "esc"}, {"6", "/", "r", "enter", "esc"}, {"6", "?", "/", "esc", "?"}, {"6", "c", "c"}} {
		for _, sz := range [][2]int{{80, 24}, {120, 30}, {200, 60}} {
			a := New(f.hub, erin, WithSize(sz[0], sz[1]), WithClock(f.clk.peek)).(*App)
			press(a, keys...)
			a.Update(resultMsg{err: errorString(strings.Repeat("a long message that wraps ", 8))})
			press(a, "down")
			mustContain(t, screen(a), "#4", emojiName)
		}
	}
}

// The full help wraps its columns instead of cutting them with an
// ellipsis, and never pushes the status bar off the screen.
func TestFullHelpWrapsItsColumns(t *testing.T) {
	f, erin := rich(t)
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {80, 24}} {
		for _, tab := range []string{"1", "2", "4", "6"} {
			m := press(New(f.hub, erin, WithSize(sz[0], sz[1]), WithClock(f.clk.peek)), tab, "?")
			v := screen(m)
			if err := fitsScreen(v, sz[0], sz[1], "Erin"); err != nil {
				t.Fatalf("%v tab %s: %v\n%s", sz, tab, err, v)
			}
			// The help is the block of lines right above the status bar.
			lines := strings.Split(v, "\n")
			var help []string
			for i := len(lines) - 2; i >= 0 && strings.TrimSpace(lines[i]) != ""; i-- {
				help = append(help, lines[i])
			}
			if regexp.MustCompile(`(?m)(^|\s)…\s*$`).MatchString(strings.Join(help, "\n")) {
				t.Fatalf("%v tab %s: full help cut with an ellipsis:\n%s", sz, tab, v)
			}
		}
	}
	// Where there is room, the global keys are there too.
	mustContain(t, screen(press(New(f.hub, erin, WithSize(60, 30), WithClock(f.clk.peek)), "2", "?")), "go to tab", "quit", "new proposal")
}

// A visitor's long refusal wraps above the bar too.
func TestVisitorLongMessageWraps(t *testing.T) {
	f, _ := rich(t)
	msg := "name \"Erin O'Connell-Villanueva de la Fuente\" is taken; choose another name, or redeem an invite that was made for you"
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {200, 60}} {
		a := New(f.hub, testIdentity(t, "stranger"), WithSize(sz[0], sz[1])).(*App)
		a.Update(resultMsg{err: errorString(msg)})
		v := screen(a)
		if err := fitsScreen(v, sz[0], sz[1], "visitor"); err != nil {
			t.Fatalf("%v: %v\n%s", sz, err, v)
		}
		var words []string
		for _, l := range strings.Split(v, "\n") {
			words = append(words, strings.TrimSpace(l))
		}
		if !strings.Contains(strings.Join(words, " "), msg) {
			t.Fatalf("%v: the refusal cannot be read whole:\n%s", sz, v)
		}
	}
}
