// Package themes holds the palettes and lipgloss styles of the terminal app.
// It knows colours and text attributes, nothing about the community: the app
// decides what is a heading or a warning, a theme decides how that looks.
package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Default is the theme used when a member has not chosen one, or chose one
// this binary does not know.
const Default = "dark"

// Palette is a small set of named colours. Every theme is built from one, so
// a new palette is a dozen hex values and nothing else.
type Palette struct {
	Name        string
	Description string
	Dark        bool
	Base        color.Color // screen background
	Surface     color.Color // bars and selected rows
	Overlay     color.Color // borders and rules
	Text        color.Color
	Subtle      color.Color // secondary text
	Muted       color.Color // hints, help, disabled
	Accent      color.Color
	AccentText  color.Color // text drawn on Accent
	Good        color.Color
	Warn        color.Color
	Bad         color.Color
}

// Theme is a palette turned into ready styles. A mono theme has no colours
// at all and relies on bold, faint, underline and reverse, for NO_COLOR and
// terminals that cannot show colour.
type Theme struct {
	Name    string
	Palette Palette
	Mono    bool

	TitleBar  lipgloss.Style
	TitleApp  lipgloss.Style
	TitleHub  lipgloss.Style
	TitleMeta lipgloss.Style
	Tab       lipgloss.Style
	TabActive lipgloss.Style
	Rule      lipgloss.Style

	Heading lipgloss.Style
	Label   lipgloss.Style
	Text    lipgloss.Style
	Subtle  lipgloss.Style
	Muted   lipgloss.Style
	Accent  lipgloss.Style
	Good    lipgloss.Style
	Warn    lipgloss.Style
	Bad     lipgloss.Style
	Code    lipgloss.Style
	Panel   lipgloss.Style
	Badge   lipgloss.Style

	Selected    lipgloss.Style
	TableHeader lipgloss.Style
	TableCell   lipgloss.Style

	StatusBar   lipgloss.Style
	StatusName  lipgloss.Style
	StatusInfo  lipgloss.Style
	StatusOK    lipgloss.Style
	StatusError lipgloss.Style
	StatusNote  lipgloss.Style // a standing reminder, calmer than an error

	HelpKey  lipgloss.Style
	HelpDesc lipgloss.Style
	HelpSep  lipgloss.Style

	InputPrompt lipgloss.Style
	InputText   lipgloss.Style
	InputHint   lipgloss.Style
}

var palettes = []Palette{
	{
		Name: "dark", Description: "slate and sage, easy on the eyes at night", Dark: true,
		Base: c("#1c1f24"), Surface: c("#262a31"), Overlay: c("#3a404a"),
		Text: c("#d5d8de"), Subtle: c("#a3a9b4"), Muted: c("#6c7380"),
		Accent: c("#8fb8a8"), AccentText: c("#1c1f24"),
		Good: c("#9cc59a"), Warn: c("#d8b66a"), Bad: c("#d9837c"),
	},
	{
		Name: "light", Description: "warm paper and ink for bright rooms", Dark: false,
		Base: c("#f6f3ec"), Surface: c("#e9e4d8"), Overlay: c("#cfc7b6"),
		Text: c("#2f3338"), Subtle: c("#5a6069"), Muted: c("#8a8f96"),
		Accent: c("#3f7a6b"), AccentText: c("#f6f3ec"),
		Good: c("#4c7f45"), Warn: c("#9a6b12"), Bad: c("#a8473f"),
	},
	{
		Name: "dusk", Description: "muted plum and sand, a softer dark", Dark: true,
		Base: c("#221e26"), Surface: c("#2d2833"), Overlay: c("#463f4f"),
		Text: c("#ddd6e0"), Subtle: c("#aea4b4"), Muted: c("#7a7082"),
		Accent: c("#c9a6d6"), AccentText: c("#221e26"),
		Good: c("#a3c49a"), Warn: c("#dcb878"), Bad: c("#e08f8a"),
	},
	{
		Name: "mono", Description: "no colour at all: bold, faint and reverse only", Dark: true,
	},
}

func c(hex string) color.Color { return lipgloss.Color(hex) }

// Names lists the selectable themes in display order.
func Names() []string {
	out := make([]string, len(palettes))
	for i, p := range palettes {
		out[i] = p.Name
	}
	return out
}

// Describe returns a one-line description of the named theme.
func Describe(name string) string {
	for _, p := range palettes {
		if p.Name == name {
			return p.Description
		}
	}
	return ""
}

// Lookup returns the named theme and whether it exists.
func Lookup(name string) (Theme, bool) {
	for _, p := range palettes {
		if p.Name == name {
			if p.Name == "mono" {
				return Mono(), true
			}
			return build(p), true
		}
	}
	return Theme{}, false
}

