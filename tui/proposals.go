package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// closingSoon is how close a deadline must be for a proposal to be marked
// as closing soon, in the list and on Home.
const closingSoon = 24 * time.Hour

// needsVote: voting is open and the member has not voted.
func needsVote(p *state.ProposalView, now time.Time) bool {
	return p.State == state.PropActive && p.MyVote == nil && p.Deadline > now.UnixMilli()
}

// isClosingSoon: voting is open and ends within closingSoon.
func isClosingSoon(p *state.ProposalView, now time.Time) bool {
	left := p.Deadline - now.UnixMilli()
	return p.State == state.PropActive && left > 0 && left < closingSoon.Milliseconds()
}

// proposalAlerts counts the proposals waiting for the member's vote, and
// how many of those close within a day, for Home.
func proposalAlerts(ps []state.ProposalView, now time.Time) (needs, soon int) {
	for i := range ps {
		if needsVote(&ps[i], now) {
			needs++
			if isClosingSoon(&ps[i], now) {
				soon++
			}
		}
	}
	return needs, soon
}

// Sections of the list, in the order they are shown.
const (
	secNeeds = iota
	secOpen
	secDrafts
	secClosed
)

var sectionNames = [...]string{"Needs your vote", "Open", "Your drafts", "Closed"}

func section(p *state.ProposalView, now time.Time) int {
	switch {
	case needsVote(p, now):
		return secNeeds
	case p.State == state.PropActive:
		return secOpen
	case p.State == state.PropDraft:
		return secDrafts
	}
	return secClosed
}

// draftKey marks a draft's key. A draft is not in the log and has no
// proposal ID, only its author's own number, so the tab names each row by
// key: a proposal's ID, or draftKey with the draft's number.
const draftKey = uint64(1) << 63

func keyOf(v *state.ProposalView) uint64 {
	if v.Draft != 0 {
		return draftKey | v.Draft
	}
	return v.ID
}

// label is how the screen names a row: "#3", or "d2" for a draft.
func label(v *state.ProposalView) string {
	if v.Draft != 0 {
		return state.DraftName(v.Draft)
	}
	return fmt.Sprintf("#%d", v.ID)
}

// propRow is one proposal in the list: an index into snapshot.proposals.
type propRow struct {
	i   int
	sec int
}

// propLine is one line of the list: a section heading (row < 0) or a row.
type propLine struct {
	sec int
	row int
}

const (
	inputNone = iota
	inputComment
	inputBallot
)

// proposalsTab lists proposals and opens one to read, vote and comment.
// Everything it shows comes from the snapshot, which the app re-reads on
// every hub change, so tallies move as soon as anyone votes.
type proposalsTab struct {
	md   markdown // rendered bodies
	pmd  markdown // the preview's body, beside the list on a wide screen
	c    *common
	w, h int

	// list
	rows      []propRow
	lines     []propLine
	cursor    int    // index into rows
	selID     uint64 // the proposal under the cursor, kept across reloads
	offset    int    // first list line shown
	filter    textinput.Model
	filtering bool
	dirty     bool
	styled    string

	// detail (c.openProp != 0)
	vp      viewport.Model
	vpDirty bool
	toEnd   bool // show the end of the thread once it is next drawn
	vpFor   uint64
	input   textinput.Model
	inputOn int
	busy    bool

	// new proposal
	form *propForm
	// the ballot being marked (inputOn == inputBallot)
	ballot *ballot

	keyUp, keyDown, keyTop, keyEnd, keyOpen, keyFilter, keyClear, keyDone, keyNew       key.Binding
	keyYes, keyNo, keyAbstain, keyVote, keyComment, keyBack, keyScroll, keySend, keyEsc key.Binding
}

