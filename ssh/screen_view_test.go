package ssh

import (
	"fmt"
	"image/color"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// What the screen makes of each field of tea.View (see screen). A field
// Bubble Tea adds fails TestScreenKnowsEveryViewField until it is listed
// here one way or the other.

// screenDraws are the fields the screen puts on the terminal; each has a
// check in TestScreenDrawsWhatItClaims.
var screenDraws = []string{"Content", "Cursor", "WindowTitle", "BackgroundColor", "ForegroundColor"}

// screenAssumes are the fields the screen never reads, each with the value
// it draws as if every view had (nil: the field's zero value). A view with
// anything else there would not look as the app asked, so the app must
// never set one (TestAppViewsFitTheScreen).
var screenAssumes = map[string]any{
	"AltScreen":                 true, // it always draws on the alternate screen
	"OnMouse":                   nil,  // no mouse
	"MouseMode":                 nil,
	"ReportFocus":               nil,
	"DisableBracketedPasteMode": nil, // bracketed paste is always on
	"KeyboardEnhancements":      nil, // it asks for what Bubble Tea asks for by default
	"ProgressBar":               nil,
	"ProgramStatus":             nil,
}

// Of a cursor the screen draws where it is and that it shows; its shape,
// blink and colour stay the terminal's own, which a view asks for by
// leaving them as tea.NewCursor makes them.
var cursorDraws = []string{"Position"}

func cursorAssumes() map[string]any {
	def := reflect.ValueOf(*tea.NewCursor(0, 0))
	out := map[string]any{}
	for i := range def.NumField() {
		if f := def.Type().Field(i); !slices.Contains(cursorDraws, f.Name) {
			out[f.Name] = def.Field(i).Interface()
		}
	}
	return out
}

// viewMisfits names the fields of v the screen would not draw as v asks.
func viewMisfits(v tea.View) []string {
	bad := misfits(reflect.ValueOf(v), screenAssumes, "")
	if v.Cursor != nil {
		bad = append(bad, misfits(reflect.ValueOf(*v.Cursor), cursorAssumes(), "Cursor.")...)
	}
	return bad
}

func misfits(v reflect.Value, assumed map[string]any, prefix string) []string {
	var bad []string
	for name, want := range assumed {
		f := v.FieldByName(name)
		ok := f.IsZero()
		if want != nil {
			ok = f.Kind() != reflect.Func && reflect.DeepEqual(f.Interface(), want)
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("%s%s = %#v", prefix, name, f.Interface()))
		}
	}
	slices.Sort(bad)
	return bad
}

func TestScreenKnowsEveryViewField(t *testing.T) {
	knows(t, reflect.TypeFor[tea.View](), screenDraws, screenAssumes)
	knows(t, reflect.TypeFor[tea.Cursor](), cursorDraws, cursorAssumes())
}

// knows fails unless every field of typ is either drawn or assumed, not
// both, and every name listed is a field of typ with the type its assumed
// value has.
func knows(t *testing.T, typ reflect.Type, draws []string, assumes map[string]any) {
	t.Helper()
	for i := range typ.NumField() {
		f := typ.Field(i)
		_, assumed := assumes[f.Name]
		drawn := slices.Contains(draws, f.Name)
		switch {
		case !drawn && !assumed:
			t.Errorf("%s.%s (%s) is new to the screen: draw it in screen.go and list it in screenDraws, "+
				"or list it in screenAssumes with the value the screen behaves as if it had", typ, f.Name, f.Type)
		case drawn && assumed:
			t.Errorf("%s.%s is listed as both drawn and assumed", typ, f.Name)
		}
	}
	for _, name := range draws {
		if _, ok := typ.FieldByName(name); !ok {
			t.Errorf("screenDraws lists %s.%s, which Bubble Tea no longer has", typ, name)
		}
	}
	for name, want := range assumes {
		f, ok := typ.FieldByName(name)
		if !ok {
			t.Errorf("screenAssumes lists %s.%s, which Bubble Tea no longer has", typ, name)
		} else if want != nil && reflect.TypeOf(want) != f.Type {
			t.Errorf("screenAssumes gives %s.%s a %T, the field is a %s", typ, name, want, f.Type)
		}
	}
}

