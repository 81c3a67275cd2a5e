package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// appKeys decide the applications waiting, as `approve ID` and `reject
// ID` do: [ and ] pick one, a approves and x rejects, each on a second
// press, since neither can be taken back.
type appKeys struct {
	pick, approve, reject, invite key.Binding
}

func newAppKeys() appKeys {
	return appKeys{
		pick:    bind([]string{"[", "]"}, "[/]", "pick application"),
		approve: bind([]string{"a"}, "a", "approve"),
		reject:  bind([]string{"x"}, "x", "reject"),
		invite:  bind([]string{"i"}, "i", "new invite code"),
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

// inviteLife is how long an invite made here stays valid: the default of
// `invite create`.
const inviteLife = 7 * 24 * time.Hour

// canInvite reports that the member may make invite codes.
func (m *membersTab) canInvite() bool { return state.Can(m.c.snap.me, state.RightApprove) }

// createInvite makes a one-use code valid for a week, as `invite create`
// does with its defaults; the code is shown once, in the tab.
func (m *membersTab) createInvite() tea.Cmd {
	hub, ctx, actor, timeout := m.c.hub, m.c.ctx, m.c.actor(), m.c.timeout
	exp := m.c.now().Add(inviteLife)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		code, inv, err := hub.CreateInviteCode(ctx, actor, 1, exp)
		if err != nil {
			return resultMsg{err: err, tag: "invite"}
		}
		return resultMsg{ok: fmt.Sprintf("invite #%d made: one use, valid 7 days; its code is shown once, above", inv.ID), tag: "invite", code: code}
	}
}

// result shows a new invite code until the member leaves it (esc).
func (m *membersTab) result(msg resultMsg) tea.Cmd {
	if msg.tag == "invite" && msg.err == nil {
		m.invite = msg.code
	}
	return nil
}

func (m *membersTab) inviteView() string {
	t := m.c.theme
	return t.Accent.Render("Invite code  ") + t.Code.Render(" "+line(m.invite)+" ") +
		t.Muted.Render("  share it: it works once, for 7 days, and is shown only now · esc hides it")
}
