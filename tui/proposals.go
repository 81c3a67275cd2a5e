package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
	"github.com/polis-hub/polis/themes"
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
	// A proposal that is no longer visible (a draft cancelled) closes.
	if id := p.c.openProp; id != 0 && p.find(id) < 0 {
		p.closeDetail()
	}
}

func (p *proposalsTab) props() []state.ProposalView { return p.c.snap.proposals }

func (p *proposalsTab) find(id uint64) int {
	for i := range p.props() {
		if p.props()[i].ID == id {
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
			return p.openDetail(p.props()[p.rows[p.cursor].i].ID)
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
	p.selID = p.props()[p.rows[p.cursor].i].ID
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
		p.input.SetValue("")
		p.input.CharLimit = 400
		p.input.Placeholder = ballotHint(v.Method)
		p.vpDirty = true
		return p.input.Focus()
	case key.Matches(k, p.keyComment):
		p.inputOn = inputComment
		p.input.SetValue("")
		p.input.CharLimit = state.MaxCommentLen
		p.input.Placeholder = "say something to everyone reading #" + fmt.Sprint(v.ID)
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
	p.c.status, p.c.statusErr = fmt.Sprintf("#%d is decided by %s voting: press v to vote", v.ID, methodName(v.Method)), false
	return nil
}

func (p *proposalsTab) canVote(v *state.ProposalView) string {
	if v.State != state.PropActive {
		return fmt.Sprintf("voting on #%d is closed (%s)", v.ID, line(v.State))
	}
	if v.Deadline <= p.c.now().UnixMilli() {
		return fmt.Sprintf("voting on #%d has ended; the result is being counted", v.ID)
	}
	return ""
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
		p.c.status, p.c.statusErr = fmt.Sprintf("you already voted %s on #%d", choice, v.ID), false
		return nil
	}
	ok := fmt.Sprintf("you voted %s on #%d", choice, v.ID)
	if v.MyVote != nil {
		ok = fmt.Sprintf("you changed your vote on #%d to %s", v.ID, choice)
	}
	return p.c.submitAs("vote", ok, state.CastVote{ID: v.ID, Ballot: b})
}

func ballotHint(method string) string {
	switch method {
	case state.MethodApproval:
		return "the options you approve, by number or name: 1,3"
	case state.MethodRanked:
		return "options best first, by number or name: 2,1,3"
	case state.MethodScore:
		return fmt.Sprintf("a score 0-%d for each option, in order: 5,0,3", tally.MaxScore)
	}
	return "yes, no or abstain"
}

func (p *proposalsTab) closeInput() {
	p.inputOn = inputNone
	p.busy = false
	p.input.Blur()
	p.input.SetValue("")
	p.vpDirty = true
}

func (p *proposalsTab) updateInput(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
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
			return p.c.submitAs("comment", fmt.Sprintf("comment added to #%d", v.ID), state.CommentOn{ID: v.ID, Body: val})
		}
		b, err := tally.ParseBallot(v.Method, val, v.Options)
		if err != nil {
			p.c.status, p.c.statusErr = line(err.Error()), true
			return nil
		}
		p.busy = true
		return p.c.submitAs("ballot", fmt.Sprintf("your %s ballot on #%d is in", methodName(v.Method), v.ID),
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

// --- new proposal form ---

// propForm is the new-proposal form: a title and a Markdown-free body.
// Plain bubbles inputs rather than huh, like the rest of the app: huh's
// fields blink (a timer per idle session), bring their own theme and keys,
// and size themselves from the terminal rather than from the tab.
type propForm struct {
	title textinput.Model
	body  textarea.Model
	focus int
	busy  bool
	rules string

	keyNext, keyPrev, keySend, keyCancel key.Binding
}

func (p *proposalsTab) openForm() tea.Cmd {
	f := &propForm{
		title:     newInput("what should the community decide?", state.MaxTitleLen),
		body:      textarea.New(),
		keyNext:   bind([]string{"tab"}, "tab", "next field"),
		keyPrev:   bind([]string{"shift+tab"}, "shift+tab", "previous field"),
		keySend:   bind([]string{"ctrl+s"}, "ctrl+s", "open for votes"),
		keyCancel: bind([]string{"esc"}, "esc", "cancel"),
	}
	f.body.ShowLineNumbers = false
	f.body.Prompt = ""
	f.body.Placeholder = "why, and what changes if it passes (optional)"
	f.body.CharLimit = state.MaxBodyLen
	f.body.MaxHeight = 1000
	f.body.MaxContentHeight = 2000
	_ = p.c.hub.View(func(r state.Reader) error {
		if k, ok := state.RulesFor(r, state.KindText); ok {
			f.rules = fmt.Sprintf("Voting stays open %s. It needs %s of members taking part and passes with %s yes.",
				duration(time.Duration(k.PeriodMS)*time.Millisecond), pct(k.QuorumBP), pct(k.ThresholdBP))
		}
		return nil
	})
	f.restyle(p.c.theme)
	p.form = f
	return f.title.Focus()
}

func (f *propForm) restyle(t themes.Theme) {
	f.title.SetStyles(inputStyles(t))
	st := textarea.DefaultStyles(t.Palette.Dark)
	for _, s := range []*textarea.StyleState{&st.Focused, &st.Blurred} {
		s.Base, s.Text, s.CursorLine, s.Placeholder = lipgloss.NewStyle(), t.InputText, t.InputText, t.InputHint
		s.EndOfBuffer, s.Prompt = t.InputHint, t.InputPrompt
		s.CursorLineNumber, s.LineNumber = t.InputHint, t.InputHint
	}
	st.Blurred.Text, st.Blurred.CursorLine = t.Subtle, t.Subtle
	st.Cursor.Blink = false
	if !t.Mono {
		st.Cursor.Color = t.Palette.Accent
	}
	f.body.SetStyles(st)
}

func (f *propForm) keys() []key.Binding {
	return []key.Binding{f.keySend, f.keyNext, f.keyCancel}
}

func (f *propForm) setFocus(i int) tea.Cmd {
	f.focus = i
	if i == 0 {
		f.body.Blur()
		return f.title.Focus()
	}
	f.title.Blur()
	return f.body.Focus()
}

func (p *proposalsTab) updateForm(msg tea.Msg) tea.Cmd {
	f := p.form
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, f.keyCancel):
		p.form = nil
		return nil
	case f.busy:
		return nil
	case isKey && (key.Matches(k, f.keyNext) || key.Matches(k, f.keyPrev)):
		return f.setFocus(1 - f.focus)
	case isKey && key.Matches(k, f.keySend):
		title := strings.TrimSpace(f.title.Value())
		if title == "" {
			p.c.status, p.c.statusErr = "a proposal needs a title", true
			return f.setFocus(0)
		}
		f.busy = true
		return p.c.submitAs("new", "your proposal is open for votes",
			state.NewProposal{Kind: state.KindText, Title: title, Body: strings.TrimSpace(f.body.Value()), Method: state.MethodYesNo})
	case isKey && f.focus == 0 && k.String() == "enter":
		return f.setFocus(1)
	}
	var cmd tea.Cmd
	if f.focus == 0 {
		f.title, cmd = f.title.Update(msg)
	} else {
		f.body, cmd = f.body.Update(msg)
	}
	return cmd
}