func newProposals(c *common) *proposalsTab {
	vp := viewport.New()
	vp.MouseWheelEnabled = false
	p := &proposalsTab{c: c, vp: vp, dirty: true, vpDirty: true,
		filter:     newInput("filter by title or #id", 60),
		input:      newInput("", state.MaxCommentLen),
		keyUp:      bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:    bind([]string{"down", "j"}, "↓/j", "down"),
		keyTop:     bind([]string{"home", "g"}, "g", "first"),
		keyEnd:     bind([]string{"end", "G"}, "G", "last"),
		keyOpen:    bind([]string{"enter"}, "enter", "open"),
		keyFilter:  bind([]string{"/"}, "/", "filter"),
		keyClear:   bind([]string{"esc"}, "esc", "clear filter"),
		keyDone:    bind([]string{"enter"}, "enter", "keep filter"),
		keyNew:     bind([]string{"n", "N"}, "n", "new proposal"),
		keyYes:     bind([]string{"y"}, "y", "vote yes"),
		keyNo:      bind([]string{"n"}, "n", "vote no"),
		keyAbstain: bind([]string{"a"}, "a", "abstain"),
		keyVote:    bind([]string{"v"}, "v", "vote"),
		keyComment: bind([]string{"c"}, "c", "comment"),
		keyBack:    bind([]string{"esc"}, "esc", "back"),
		keyScroll:  bind([]string{"up", "down"}, "↑/↓", "scroll"),
		keySend:    bind([]string{"enter"}, "enter", "send"),
		keyEsc:     bind([]string{"esc"}, "esc", "cancel"),
	}
	p.filter.Prompt = "/ "
	return p
}

func (p *proposalsTab) TabName() string { return "Proposals" }

func (p *proposalsTab) Capturing() bool {
	return p.filtering || p.inputOn != inputNone || p.form != nil
}

func (p *proposalsTab) SetSize(w, h int) {
	if w != p.w || h != p.h {
		p.w, p.h = w, h
		p.dirty, p.vpDirty = true, true
	}
}

// Refresh marks everything stale; the work happens when next drawn.
func (p *proposalsTab) Refresh() {
	p.dirty, p.vpDirty = true, true
	if t := p.c.theme; p.styled != t.Name {
		p.styled = t.Name
		p.filter.SetStyles(inputStyles(t))
		p.input.SetStyles(inputStyles(t))
		if p.form != nil {
			p.form.restyle(t)
		}
	}
	// A proposal that is no longer listed (a draft opened or deleted)
	// closes.
	if id := p.c.openProp; id != 0 && p.find(id) < 0 {
		p.closeDetail()
	}
}

func (p *proposalsTab) props() []state.ProposalView { return p.c.snap.proposals }

func (p *proposalsTab) find(id uint64) int {
	for i := range p.props() {
		if keyOf(&p.props()[i]) == id {
			return i
		}
	}
	return -1
}

// --- help ---

func (p *proposalsTab) ShortHelp() []key.Binding {
	switch {
	case p.form != nil:
		return p.form.keys()
	case p.filtering:
		return []key.Binding{p.keyDone, p.keyClear}
	case p.inputOn == inputBallot && p.ballot != nil:
		return p.ballot.keys()
	case p.inputOn != inputNone:
		return []key.Binding{p.keySend, p.keyEsc}
	case p.c.openProp != 0:
		return p.detailKeys()
	}
	out := []key.Binding{p.keyOpen, p.keyFilter, p.keyNew}
	if p.filter.Value() != "" {
		out = append(out, p.keyClear)
	}
	return out
}

func (p *proposalsTab) detailKeys() []key.Binding {
	v := p.current()
	if v != nil && v.Draft != 0 {
		return []key.Binding{p.keyScroll, p.keyBack}
	}
	var out []key.Binding
	if v != nil && v.State == state.PropActive {
		if v.Method == state.MethodYesNo {
			out = append(out, p.keyYes, p.keyNo, p.keyAbstain)
		} else {
			out = append(out, p.keyVote)
		}
	}
	return append(out, p.keyComment, p.keyScroll, p.keyBack)
}

func (p *proposalsTab) FullHelp() [][]key.Binding {
	if p.Capturing() {
		return [][]key.Binding{p.ShortHelp()}
	}
	if p.c.openProp != 0 {
		return [][]key.Binding{p.detailKeys(), {p.keyNew}}
	}
	return [][]key.Binding{{p.keyUp, p.keyDown, p.keyTop, p.keyEnd}, {p.keyOpen, p.keyFilter, p.keyClear, p.keyNew}}
}

// --- update ---

func (p *proposalsTab) Update(msg tea.Msg) tea.Cmd {
	p.sync()
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case p.form != nil:
		return p.updateForm(msg)
	case p.filtering:
		return p.updateFilter(msg)
	case p.inputOn != inputNone:
		return p.updateInput(msg)
	case !isKey:
		return nil
	case p.c.openProp != 0:
		return p.updateDetail(k)
	}
	return p.updateList(k)
}

