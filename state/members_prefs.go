package state

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// A member's preferences are theirs alone (ReadPreferences): how the app
// looks to them says nothing the community needs, so they are kept in the
// private keyspace, not the log, and go when the member leaves.

// prefixPref + member holds the member's Prefs.
const prefixPref = "p/pref/"

// Prefs are a member's preferences.
type Prefs struct {
	Theme string `json:"theme,omitempty"` // the palette they chose, "" for the default
}

var themeRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)

func getPrefs(r Reader, member uint64) Prefs {
	var p Prefs
	if v, ok := r.Get(privKey(prefixPref, member)); ok {
		if err := json.Unmarshal(v, &p); err != nil {
			panic(corruptError{key: privKey(prefixPref, member), err: err})
		}
	}
	return p
}

// ChooseTheme remembers the asking member's palette for all their
// sessions. It writes no event.
type ChooseTheme struct{ Theme string }

func (c ChooseTheme) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if !themeRE.MatchString(c.Theme) {
		return 0, nil, fmt.Errorf("theme name must be a short lowercase word")
	}
	return m.ID, nil, nil
}

func (c ChooseTheme) private(w Writer, _ Env, actor uint64, _ []Event) {
	p := getPrefs(w, actor)
	p.Theme = c.Theme
	v, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	w.Set(privKey(prefixPref, actor), v)
}

// Preferences returns the reader's own preferences (the zero Prefs for a
// visitor, who has none).
func (h *Hub) Preferences(rd Reading) (p Prefs, err error) {
	if rd.Member == nil || !MayRead(ReadPreferences, Reading{Member: rd.Member, Owner: rd.Member.ID}) {
		return p, nil
	}
	err = h.View(func(r Reader) error { p = getPrefs(r, rd.Member.ID); return nil })
	return p, err
}