func (p *proposalsTab) formView(t themes.Theme) string {
	f := p.form
	w := max(min(p.w, 80), 1)
	f.title.SetWidth(max(w-2, 1))
	f.body.SetWidth(max(w-2, 1))
	var b strings.Builder
	b.WriteString(t.Heading.Render("New proposal") + "  " + t.Muted.Render("text · decided yes/no") + "\n\n")
	if f.rules != "" {
		b.WriteString(t.Subtle.Render(wrap(f.rules, w)) + "\n\n")
	}
	label := func(i int, s string) string {
		if f.focus == i {
			return t.Accent.Render(s)
		}
		return t.Label.Render(s)
	}
	b.WriteString(label(0, "Title") + "\n")
	b.WriteString(t.InputPrompt.Render("› ") + f.title.View() + "\n\n")
	b.WriteString(label(1, "Body") + "\n")
	// The body takes what is left above the hint line.
	used := strings.Count(b.String(), "\n") + 1
	f.body.SetHeight(max(min(p.h-used-1, 16), 1))
	b.WriteString(indent(f.body.View(), 2) + "\n")
	if f.busy {
		b.WriteString(t.Muted.Render("sending…"))
	} else {
		b.WriteString(t.Muted.Render(clip("tab switches field · ctrl+s opens it for votes · esc cancels", w)))
	}
	return b.String()
}

// --- list ---