// viewMisfits catches a change to any field the screen assumes, and to
// any part of a cursor but its position.
func TestViewMisfits(t *testing.T) {
	fits := tea.NewView("hello")
	fits.AltScreen = true
	fits.Cursor = tea.NewCursor(3, 1)
	fits.WindowTitle, fits.BackgroundColor, fits.ForegroundColor = "polis", color.Black, color.White
	if bad := viewMisfits(fits); len(bad) != 0 {
		t.Fatalf("a view the screen draws is refused: %v", bad)
	}
	mutate := func(name string, target reflect.Value, want any) {
		t.Helper()
		f := target.FieldByName(name)
		var was reflect.Value
		if want == nil {
			was = reflect.Zero(f.Type())
		} else {
			was = reflect.ValueOf(want)
		}
		f.Set(otherThan(t, was))
	}
	for name, want := range screenAssumes {
		v := fits
		mutate(name, reflect.ValueOf(&v).Elem(), want)
		if bad := viewMisfits(v); len(bad) != 1 || !strings.HasPrefix(bad[0], name+" ") {
			t.Errorf("a view with %s changed: misfits %v", name, bad)
		}
	}
	for name, want := range cursorAssumes() {
		v, c := fits, *fits.Cursor
		mutate(name, reflect.ValueOf(&c).Elem(), want)
		v.Cursor = &c
		if bad := viewMisfits(v); len(bad) != 1 || !strings.HasPrefix(bad[0], "Cursor."+name+" ") {
			t.Errorf("a view with the cursor's %s changed: misfits %v", name, bad)
		}
	}
}

// otherThan is a value of v's type that differs from v.
func otherThan(t *testing.T, v reflect.Value) reflect.Value {
	t.Helper()
	out := reflect.New(v.Type()).Elem()
	out.Set(v)
	switch v.Kind() {
	case reflect.Bool:
		out.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		out.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		out.SetUint(v.Uint() + 1)
	case reflect.String:
		out.SetString(v.String() + "x")
	case reflect.Pointer:
		out.Set(reflect.New(v.Type().Elem()))
	case reflect.Func:
		out.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value {
			var r []reflect.Value
			for i := range v.Type().NumOut() {
				r = append(r, reflect.Zero(v.Type().Out(i)))
			}
			return r
		}))
	case reflect.Interface:
		if v.Type() != reflect.TypeFor[color.Color]() {
			t.Fatalf("no other value for %s", v.Type())
		}
		c := color.Color(color.RGBA{1, 2, 3, 255})
		if v.Equal(reflect.ValueOf(&c).Elem()) {
			c = color.RGBA{4, 5, 6, 255}
		}
		out.Set(reflect.ValueOf(c))
	case reflect.Struct:
		if v.NumField() == 0 {
			t.Fatalf("no other value for %s", v.Type())
		}
		out.Field(0).Set(otherThan(t, v.Field(0)))
	default:
		t.Fatalf("no other value for a %s", v.Kind())
	}
	return out
}

// Each field the screen claims to draw shows on the terminal.
func TestScreenDrawsWhatItClaims(t *testing.T) {
	checks := map[string]func(t *testing.T, term *terminal, title *string){
		"Content": func(t *testing.T, term *terminal, _ *string) {
			if got := term.rows()[1]; got != "second" {
				t.Errorf("row 1 shows %q", got)
			}
		},
		"Cursor": func(t *testing.T, term *terminal, _ *string) {
			if p := term.emu.CursorPosition(); term.emu.CursorHidden() || p.X != 4 || p.Y != 1 {
				t.Errorf("cursor at %v, hidden %v; want shown at 4,1", p, term.emu.CursorHidden())
			}
		},
		"WindowTitle": func(t *testing.T, _ *terminal, title *string) {
			if *title != "polis · hub" {
				t.Errorf("title %q", *title)
			}
		},
		"BackgroundColor": func(t *testing.T, term *terminal, _ *string) {
			if !sameColour(term.emu.BackgroundColor(), color.RGBA{10, 20, 30, 255}) {
				t.Errorf("background %v", term.emu.BackgroundColor())
			}
		},
		"ForegroundColor": func(t *testing.T, term *terminal, _ *string) {
			if !sameColour(term.emu.ForegroundColor(), color.RGBA{200, 210, 220, 255}) {
				t.Errorf("foreground %v", term.emu.ForegroundColor())
			}
		},
	}
	for _, name := range screenDraws {
		if checks[name] == nil {
			t.Errorf("no check that the screen draws %s", name)
		}
	}
	term := newTerminal(t, 20, 4)
	var title string
	term.emu.SetCallbacks(vt.Callbacks{Title: func(s string) { title = s }})
	v := tea.NewView("first\nsecond")
	v.AltScreen = true
	v.Cursor = tea.NewCursor(4, 1)
	v.WindowTitle = "polis · hub"
	v.BackgroundColor, v.ForegroundColor = color.RGBA{10, 20, 30, 255}, color.RGBA{200, 210, 220, 255}
	term.s.set(v)
	term.s.draw()
	term.flush()
	for _, name := range screenDraws {
		if check := checks[name]; check != nil {
			t.Run(name, func(t *testing.T) { check(t, term, &title) })
		}
	}
	if got := ansi.Strip(term.emu.Render()); !strings.Contains(got, "first") {
		t.Fatalf("the screen shows:\n%s", got)
	}
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar>>8 == br>>8 && ag>>8 == bg>>8 && ab>>8 == bb>>8
}
