package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/themes"
)

// Component is one screen of the app, after soft-serve's common.Component:
// the shell owns tabs, status bar and help; a component owns only its own
// state and keys. Components are pointers and update in place, so Update
// returns only a command.
type Component interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	help.KeyMap
	SetSize(width, height int)
}

// TabComponent is a Component that lives in a tab of the shell.
type TabComponent interface {
	Component
	TabName() string
	// Refresh is called after new data arrived or the theme changed.
	Refresh()
	// Capturing reports that the screen is taking text input, so global
	// keys like q or 1-8 must go to it as typed characters.
	Capturing() bool
}

// common is what every screen of one session shares.
type common struct {
	hub         *state.Hub
	who         Identity
	ctx         context.Context
	timeout     time.Duration
	sshCmd      string
	noColor     bool
	profileMono bool
	override    string // theme chosen this session, until the log agrees
	theme       themes.Theme
	snap        *snapshot
	status      string
	statusErr   bool
}

func (c *common) actor() state.Actor {
	return state.Actor{Key: c.who.Key, Fingerprint: c.who.Fingerprint}
}

// submit runs a command off the update loop: Submit waits for fsync, and a
// slow disk must not freeze the screen.
func (c *common) submit(ok string, cmd state.Command) tea.Cmd {
	hub, ctx, actor, timeout := c.hub, c.ctx, c.actor(), c.timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		_, err := hub.Submit(ctx, actor, cmd)
		_, theme := cmd.(state.ChooseTheme)
		return resultMsg{ok: ok, err: err, theme: theme}
	}
}

func (c *common) hubName() string {
	if c.snap == nil {
		return ""
	}
	return sanitize.Line(c.snap.info.Name)
}

// snapshot is everything the screens show, read in one consistent view.
// A visitor's snapshot holds only public data and their own application.
type snapshot struct {
	info     state.HubInfo
	member   bool
	me       state.Member
	members  []state.Member      // members only
	pending  []state.Application // for those who may decide them
	census   []state.CensusMember
	ownApp   *state.Application // a visitor's own application
	head     state.Head
	hasHead  bool
	size     uint64
	verifier string
	err      error
}

func loadSnapshot(hub *state.Hub, who Identity) *snapshot {
	s := &snapshot{}
	s.err = hub.View(func(r state.Reader) error {
		s.info, _ = state.GetHub(r)
		if who.Fingerprint != "" {
			s.me, s.member = state.MemberByFingerprint(r, who.Fingerprint)
		}
		all := state.ListMembers(r)
		if s.member {
			s.members = all
		} else {
			for _, m := range all {
				s.census = append(s.census, state.CensusMember{ID: m.ID, Name: m.Name, Joined: state.Day(m.Joined)})
			}
		}
		mayDecide := s.member && state.Can(s.me, state.RightApprove)
		if !mayDecide && s.member {
			return nil
		}
		for _, a := range state.ListApplications(r) {
			switch {
			case mayDecide && a.Status == state.AppPending:
				s.pending = append(s.pending, a)
			case !s.member && a.Fingerprint == who.Fingerprint:
				a := a
				s.ownApp = &a
			}
		}
		return nil
	})
	st := hub.Store()
	s.head, s.hasHead = st.Head()
	s.size = st.Size()
	s.verifier = st.VerifierKey()
	return s
}