func (p *proposalsTab) sync() {
	if !p.dirty {
		return
	}
	p.dirty = false
	now := p.c.now()
	q := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	ps := p.props()
	p.rows = p.rows[:0]
	for i := range ps {
		v := &ps[i]
		if q != "" && !strings.Contains(strings.ToLower(line(v.Title)+" #"+fmt.Sprint(v.ID)), q) {
			continue
		}
		p.rows = append(p.rows, propRow{i: i, sec: section(v, now)})
	}
	slices.SortStableFunc(p.rows, func(a, b propRow) int {
		if a.sec != b.sec {
			return a.sec - b.sec
		}
		x, y := &ps[a.i], &ps[b.i]
		switch a.sec {
		case secNeeds, secOpen:
			if x.Deadline != y.Deadline {
				return cmpInt(x.Deadline, y.Deadline)
			}
		case secClosed:
			if x.Closed != y.Closed {
				return cmpInt(y.Closed, x.Closed)
			}
			return cmpInt(int64(y.ID), int64(x.ID))
		}
		return cmpInt(int64(x.ID), int64(y.ID))
	})
	p.lines = p.lines[:0]
	p.cursor = min(p.cursor, max(len(p.rows)-1, 0))
	for j, r := range p.rows {
		if j == 0 || p.rows[j-1].sec != r.sec {
			p.lines = append(p.lines, propLine{sec: r.sec, row: -1})
		}
		p.lines = append(p.lines, propLine{sec: r.sec, row: j})
		if ps[r.i].ID == p.selID {
			p.cursor = j
		}
	}
	if len(p.rows) > 0 {
		p.selID = ps[p.rows[p.cursor].i].ID
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *proposalsTab) View() string {
	p.sync()
	t := p.c.theme
	switch {
	case p.form != nil:
		return p.formView(t)
	case p.c.openProp != 0 && p.current() != nil:
		return p.detailView(t)
	}
	return p.listView(t)
}

func (p *proposalsTab) listView(t themes.Theme) string {
	now := p.c.now()
	ps := p.props()
	needs, _ := proposalAlerts(ps, now)
	open := 0
	for i := range ps {
		if ps[i].State == state.PropActive {
			open++
		}
	}
	summary := fmt.Sprintf("%d open", open)
	if needs > 0 {
		summary += fmt.Sprintf(" · %d need your vote", needs)
	}
	if q := p.filter.Value(); q != "" {
		summary = fmt.Sprintf("%d of %s match", len(p.rows), plural(len(ps), "proposal", "proposals"))
	}
	var b strings.Builder
	b.WriteString(t.Heading.Render("Proposals") + "  " + t.Muted.Render(clip(summary, max(p.w-11, 0))) + "\n\n")
	used := 2
	if p.filtering || p.filter.Value() != "" {
		p.filter.SetWidth(max(min(p.w-4, 60), 1))
		b.WriteString(p.filter.View() + "\n")
		used++
	}
	if len(ps) == 0 {
		w := max(min(p.w, 72), 1)
		b.WriteString(t.Text.Render("No proposals yet.") + "\n\n")
		b.WriteString(t.Subtle.Render(wrap("Proposals are how this community decides together. Press n to put a question to a vote: every member can read it, discuss it and vote, and the tally moves live as they do.", w)) + "\n")
		return b.String()
	}
	if len(p.rows) == 0 {
		b.WriteString(t.Muted.Render("  no proposal matches") + "\n")
		return b.String()
	}
	cols := p.columns()
	b.WriteString(t.Label.Render(clip(cols.header(), p.w)) + "\n")
	used++
	avail := max(p.h-used, 1)
	p.scrollTo(avail)
	for i := p.offset; i < len(p.lines) && i < p.offset+avail; i++ {
		l := p.lines[i]
		if l.row < 0 {
			name := sectionNames[l.sec]
			n := 0
			for _, r := range p.rows {
				if r.sec == l.sec {
					n++
				}
			}
			st := t.Label
			if l.sec == secNeeds {
				st = t.Warn
			}
			b.WriteString(st.Render(clip(fmt.Sprintf("%s (%d)", name, n), p.w)) + "\n")
			continue
		}
		v := &ps[p.rows[l.row].i]
		b.WriteString(cols.row(t, v, now, l.row == p.cursor) + "\n")
	}
	return b.String()
}

// scrollTo keeps the cursor's row, and its section heading when it is the
// first of its section, inside the avail lines shown.
func (p *proposalsTab) scrollTo(avail int) {
	at := 0
	for i, l := range p.lines {
		if l.row == p.cursor {
			at = i
		}
	}
	top := at
	if at > 0 && p.lines[at-1].row < 0 && avail > 1 {
		top = at - 1
	}
	if top < p.offset {
		p.offset = top
	}
	if at >= p.offset+avail {
		p.offset = at - avail + 1
	}
	p.offset = max(min(p.offset, len(p.lines)-avail), 0)
}

// listCols are the list's column widths for the tab's width.
type listCols struct {
	title, state, left, bar, label int
}

func (p *proposalsTab) columns() listCols {
	c := listCols{state: 9, left: 10, bar: 12, label: 16}
	switch {
	case p.w < 44:
		c.left, c.bar, c.label = 0, 0, 0
	case p.w < 56:
		c.bar, c.label = 0, 0
	case p.w < 72:
		c.bar, c.label = 6, 0
	case p.w < 100:
		c.bar, c.label = 8, 11
	}
	fixed := 2 + 5 + 1 + c.state
	for _, n := range []int{c.left, c.bar, c.label} {
		if n > 0 {
			fixed += n + 1
		}
	}
	c.title = min(max(p.w-fixed-1, 6), 72)
	return c
}

func pad(s string, w int) string {
	s = clip(s, w)
	return s + repeat(" ", w-ansi.StringWidth(s))
}

func (c listCols) header() string {
	h := "  " + pad("#", 5) + pad("Title", c.title) + " " + pad("State", c.state)
	if c.left > 0 {
		h += " " + pad("Left", c.left)
	}
	if c.bar > 0 {
		h += " " + pad("Tally", c.bar)
	}
	return h
}

func (c listCols) row(t themes.Theme, v *state.ProposalView, now time.Time, selected bool) string {
	mark := "  "
	if needsVote(v, now) {
		mark = "● "
	}
	id := pad(fmt.Sprintf("#%d", v.ID), 5)
	title := pad(line(v.Title), c.title)
	st := pad(line(v.State), c.state)
	left, soon := "", isClosingSoon(v, now)
	if c.left > 0 {
		left = pad(listLeft(v, now), c.left)
	}
	segs, label := tallySegments(&v.Tally)
	if selected {
		s := mark + id + title + " " + st
		if c.left > 0 {
			s += " " + left
		}
		if c.bar > 0 {
			s += " " + bar(t, segs, c.bar, false)
		}
		if c.label > 0 {
			s += " " + pad(label, c.label)
		}
		return t.Selected.Render(s)
	}
	s := t.Warn.Render(mark) + t.Muted.Render(id) + t.Text.Render(title) + " " + stateStyle(t, v.State).Render(st)
	if c.left > 0 {
		ls := t.Subtle
		if soon {
			ls = t.Warn
		}
		s += " " + ls.Render(left)
	}
	if c.bar > 0 {
		s += " " + bar(t, segs, c.bar, true)
	}
	if c.label > 0 {
		s += " " + t.Subtle.Render(pad(label, c.label))
	}
	return s
}

func stateStyle(t themes.Theme, s string) lipgloss.Style {
	switch s {
	case state.PropActive:
		return t.Accent
	case state.PropPassed, state.PropExecuted:
		return t.Good
	case state.PropRejected:
		return t.Bad
	case state.PropDraft:
		return t.Subtle
	}
	return t.Muted
}

// listLeft is the list's time column: time left while open, the closing
// day after.
func listLeft(v *state.ProposalView, now time.Time) string {
	switch v.State {
	case state.PropActive:
		left := time.UnixMilli(v.Deadline).Sub(now)
		if left <= 0 {
			return "counting"
		}
		return duration(left)
	case state.PropDraft:
		return "not open"
	}
	if v.Closed > 0 {
		return state.Day(v.Closed)
	}
	return "—"
}

// duration is a calm, short time span: "6d 23h", "5h 12m", "41m".
func duration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dm", max(int(d/time.Minute), 1))
}

