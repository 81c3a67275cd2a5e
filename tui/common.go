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
	hub     *state.Hub
	who     Identity
	md      *mdClient // the process's Markdown renderer, for this session
	ctx     context.Context
	timeout time.Duration
	sshCmd  string
	leaving func() // see WithLeaving
	// leftAs is the member's name when they asked to leave: the goodbye
	// names them even if the snapshot that no longer knows them comes
	// before the answer.
	leftAs      string
	signer      Signer // the member's forwarded agent, or nil (see WithSigner)
	noColor     bool
	profileMono bool
	override    string // theme chosen this session, until the log agrees
	theme       *themes.Theme
	snap        *snapshot
	// snaps counts the snapshots applied: a drawing kept for one names it
	// by this count rather than hold on to it (and all it shares).
	snaps     uint64
	status    string
	statusErr bool
	clock     func() time.Time
	// openProp is the proposal open on the Proposals tab (0: none); the
	// next snapshot reads its thread and the member's receipt with it.
	openProp uint64
	// consented is the charter version this session last consented to,
	// so a snapshot read just before that commit does not ask again.
	consented int
}

// now is the session's clock: time left on proposals is measured with it.
func (c *common) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

func (c *common) actor() state.Actor { return c.who.Actor() }

// submit runs a command off the update loop (submitCmd).
func (c *common) submit(ok string, cmd state.Command) tea.Cmd {
	return c.submitAs("", ok, cmd)
}

// submitAs is submit with a tag, so the screen that sent the command can
// tell its own result apart (to close a form, or keep it open on error).
// An act the member may sign goes through their agent when they have one
// here (signing.go).
func (c *common) submitAs(tag, ok string, cmd state.Command) tea.Cmd {
	if _, signable := state.WithActSig(cmd, ""); signable && c.signer != nil {
		return c.prepareSigned(tag, ok, cmd)
	}
	return c.submitCmd(tag, ok, cmd)
}

func (c *common) hubName() string {
	if c.snap == nil {
		return ""
	}
	return sanitize.Line(c.snap.info.Name)
}

// consentDue is the charter version the member has yet to consent to, 0
// when they are up to date or the hub has no charter.
func (c *common) consentDue() int {
	s := c.snap
	if s == nil || !s.member || s.charter == nil {
		return 0
	}
	if v := s.charter.Version; s.me.Consent < v && c.consented < v {
		return v
	}
	return 0
}