func (p *proposalsTab) updateList(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, p.keyUp):
		p.move(-1)
	case key.Matches(k, p.keyDown):
		p.move(1)
	case key.Matches(k, p.keyTop):
		p.move(-len(p.rows))
	case key.Matches(k, p.keyEnd):
		p.move(len(p.rows))
	case key.Matches(k, p.keyOpen):
		if p.cursor < len(p.rows) {
			return p.openDetail(keyOf(&p.props()[p.rows[p.cursor].i]))
		}
	case key.Matches(k, p.keyFilter):
		p.filtering = true
		p.dirty = true
		return p.filter.Focus()
	case key.Matches(k, p.keyClear) && p.filter.Value() != "":
		p.filter.SetValue("")
		p.dirty = true
	case key.Matches(k, p.keyNew):
		return p.openForm()
	}
	return nil
}

func (p *proposalsTab) move(d int) {
	if len(p.rows) == 0 {
		return
	}
	p.cursor = min(max(p.cursor+d, 0), len(p.rows)-1)
	p.selID = keyOf(&p.props()[p.rows[p.cursor].i])
}

func (p *proposalsTab) updateFilter(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keyClear):
			p.filtering = false
			p.filter.Blur()
			p.filter.SetValue("")
			p.dirty = true
			return nil
		case key.Matches(k, p.keyDone):
			p.filtering = false
			p.filter.Blur()
			p.dirty = true
			return nil
		}
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	p.dirty = true
	return cmd
}

// reloadNow asks the app for a snapshot that includes the open thread.
func reloadNow() tea.Msg { return reloadMsg{} }

func (p *proposalsTab) openDetail(id uint64) tea.Cmd {
	p.c.openProp = id
	p.selID = id
	p.vpDirty = true
	p.vp.GotoTop()
	return reloadNow
}

func (p *proposalsTab) closeDetail() {
	p.c.openProp = 0
	p.closeInput()
	p.dirty = true
}