func pct(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	return fmt.Sprintf("%.2f%%", float64(bp)/100)
}

// --- tally bars ---

// seg is one part of a proportional bar: a count, a glyph that tells it
// apart without colour, and its colour.
type seg struct {
	n     int
	glyph string
	style func(themes.Theme) lipgloss.Style
}

var (
	segYes     = func(t themes.Theme) lipgloss.Style { return t.Good }
	segNo      = func(t themes.Theme) lipgloss.Style { return t.Bad }
	segAbstain = func(t themes.Theme) lipgloss.Style { return t.Muted }
	segLead    = func(t themes.Theme) lipgloss.Style { return t.Accent }
	segRest    = func(t themes.Theme) lipgloss.Style { return t.Muted }
)

// tallySegments is the list's compact view of a tally: yes/no/abstain
// proportions, or for other methods the leading option's share.
func tallySegments(tl *state.Tally) ([]seg, string) {
	if tl.Hidden {
		return nil, "hidden"
	}
	if tl.Method == state.MethodYesNo {
		if tl.Yes+tl.No+tl.Abstain == 0 {
			return nil, "no votes"
		}
		label := fmt.Sprintf("%d yes %d no", tl.Yes, tl.No)
		if tl.Abstain > 0 {
			label += fmt.Sprintf(" %d ab", tl.Abstain)
		}
		return []seg{{tl.Yes, "█", segYes}, {tl.No, "▓", segNo}, {tl.Abstain, "▒", segAbstain}}, label
	}
	counts := optionCounts(tl)
	lead, total := -1, 0
	for i, n := range counts {
		total += n
		if n > 0 && (lead < 0 || n > counts[lead]) {
			lead = i
		}
	}
	if tl.Winner >= 0 && tl.Winner < len(counts) {
		lead = tl.Winner
	}
	if lead < 0 || total == 0 {
		return nil, "no votes"
	}
	name := ""
	if lead < len(tl.Options) {
		name = line(tl.Options[lead])
	}
	return []seg{{counts[lead], "█", segLead}, {total - counts[lead], "░", segRest}},
		fmt.Sprintf("%s %d", clip(name, 10), counts[lead])
}