// Get returns the named theme, or the default one if the name is unknown:
// a stored choice from a newer or older binary must never break a session.
func Get(name string) Theme {
	if t, ok := Lookup(name); ok {
		return t
	}
	t, _ := Lookup(Default)
	return t
}

func build(p Palette) Theme {
	s := lipgloss.NewStyle
	t := Theme{Name: p.Name, Palette: p}
	t.TitleBar = s().Foreground(p.Text)
	t.TitleApp = s().Foreground(p.AccentText).Background(p.Accent).Bold(true).Padding(0, 1)
	t.TitleHub = s().Foreground(p.Text).Bold(true)
	t.TitleMeta = s().Foreground(p.Muted)
	t.Tab = s().Foreground(p.Subtle).Padding(0, 1)
	t.TabActive = s().Foreground(p.Accent).Background(p.Surface).Bold(true).Padding(0, 1)
	t.Rule = s().Foreground(p.Overlay)

	t.Heading = s().Foreground(p.Accent).Bold(true)
	t.Label = s().Foreground(p.Muted)
	t.Text = s().Foreground(p.Text)
	t.Subtle = s().Foreground(p.Subtle)
	t.Muted = s().Foreground(p.Muted)
	t.Accent = s().Foreground(p.Accent)
	t.Good = s().Foreground(p.Good)
	t.Warn = s().Foreground(p.Warn)
	t.Bad = s().Foreground(p.Bad)
	t.Code = s().Foreground(p.Text).Background(p.Surface)
	t.Panel = s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Overlay).Padding(0, 1)
	t.Badge = s().Foreground(p.Accent)

	t.Selected = s().Foreground(p.Text).Background(p.Surface).Bold(true)
	t.TableHeader = s().Foreground(p.Muted).Bold(true).Padding(0, 1)
	t.TableCell = s().Foreground(p.Subtle).Padding(0, 1)

	t.StatusBar = s().Foreground(p.Subtle).Background(p.Surface)
	t.StatusName = s().Foreground(p.AccentText).Background(p.Accent).Bold(true).Padding(0, 1)
	t.StatusInfo = s().Foreground(p.Subtle).Background(p.Surface).Padding(0, 1)
	t.StatusOK = s().Foreground(p.Good).Background(p.Surface).Padding(0, 1)
	t.StatusError = s().Foreground(p.Bad).Background(p.Surface).Bold(true).Padding(0, 1)
	t.StatusNote = s().Foreground(p.Warn).Background(p.Surface).Padding(0, 1)

	t.HelpKey = s().Foreground(p.Subtle)
	t.HelpDesc = s().Foreground(p.Muted)
	t.HelpSep = s().Foreground(p.Overlay)

	t.InputPrompt = s().Foreground(p.Accent)
	t.InputText = s().Foreground(p.Text)
	t.InputHint = s().Foreground(p.Muted)
	return t
}

// Mono is the colourless theme, used for NO_COLOR and ASCII terminals
// whatever the member chose.
func Mono() Theme {
	s := lipgloss.NewStyle
	p := Palette{Name: "mono", Description: Describe("mono"), Dark: true}
	t := Theme{Name: "mono", Palette: p, Mono: true}
	t.TitleBar = s()
	t.TitleApp = s().Bold(true).Reverse(true).Padding(0, 1)
	t.TitleHub = s().Bold(true)
	t.TitleMeta = s().Faint(true)
	t.Tab = s().Padding(0, 1)
	t.TabActive = s().Reverse(true).Bold(true).Padding(0, 1)
	t.Rule = s().Faint(true)

	t.Heading = s().Bold(true).Underline(true)
	t.Label = s().Faint(true)
	t.Text = s()
	t.Subtle = s()
	t.Muted = s().Faint(true)
	t.Accent = s().Bold(true)
	t.Good = s().Bold(true)
	t.Warn = s().Bold(true)
	t.Bad = s().Bold(true).Underline(true)
	t.Code = s().Bold(true)
	t.Panel = s().Border(lipgloss.NormalBorder()).Padding(0, 1)
	t.Badge = s().Bold(true)

	t.Selected = s().Reverse(true)
	t.TableHeader = s().Bold(true).Padding(0, 1)
	t.TableCell = s().Padding(0, 1)

	t.StatusBar = s().Reverse(true)
	t.StatusName = s().Bold(true).Padding(0, 1)
	t.StatusInfo = s().Reverse(true).Padding(0, 1)
	t.StatusOK = s().Reverse(true).Bold(true).Padding(0, 1)
	t.StatusError = s().Reverse(true).Bold(true).Underline(true).Padding(0, 1)
	t.StatusNote = s().Reverse(true).Padding(0, 1)

	t.HelpKey = s().Bold(true)
	t.HelpDesc = s().Faint(true)
	t.HelpSep = s().Faint(true)

	t.InputPrompt = s().Bold(true)
	t.InputText = s()
	t.InputHint = s().Faint(true)
	return t
}
