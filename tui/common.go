package tui

import (
	"context"
	"sync"
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
	clock       func() time.Time
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

func (c *common) actor() state.Actor {
	return state.Actor{Key: c.who.Key, Fingerprint: c.who.Fingerprint}
}

// submit runs a command off the update loop: Submit waits for fsync, and a
// slow disk must not freeze the screen.
func (c *common) submit(ok string, cmd state.Command) tea.Cmd {
	return c.submitAs("", ok, cmd)
}

// submitAs is submit with a tag, so the screen that sent the command can
// tell its own result apart (to close a form, or keep it open on error).
func (c *common) submitAs(tag, ok string, cmd state.Command) tea.Cmd {
	hub, ctx, actor, timeout := c.hub, c.ctx, c.actor(), c.timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		evs, err := hub.Submit(ctx, actor, cmd)
		_, theme := cmd.(state.ChooseTheme)
		return resultMsg{ok: ok, err: err, theme: theme, tag: tag, events: evs}
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
	members  []state.Member      // members only; everyone who ever joined, for names
	roster   []state.Member      // members only; those who still count (not left or expelled)
	pending  []state.Application // for those who may decide them
	census   []state.CensusMember
	unlisted int                // members a visitor may not see by name
	count    int                // members who still count
	ownApp   *state.Application // a visitor's own application
	// charter is the one in force, nil when the hub has none. Public:
	// visitors read it before they join.
	charter *state.Charter
	// figures is the census at the latest checkpoint, nil until one is
	// sealed after start-up. Public, and shared by every session.
	figures  *state.CensusAt
	head     state.Head
	hasHead  bool
	size     uint64
	verifier string
	err      error
	// Members only: every proposal they may see with its live tally, and
	// the open one (see common.openProp) with its thread and their receipt.
	proposals []state.ProposalView
	open      *state.ProposalView
	receipt   *state.Receipt
	// Members only: the treasury, shared read-only by every session (see
	// loadTreasury); nil when it could not be read.
	treasury *treasuryData
	// Members only: spaces and bookings, shared like the treasury (see
	// loadHousing); nil when they could not be read.
	housing *housingData
	// Members only: every case, shared like the treasury (see
	// loadDisputes).
	cases []state.Case
	// Members only: campaigns and their pledges, shared like the
	// treasury (see loadCampaigns).
	campaigns *campaignData
}

// loadSnapshot reads what the screens show; open is the proposal on screen
// (0: none), read with its thread.
func loadSnapshot(hub *state.Hub, who Identity, open uint64) *snapshot {
	s := &snapshot{}
	// Read once per change and shared by every session.
	all, err := hub.Members()
	if err != nil {
		s.err = err
		return s
	}
	s.err = hub.View(func(r state.Reader) error {
		s.info, _ = state.GetHub(r)
		if who.Fingerprint != "" {
			s.me, s.member = state.MemberByFingerprint(r, who.Fingerprint)
		}
		if c, ok := state.CurrentCharter(r); ok {
			s.charter = &c
		}
		if s.member {
			s.members = all
			s.roster = rosterOf(all)
			s.count = len(s.roster)
		} else {
			// Visitors see the names of members who chose to be
			// listed, as in hub.Census(false).
			for _, m := range all {
				switch {
				case m.Gone():
					continue
				case !m.Listed:
					s.unlisted++
				default:
					s.census = append(s.census, state.CensusMember{ID: m.ID, Name: m.Name, Joined: state.Day(m.Joined)})
				}
				s.count++
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
	if s.member && s.err == nil {
		s.loadProposals(hub, open)
	}
	if s.member && s.err == nil {
		s.treasury, s.err = loadTreasury(hub)
	}
	if s.member && s.err == nil {
		s.housing, s.err = loadHousing(hub)
	}
	if s.member && s.err == nil {
		s.cases, s.err = loadDisputes(hub)
	}
	if s.member && s.err == nil {
		s.campaigns, s.err = loadCampaigns(hub)
	}
	st := hub.Store()
	s.head, s.hasHead = st.Head()
	s.size = st.Size()
	s.verifier = st.VerifierKey()
	s.figures = st.LastCensus()
	return s
}

// rosterShared is the last roster filtered out of hub.Members, which
// returns one shared slice per log size: a thousand sessions reloading
// after one commit filter it once.
var rosterShared struct {
	mu     sync.Mutex
	first  *state.Member
	n      int
	roster []state.Member
}

// rosterOf is the members who still count, in id order.
func rosterOf(all []state.Member) []state.Member {
	if len(all) == 0 {
		return nil
	}
	rs := &rosterShared
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.first == &all[0] && rs.n == len(all) {
		return rs.roster
	}
	out := make([]state.Member, 0, len(all))
	for _, m := range all {
		if !m.Gone() {
			out = append(out, m)
		}
	}
	rs.first, rs.n, rs.roster = &all[0], len(all), out
	return out
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

func (s *snapshot) loadProposals(hub *state.Hub, open uint64) {
	var err error
	if s.proposals, err = hub.ProposalsFor(s.me.ID); err != nil {
		s.err = err
		return
	}
	if open == 0 {
		return
	}
	// A proposal that vanished (a draft cancelled) is simply not open.
	if v, err := hub.ProposalFor(open, s.me.ID); err == nil {
		s.open = &v
		if v.MyVote != nil {
			if rc, err := hub.VoteReceipt(open, s.me.ID); err == nil {
				s.receipt = &rc
			}
		}
	}
}