// optionCounts is the weight per option: approvals or score totals, or the
// last round of a ranked count.
func optionCounts(tl *state.Tally) []int {
	if tl.Method == state.MethodRanked {
		if len(tl.Rounds) == 0 {
			return make([]int, len(tl.Options))
		}
		return tl.Rounds[len(tl.Rounds)-1].Counts
	}
	if len(tl.Counts) == 0 {
		return make([]int, len(tl.Options))
	}
	return tl.Counts
}

// bar draws segments proportionally in w cells; with no counts it is a
// dotted line.
func bar(t themes.Theme, segs []seg, w int, styled bool) string {
	if w <= 0 {
		return ""
	}
	counts := make([]int, len(segs))
	for i, s := range segs {
		counts[i] = s.n
	}
	cells := apportion(counts, w)
	var b strings.Builder
	used := 0
	for i, s := range segs {
		part := repeat(s.glyph, cells[i])
		used += cells[i]
		if styled && part != "" {
			part = s.style(t).Render(part)
		}
		b.WriteString(part)
	}
	if used < w {
		rest := repeat("·", w-used)
		if styled {
			rest = t.Muted.Render(rest)
		}
		b.WriteString(rest)
	}
	return b.String()
}

// apportion splits w cells between counts in proportion (largest
// remainder), giving every non-zero count at least one cell when it can.
func apportion(counts []int, w int) []int {
	out := make([]int, len(counts))
	total := 0
	for _, n := range counts {
		total += max(n, 0)
	}
	if total <= 0 || w <= 0 {
		return out
	}
	rem := make([]int, len(counts))
	used := 0
	for i, n := range counts {
		n = max(n, 0)
		out[i], rem[i] = n*w/total, n*w%total
		used += out[i]
	}
	for used < w {
		best := -1
		for i, n := range counts {
			if n > 0 && rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		out[best]++
		rem[best] = -1
		used++
	}
	for i, n := range counts {
		if n > 0 && out[i] == 0 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			if out[big] > 1 {
				out[big]--
				out[i]++
			}
		}
	}
	return out
}

// --- detail ---

// current is the open proposal: with its thread once the snapshot that
// read it arrived, from the list until then.
func (p *proposalsTab) current() *state.ProposalView {
	id := p.c.openProp
	if id == 0 {
		return nil
	}
	if o := p.c.snap.open; o != nil && o.ID == id {
		return o
	}
	if i := p.find(id); i >= 0 {
		return &p.props()[i]
	}
	return nil
}

func (p *proposalsTab) withThread() bool {
	o := p.c.snap.open
	return o != nil && o.ID == p.c.openProp
}

const sideW = 44

func (p *proposalsTab) wide() bool { return p.w >= 110 }

