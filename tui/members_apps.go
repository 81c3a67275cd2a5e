package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// appKeys decide the applications waiting, as `approve ID` and `reject
// ID` do: [ and ] pick one, a approves and x rejects, each on a second
// press, since neither can be taken back.
type appKeys struct {
	pick, approve, reject key.Binding
}

func newAppKeys() appKeys {
	return appKeys{
		pick:    bind([]string{"[", "]"}, "[/]", "pick application"),
		approve: bind([]string{"a"}, "a", "approve"),
		reject:  bind([]string{"x"}, "x", "reject"),
	}
}

// deciding reports that the member sees applications they may decide.
func (m *membersTab) deciding() bool {
	return len(m.c.snap.pending) > 0 && state.Can(m.c.snap.me, state.RightApprove)
}

// app is the picked application, kept in range as applications come and go.
func (m *membersTab) app() state.Application {
	apps := m.c.snap.pending
	m.appAt = max(min(m.appAt, len(apps)-1), 0)
	return apps[m.appAt]
}

func (m *membersTab) appHelp() []key.Binding {
	if !m.deciding() {
		return nil
	}
	if len(m.c.snap.pending) > 1 {
		return []key.Binding{m.apps.approve, m.apps.reject, m.apps.pick}
	}
	return []key.Binding{m.apps.approve, m.apps.reject}
}

// updateApps handles the keys that decide applications; ok is false for
// any other key.
func (m *membersTab) updateApps(k tea.KeyPressMsg) (tea.Cmd, bool) {
	if !m.deciding() {
		return nil, false
	}
	switch {
	case key.Matches(k, m.apps.pick):
		d := 1
		if k.String() == "[" {
			d = -1
		}
		m.appAt = (m.appAt + d + len(m.c.snap.pending)) % len(m.c.snap.pending)
		m.armed = ""
		return nil, true
	case key.Matches(k, m.apps.approve), key.Matches(k, m.apps.reject):
		a := m.app()
		approve := key.Matches(k, m.apps.approve)
		verb := "reject"
		if approve {
			verb = "approve"
		}
		arm := fmt.Sprintf("%s %d", verb, a.ID)
		if m.armed != arm {
			m.armed = arm
			m.c.status, m.c.statusErr = fmt.Sprintf("press %s again to %s application #%d from %s", k.String(), verb, a.ID, line(a.Name)), false
			return nil, true
		}
		m.armed = ""
		ok := fmt.Sprintf("application #%d rejected", a.ID)
		if approve {
			ok = fmt.Sprintf("application #%d approved: %s is a member now", a.ID, line(a.Name))
		}
		return m.c.submit(ok, state.DecideApplication{ID: a.ID, Approve: approve}), true
	}
	m.armed = ""
	return nil, false
}
