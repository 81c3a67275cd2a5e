package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// globalKeys are the shell's own keys; screens add theirs next to them in
// the help bar.
type globalKeys struct {
	Tabs    key.Binding
	Next    key.Binding
	Prev    key.Binding
	Help    key.Binding
	Quit    key.Binding
	ForceQt key.Binding
	Charter key.Binding
	Expand  key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Tabs:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8"), key.WithHelp("1-8", "go to tab")),
		Next:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more help")),
		Quit:    key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Charter: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "charter")),
		Expand:  key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "read message")),
	}
}

// keyMap merges a screen's keys with the global ones for bubbles/help.
type keyMap struct {
	screen help.KeyMap
	global []key.Binding
	full   []key.Binding
}

func (k keyMap) ShortHelp() []key.Binding {
	var out []key.Binding
	if k.screen != nil {
		out = append(out, k.screen.ShortHelp()...)
	}
	return append(out, k.global...)
}

func (k keyMap) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	if k.screen != nil {
		out = append(out, k.screen.FullHelp()...)
	}
	return append(out, k.full)
}

// bindings is a help.KeyMap over a fixed list, for screens with few keys.
type bindings []key.Binding

func (b bindings) ShortHelp() []key.Binding { return b }
func (b bindings) FullHelp() [][]key.Binding {
	if len(b) == 0 {
		return nil
	}
	return [][]key.Binding{b}
}

func bind(keys []string, k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
}