func (p *proposalsTab) detailView(t themes.Theme) string {
	v := p.current()
	now := p.c.now()
	var b strings.Builder
	b.WriteString(t.Heading.Render(clip(fmt.Sprintf("#%d %s", v.ID, line(v.Title)), max(p.w, 1))) + "\n")
	b.WriteString(t.Muted.Render(clip(p.meta(v, now), max(p.w, 1))) + "\n\n")
	inputH := 0
	if p.inputOn != inputNone {
		inputH = 3
	}
	vh := max(p.h-3-inputH, 1)
	mainW := p.w
	if p.wide() {
		mainW = min(p.w-sideW-3, 96) // the tally stays next to the text
	}
	p.vp.SetWidth(max(mainW, 1))
	p.vp.SetHeight(vh)
	if p.vpDirty || p.vpFor != v.ID {
		p.vpDirty, p.vpFor = false, v.ID
		var content string
		if p.wide() {
			content = p.bodyAndThread(t, v, mainW)
		} else {
			content = p.sidebar(t, v, mainW, true) + "\n\n" + p.bodyAndThread(t, v, mainW)
		}
		p.vp.SetContent(content)
		if p.toEnd && p.withThread() {
			p.toEnd = false
			p.vp.GotoBottom()
		}
	}
	if p.wide() {
		side := p.sidebar(t, v, sideW, false)
		rule := t.Rule.Render(strings.TrimSuffix(repeat("│\n", vh), "\n"))
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, fit(p.vp.View(), mainW, vh), " ", rule, " ", side))
	} else {
		b.WriteString(p.vp.View())
	}
	if p.inputOn != inputNone {
		b.WriteString("\n" + p.inputView(t, v))
	}
	return b.String()
}