func (p *proposalsTab) updateDetail(k tea.KeyPressMsg) tea.Cmd {
	v := p.current()
	if v == nil {
		p.closeDetail()
		return nil
	}
	yesno := v.Method == state.MethodYesNo
	switch {
	case key.Matches(k, p.keyBack):
		p.closeDetail()
		return nil
	case k.String() == "N":
		return p.openForm()
	case key.Matches(k, p.keyYes), key.Matches(k, p.keyNo), key.Matches(k, p.keyAbstain):
		if !yesno {
			return p.voteHint(v)
		}
		choice := map[string]string{"y": tally.ChoiceYes, "n": tally.ChoiceNo, "a": tally.ChoiceAbstain}[k.String()]
		return p.vote(v, tally.Ballot{Choice: choice}, choice)
	case key.Matches(k, p.keyVote):
		if yesno {
			return p.vote(v, tally.Ballot{}, "") // explains the keys
		}
		if err := p.canVote(v); err != "" {
			p.c.status, p.c.statusErr = err, true
			return nil
		}
		p.inputOn = inputBallot
		p.ballot = newBallot(v)
		p.vpDirty = true
		return nil
	case key.Matches(k, p.keyComment):
		if v.Draft != 0 {
			p.c.status, p.c.statusErr = draftHint(v), false
			return nil
		}
		p.inputOn = inputComment
		p.input.SetValue("")
		p.input.CharLimit = state.MaxCommentLen
		p.input.Placeholder = "say something to everyone reading " + label(v)
		p.vpDirty = true
		return p.input.Focus()
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(k)
	return cmd
}

func (p *proposalsTab) voteHint(v *state.ProposalView) tea.Cmd {
	if err := p.canVote(v); err != "" {
		p.c.status, p.c.statusErr = err, true
		return nil
	}
	p.c.status, p.c.statusErr = fmt.Sprintf("%s is decided by %s voting: press v to vote", label(v), methodName(v.Method)), false
	return nil
}

func (p *proposalsTab) canVote(v *state.ProposalView) string {
	if v.Draft != 0 {
		return draftHint(v)
	}
	if v.State != state.PropActive {
		return fmt.Sprintf("voting on %s is closed (%s)", label(v), line(v.State))
	}
	if v.Deadline <= p.c.now().UnixMilli() {
		return fmt.Sprintf("voting on %s has ended; the result is being counted", label(v))
	}
	return ""
}

// draftHint says what a draft is and how it becomes a proposal.
func draftHint(v *state.ProposalView) string {
	n := state.DraftName(v.Draft)
	return fmt.Sprintf("%s is your draft: only you can see it, and it is not in the community's log; `proposal open %s` opens it for votes", n, n)
}

func (p *proposalsTab) vote(v *state.ProposalView, b tally.Ballot, choice string) tea.Cmd {
	if err := p.canVote(v); err != "" {
		p.c.status, p.c.statusErr = err, true
		return nil
	}
	if choice == "" {
		p.c.status, p.c.statusErr = "press y, n or a to vote yes, no or abstain", false
		return nil
	}
	if v.MyVote != nil && v.MyVote.Choice == choice {
		p.c.status, p.c.statusErr = fmt.Sprintf("you already voted %s on %s", choice, label(v)), false
		return nil
	}
	ok := fmt.Sprintf("you voted %s on %s", choice, label(v))
	if v.MyVote != nil {
		ok = fmt.Sprintf("you changed your vote on %s to %s", label(v), choice)
	}
	return p.c.submitAs("vote", ok, state.CastVote{ID: v.ID, Ballot: b})
}

func (p *proposalsTab) updateBallot(k tea.KeyPressMsg) tea.Cmd {
	send, cancel := p.ballot.update(k)
	v := p.current()
	switch {
	case cancel || v == nil:
		p.closeInput()
	case p.busy:
	case send:
		b := p.ballot.cast()
		if err := tally.ValidateBallot(v.Method, b, len(v.Options)); err != nil {
			p.c.status, p.c.statusErr = line(err.Error()), true
			return nil
		}
		p.busy = true
		return p.c.submitAs("ballot", fmt.Sprintf("your %s ballot on %s is in", methodName(v.Method), label(v)),
			state.CastVote{ID: v.ID, Ballot: b})
	}
	return nil
}

func (p *proposalsTab) closeInput() {
	p.ballot = nil
	p.inputOn = inputNone
	p.busy = false
	p.input.Blur()
	p.input.SetValue("")
	p.vpDirty = true
}

func (p *proposalsTab) updateInput(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	if p.inputOn == inputBallot && p.ballot != nil {
		if !isKey {
			return nil
		}
		return p.updateBallot(k)
	}
	switch {
	case isKey && key.Matches(k, p.keyEsc):
		p.closeInput()
		return nil
	case p.busy:
		return nil // typing while a command is in flight is ignored
	case isKey && key.Matches(k, p.keySend):
		v := p.current()
		if v == nil {
			p.closeInput()
			return nil
		}
		val := strings.TrimSpace(p.input.Value())
		if p.inputOn == inputComment {
			if val == "" {
				p.c.status, p.c.statusErr = "write something first, or esc to cancel", true
				return nil
			}
			p.busy = true
			return p.c.submitAs("comment", "comment added to "+label(v), state.CommentOn{ID: v.ID, Body: val})
		}
		b, err := tally.ParseBallot(v.Method, val, v.Options)
		if err != nil {
			p.c.status, p.c.statusErr = line(err.Error()), true
			return nil
		}
		p.busy = true
		return p.c.submitAs("ballot", fmt.Sprintf("your %s ballot on %s is in", methodName(v.Method), label(v)),
			state.CastVote{ID: v.ID, Ballot: b})
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// result closes the input or form a command came from once it went
// through, and keeps it open (with the error in the status bar) if not.
func (p *proposalsTab) result(msg resultMsg) tea.Cmd {
	switch msg.tag {
	case "comment", "ballot":
		p.busy = false
		if msg.err == nil {
			p.closeInput()
			p.toEnd = msg.tag == "comment"
		}
	case "new":
		if p.form == nil {
			return nil
		}
		p.form.busy = false
		if msg.err != nil {
			return nil
		}
		p.form = nil
		for _, ev := range msg.events {
			if pc, ok := ev.Body.(*state.ProposalCreated); ok {
				p.c.openProp, p.selID = pc.Proposal, pc.Proposal
				p.vp.GotoTop()
			}
		}
		p.dirty, p.vpDirty = true, true
	}
	return nil
}