func (p *proposalsTab) meta(v *state.ProposalView, now time.Time) string {
	parts := []string{line(v.Kind), methodName(v.Method), "by " + authorName(v)}
	switch v.State {
	case state.PropActive:
		left := time.UnixMilli(v.Deadline).Sub(now)
		if left > 0 {
			parts = append(parts, "open", duration(left)+" left (closes "+when(v.Deadline)+")")
		} else {
			parts = append(parts, "voting ended "+when(v.Deadline)+", counting")
		}
	case state.PropDraft:
		parts = append(parts, "draft, not open for votes")
	default:
		s := line(v.State)
		if v.Closed > 0 {
			s += " " + when(v.Closed)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

func authorName(v *state.ProposalView) string {
	if n := line(v.AuthorName); n != "" {
		return n
	}
	return fmt.Sprintf("#%d", v.Author)
}

func methodName(m string) string {
	switch m {
	case state.MethodYesNo:
		return "yes/no"
	case state.MethodRanked:
		return "ranked choice"
	}
	return line(m)
}

func (p *proposalsTab) inputView(t themes.Theme, v *state.ProposalView) string {
	label := fmt.Sprintf("Comment on #%d", v.ID)
	if p.inputOn == inputBallot {
		label = fmt.Sprintf("Your %s ballot on #%d", methodName(v.Method), v.ID)
	}
	hint := "enter sends · esc cancels"
	if p.busy {
		hint = "sending…"
	}
	p.input.SetWidth(max(p.w-4, 1))
	return t.Accent.Render(label) + "  " + t.Muted.Render(hint) + "\n" +
		t.InputPrompt.Render("› ") + p.input.View()
}

// sidebar is the tally and the member's own vote, w cells wide; compact
// packs the facts into fewer lines for the top of a narrow screen.
func (p *proposalsTab) sidebar(t themes.Theme, v *state.ProposalView, w int, compact bool) string {
	w = max(w, 1)
	tl := &v.Tally
	var out []string
	add := func(s string) { out = append(out, s) }
	title := "Tally"
	if v.State == state.PropActive {
		title = "Live tally"
	}
	add(t.Heading.Render(title))
	switch {
	case v.State == state.PropDraft || v.State == state.PropCancelled:
		add(t.Muted.Render("no votes: " + map[bool]string{true: "this is a draft", false: "cancelled"}[v.State == state.PropDraft]))
	case tl.Hidden:
		add(t.Muted.Render(wrap("The counts are secret until voting closes.", w)))
	case v.Method == state.MethodYesNo:
		total := tl.Yes + tl.No + tl.Abstain
		for _, r := range []struct {
			name string
			n    int
			s    seg
		}{{"yes", tl.Yes, seg{glyph: "█", style: segYes}}, {"no", tl.No, seg{glyph: "▓", style: segNo}}, {"abstain", tl.Abstain, seg{glyph: "▒", style: segAbstain}}} {
			add(optionBar(t, r.name, 8, r.n, total, r.s, w, false))
		}
	default:
		counts := optionCounts(tl)
		total := 0
		for _, n := range counts {
			total += n
		}
		nameW := 7
		for i, o := range tl.Options {
			nameW = max(nameW, ansi.StringWidth(fmt.Sprintf("%d %s", i+1, line(o)))+1)
		}
		nameW = min(nameW, 18)
		for i, o := range tl.Options {
			n := 0
			if i < len(counts) {
				n = counts[i]
			}
			add(optionBar(t, fmt.Sprintf("%d %s", i+1, line(o)), nameW, n, total, seg{glyph: "█", style: segLead}, w, i == tl.Winner))
		}
		if v.Method == state.MethodRanked && len(tl.Rounds) > 1 {
			add(t.Muted.Render(clip(fmt.Sprintf("final of %d instant-runoff rounds", len(tl.Rounds)), w)))
		}
		if v.Method == state.MethodScore {
			add(t.Muted.Render(clip(fmt.Sprintf("score totals, 0-%d per voter", tally.MaxScore), w)))
		}
	}
	if v.State != state.PropDraft && v.State != state.PropCancelled {
		add(clipLines(kv(t, p.tallyFacts(t, v, compact)), w))
	}
	add("")
	add(p.myVote(t, v, w, compact))
	return strings.Join(out, "\n")
}

// tallyFacts are turnout, delegated weight, quorum and the outcome.
func (p *proposalsTab) tallyFacts(t themes.Theme, v *state.ProposalView, compact bool) [][2]string {
	tl := &v.Tally
	turnout := t.Text.Render(fmt.Sprintf("%d of %d members", tl.Participants, tl.Eligible))
	weight := t.Subtle.Render(fmt.Sprintf("%d direct, %d delegated", tl.DirectVoters, tl.Delegated))
	quorum := t.Good.Render("met ✓")
	if !tl.QuorumMet {
		need := (tl.QuorumBP*tl.Eligible + 9999) / 10000
		quorum = t.Warn.Render(fmt.Sprintf("%d more needed", max(need-tl.Participants, 1)))
	}
	quorum = t.Subtle.Render(pct(tl.QuorumBP)+" · ") + quorum
	passes := ""
	if v.Method == state.MethodYesNo {
		passes = t.Subtle.Render("at " + pct(tl.ThresholdBP) + " yes")
	}
	result := ""
	switch {
	case v.State == state.PropActive && !tl.Hidden:
		result = t.Warn.Render("not passing now")
		if tl.Passing {
			result = t.Good.Render("passing now")
		}
	case v.State != state.PropActive:
		result = stateStyle(t, v.State).Render(outcome(v))
	}
	sep := t.Subtle.Render(" · ")
	if compact {
		rows := [][2]string{{"Turnout", turnout + sep + weight}, {"Quorum", quorum}}
		if passes != "" {
			rows[1][1] += sep + t.Subtle.Render("passes ") + passes
		}
		if result != "" {
			rows[1][1] += sep + result
		}
		return rows
	}
	rows := [][2]string{{"Turnout", turnout}, {"Weight", weight}, {"Quorum", quorum}}
	if passes != "" {
		rows = append(rows, [2]string{"Passes", passes})
	}
	if result != "" {
		rows = append(rows, [2]string{"Outcome", result})
	}
	return rows
}

func outcome(v *state.ProposalView) string {
	switch v.State {
	case state.PropExpired:
		return "expired: quorum not met"
	case state.PropPassed, state.PropExecuted:
		if v.Method != state.MethodYesNo && v.Tally.Winner >= 0 && v.Tally.Winner < len(v.Options) {
			return line(v.State) + ": " + line(v.Options[v.Tally.Winner])
		}
	}
	return line(v.State)
}

func clipLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = clip(l, w)
	}
	return strings.Join(ls, "\n")
}

// optionBar is one labelled bar of the detail tally: name, bar, count and
// share of the votes cast.
func optionBar(t themes.Theme, name string, nameW, n, total int, s seg, w int, winner bool) string {
	nameW = min(nameW, max(w/3, 7))
	numW := 11
	barW := min(max(w-nameW-numW-2, 0), 30)
	s.n = n
	rest := seg{n: max(total-n, 0), glyph: "░", style: func(t themes.Theme) lipgloss.Style { return t.Rule }}
	share := "—"
	if total > 0 {
		share = fmt.Sprintf("%d%%", (n*100+total/2)/total)
	}
	mark := " "
	if winner {
		mark = "◀"
	}
	return t.Text.Render(pad(name, nameW)) + " " + bar(t, []seg{s, rest}, barW, true) + " " +
		t.Text.Render(fmt.Sprintf("%3d", n)) + t.Subtle.Render(fmt.Sprintf(" %4s", share)) + " " + t.Accent.Render(mark)
}

// myVote is the member's own vote and its receipt.
func (p *proposalsTab) myVote(t themes.Theme, v *state.ProposalView, w int, compact bool) string {
	mv := v.MyVote
	if mv == nil {
		hint := "press v to vote"
		switch {
		case v.State != state.PropActive:
			return t.Muted.Render("You did not vote.")
		case v.Method == state.MethodYesNo:
			hint = "y yes · n no · a abstain"
		}
		if compact {
			return clip(t.Warn.Render("You have not voted: ")+t.Muted.Render(hint), w)
		}
		return t.Warn.Render("You have not voted.") + "\n" + t.Muted.Render(clip(hint, w))
	}
	out := t.Label.Render("your vote: ") + t.Accent.Render(clip(ballotText(v, mv), max(w-11, 1)))
	rc := p.c.snap.receipt
	switch {
	case !p.withThread():
		out += "\n" + t.Muted.Render(clip(fmt.Sprintf("receipt: event #%d", mv.Seq), w))
	case rc == nil || rc.Seq != mv.Seq:
		out += "\n" + t.Muted.Render(clip(fmt.Sprintf("receipt: event #%d (not readable now)", mv.Seq), w))
	default:
		sealed := t.Good.Render("sealed ✓")
		if !rc.Sealed {
			sealed = t.Warn.Render("not sealed yet")
		}
		leaf := t.Muted.Render(" · leaf " + short(rc.LeafHash))
		if !compact {
			leaf = "\n" + t.Muted.Render(clip("leaf "+short(rc.LeafHash), w))
		}
		out += "\n" + clip(t.Label.Render("receipt: ")+t.Text.Render(fmt.Sprintf("event #%d", rc.Seq))+t.Subtle.Render(" · ")+sealed+leaf, w)
	}
	return out
}

// ballotText says what a stored vote chose, in option names.
func ballotText(v *state.ProposalView, mv *state.Vote) string {
	name := func(i int) string {
		if i >= 0 && i < len(v.Options) {
			return line(v.Options[i])
		}
		return fmt.Sprintf("option %d", i+1)
	}
	var parts []string
	switch v.Method {
	case state.MethodYesNo:
		return line(mv.Choice)
	case state.MethodApproval:
		for _, i := range mv.Approve {
			parts = append(parts, name(i))
		}
	case state.MethodRanked:
		for n, i := range mv.Ranking {
			parts = append(parts, fmt.Sprintf("%d. %s", n+1, name(i)))
		}
	case state.MethodScore:
		for i, s := range mv.Scores {
			parts = append(parts, fmt.Sprintf("%s %d", name(i), s))
		}
	}
	return strings.Join(parts, ", ")
}

// bodyAndThread is the proposal's text and its discussion, w cells wide.
// The body is shown as sanitised plain text, wrapped; Markdown is not
// rendered.
func (p *proposalsTab) bodyAndThread(t themes.Theme, v *state.ProposalView, w int) string {
	w = max(w, 1)
	read := min(w, 80) // a calm measure for reading
	var b strings.Builder
	if body := strings.TrimSpace(text(v.Body)); body != "" {
		b.WriteString(t.Text.Render(wrap(body, read)) + "\n")
	} else {
		b.WriteString(t.Muted.Render("(no text beyond the title)") + "\n")
	}
	b.WriteString("\n")
	if !p.withThread() {
		b.WriteString(t.Muted.Render("reading the discussion…"))
		return b.String()
	}
	names := map[uint64]string{}
	for _, m := range p.c.snap.members {
		names[m.ID] = m.Name
	}
	b.WriteString(t.Heading.Render(fmt.Sprintf("Discussion (%d)", len(v.Comments))) + "\n")
	if len(v.Comments) == 0 {
		b.WriteString(t.Muted.Render("No comments yet. Press c to add one."))
	}
	for i, c := range v.Comments {
		if i > 0 {
			b.WriteString("\n\n")
		}
		who := line(names[c.Author])
		if who == "" {
			who = fmt.Sprintf("#%d", c.Author)
		}
		b.WriteString(t.Accent.Render(clip(who, max(read-22, 1))) + t.Muted.Render(" · "+when(c.Time)) + "\n")
		b.WriteString(indent(t.Text.Render(wrap(strings.TrimSpace(text(c.Body)), max(read-2, 1))), 2))
	}
	return b.String()
}
