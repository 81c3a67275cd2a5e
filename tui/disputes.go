package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// disputesAbout is what the tab says when there are no cases for you.
const disputesAbout = "Disputes are how members resolve conflicts, with moderators who are never a party to the case they rule on."

// Sections of the list, in the order they are shown.
const (
	dsMine  = iota // cases I filed or that were filed against me
	dsJury         // cases where I sit on the jury
	dsQueue        // moderators: cases to take and cases they handle
)

// disputesTab lists the member's cases, the juries they sit on and, for
// moderators, the queue; enter opens a case with its evidence thread.
// Everything comes from the snapshot, re-read on every hub change.
type disputesTab struct {
	c     *common
	w, h  int
	dirty bool

	lists [3][]state.Case
	names map[uint64]string

	// One cursor runs over all sections; the selection is kept by case id.
	cursor int
	selSec int
	selID  uint64
	off    [3]int

	// The case on screen (0: the list), its thread and scroll.
	open   uint64
	thread []state.Statement
	notes  []state.PrivateNote // for moderators who are not parties
	scroll int

	// armed is "A:3" or "W:3": an appeal or withdrawal awaiting its second
	// press.
	armed string

	// At most one of these is open, and it captures keys.
	file  *form
	stmt  *form
	rule  *ruleForm
	vote  *choice
	voted uint64 // case the vote picker is for

	keyUp, keyDown, keyOpen, keyBack, keyFile, keyState, keyAppeal, keyWithdraw, keyClaim, keyRecuse, keyRule, keyVote key.Binding

	keyNote key.Binding
	noting  bool // the statement form writes a private note
}

func newDisputes(c *common) *disputesTab {
	return &disputesTab{c: c, dirty: true,
		keyUp:       bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:     bind([]string{"down", "j"}, "↓/j", "down"),
		keyOpen:     bind([]string{"enter"}, "enter", "open case"),
		keyBack:     bind([]string{"esc"}, "esc", "back"),
		keyFile:     bind([]string{"f"}, "f", "file a case"),
		keyState:    bind([]string{"e"}, "e", "add statement"),
		keyAppeal:   bind([]string{"A"}, "A", "appeal"),
		keyWithdraw: bind([]string{"W"}, "W", "withdraw"),
		keyClaim:    bind([]string{"c"}, "c", "claim"),
		keyRecuse:   bind([]string{"x"}, "x", "step aside"),
		keyRule:     bind([]string{"r"}, "r", "rule"),
		keyVote:     bind([]string{"v"}, "v", "jury vote"),
		keyNote:     bind([]string{"P"}, "P", "private note"),
	}
}

func (d *disputesTab) TabName() string { return "Disputes" }
func (d *disputesTab) Refresh()        { d.dirty = true }
func (d *disputesTab) Capturing() bool {
	return d.file != nil || d.stmt != nil || d.rule != nil || d.vote != nil
}

func (d *disputesTab) SetSize(w, h int) {
	if w != d.w || h != d.h {
		d.w, d.h = w, h
		d.dirty = true
	}
}

func (d *disputesTab) me() state.Member {
	if s := d.c.snap; s != nil {
		return s.me
	}
	return state.Member{}
}

func (d *disputesTab) moderator() bool { return d.me().HasRole(state.RoleModerator) }

// lookup finds members in the snapshot, for state's rules on cases.
func (d *disputesTab) lookup() state.MemberLookup {
	if s := d.c.snap; s != nil {
		return state.MembersByID(s.members)
	}
	return state.MembersByID(nil)
}

// --- help ---

func (d *disputesTab) ShortHelp() []key.Binding {
	d.sync()
	switch {
	case d.file != nil:
		return d.file.keys()
	case d.stmt != nil:
		return d.stmt.keys()
	case d.rule != nil:
		return d.rule.keys()
	case d.vote != nil:
		return d.vote.keys()
	}
	cs, ok := d.current()
	out := []key.Binding{}
	if ok {
		out = append(out, d.caseKeys(cs)...)
	}
	if d.open != 0 {
		return append(out, d.keyBack)
	}
	if ok {
		out = append(out, d.keyOpen)
	}
	return append(out, d.keyFile, d.keyUp, d.keyDown)
}

// caseKeys are the keys of what this member may do on a case, as state
// decides it (state.CaseActions): the app offers only what the hub takes.
func (d *disputesTab) caseKeys(cs state.Case) []key.Binding {
	var out []key.Binding
	for _, a := range state.CaseActions(d.me(), cs, d.c.now().UnixMilli(), d.lookup()) {
		if k, ok := d.actKey(a); ok {
			out = append(out, k)
		}
	}
	return out
}

// actKey is the key for an act on a case.
func (d *disputesTab) actKey(a state.CaseAct) (key.Binding, bool) {
	switch a {
	case state.ActClaim:
		return d.keyClaim, true
	case state.ActRule:
		return d.keyRule, true
	case state.ActRecuse:
		return d.keyRecuse, true
	case state.ActJuryVote:
		return d.keyVote, true
	case state.ActAppeal:
		return d.keyAppeal, true
	case state.ActWithdraw:
		return d.keyWithdraw, true
	case state.ActEvidence:
		return d.keyState, true
	case state.ActNote:
		return d.keyNote, true
	}
	return key.Binding{}, false
}

func (d *disputesTab) FullHelp() [][]key.Binding {
	if d.Capturing() {
		return [][]key.Binding{d.ShortHelp()}
	}
	return [][]key.Binding{
		{d.keyUp, d.keyDown, d.keyOpen, d.keyBack, d.keyFile},
		{d.keyState, d.keyAppeal, d.keyWithdraw},
		{d.keyClaim, d.keyRecuse, d.keyRule, d.keyVote, d.keyNote},
	}
}

// --- data ---

func (d *disputesTab) sync() {
	if !d.dirty {
		return
	}
	d.dirty = false
	d.names = map[uint64]string{}
	var all []state.Case
	if s := d.c.snap; s != nil {
		all = s.cases
		for _, m := range s.members {
			d.names[m.ID] = line(m.Name)
		}
	}
	me := d.me().ID
	for i := range d.lists {
		d.lists[i] = nil
	}
	for _, cs := range all {
		if cs.Filer == me || cs.Respondent == me {
			d.lists[dsMine] = append(d.lists[dsMine], cs)
		}
		if slices.Contains(cs.Jury, me) {
			d.lists[dsJury] = append(d.lists[dsJury], cs)
		}
	}
	// Newest first for one's own cases and juries; the queue is state's.
	newest := func(a, b state.Case) int { return cmp.Compare(b.ID, a.ID) }
	slices.SortStableFunc(d.lists[dsMine], newest)
	slices.SortStableFunc(d.lists[dsJury], newest)
	if d.moderator() {
		d.lists[dsQueue] = state.ModerationQueue(d.me(), all, d.c.now().UnixMilli(), d.lookup())
	}
	if d.open != 0 {
		if _, ok := d.find(d.open); !ok {
			d.open = 0
		} else if _, th, err := d.c.hub.CaseWithThread(d.open); err == nil {
			d.thread = th
			// Refused for anyone else, which simply shows no notes.
			d.notes, _ = d.c.hub.PrivateNotes(d.open, d.c.actor())
		}
	}
	found := false
	for i := 0; i < d.count() && d.selID != 0; i++ {
		if sec, cs := d.at(i); sec == d.selSec && cs.ID == d.selID {
			d.cursor, found = i, true
			break
		}
	}
	if !found {
		d.cursor = min(d.cursor, max(d.count()-1, 0))
	}
	d.remember()
}

func (d *disputesTab) find(id uint64) (state.Case, bool) {
	if s := d.c.snap; s != nil {
		i, ok := slices.BinarySearchFunc(s.cases, id, func(c state.Case, id uint64) int { return cmp.Compare(c.ID, id) })
		if ok {
			return s.cases[i], true
		}
	}
	return state.Case{}, false
}

func (d *disputesTab) count() int { return len(d.lists[0]) + len(d.lists[1]) + len(d.lists[2]) }

// at is the section and case at cursor position i (section -1: none).
func (d *disputesTab) at(i int) (int, state.Case) {
	if i < 0 {
		return -1, state.Case{}
	}
	for sec, l := range d.lists {
		if i < len(l) {
			return sec, l[i]
		}
		i -= len(l)
	}
	return -1, state.Case{}
}

func (d *disputesTab) start(sec int) int {
	n := 0
	for s := 0; s < sec; s++ {
		n += len(d.lists[s])
	}
	return n
}

func (d *disputesTab) remember() {
	sec, cs := d.at(d.cursor)
	d.selSec, d.selID = sec, cs.ID
}

// current is the case actions apply to: the open one, else the selected.
func (d *disputesTab) current() (state.Case, bool) {
	if d.open != 0 {
		return d.find(d.open)
	}
	sec, cs := d.at(d.cursor)
	return cs, sec >= 0
}

func (d *disputesTab) name(id uint64) string {
	if n, ok := d.names[id]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("member #%d", id)
}

// memberNamed finds a member by name (any case or look-alike spelling, as
// state.SameName) or by id ("3" or "#3").
func (d *disputesTab) memberNamed(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64); err == nil {
		return n, true
	}
	if sn := d.c.snap; sn != nil {
		for _, m := range sn.members {
			if state.SameName(m.Name, s) {
				return m.ID, true
			}
		}
	}
	return 0, false
}

// --- update ---

func (d *disputesTab) Update(msg tea.Msg) tea.Cmd {
	d.sync()
	switch {
	case d.file != nil:
		return d.updateFile(msg)
	case d.stmt != nil:
		return d.updateStmt(msg)
	case d.rule != nil:
		return d.updateRule(msg)
	case d.vote != nil:
		return d.updateVote(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if s := k.String(); s != "A" && s != "W" {
		d.armed = ""
	}
	switch {
	case d.open == 0 && key.Matches(k, d.keyUp):
		d.move(-1)
	case d.open == 0 && key.Matches(k, d.keyDown):
		d.move(1)
	case d.open != 0 && key.Matches(k, d.keyUp):
		d.scroll = max(d.scroll-1, 0)
	case d.open != 0 && key.Matches(k, d.keyDown):
		d.scroll++
	case d.open == 0 && key.Matches(k, d.keyOpen):
		if cs, ok := d.current(); ok {
			d.open, d.scroll, d.thread = cs.ID, 0, nil
			d.dirty = true
		}
	case d.open != 0 && key.Matches(k, d.keyBack):
		d.open, d.thread = 0, nil
	case key.Matches(k, d.keyFile):
		return d.openFile()
	default:
		cs, ok := d.current()
		if !ok {
			if strings.ContainsAny(k.String(), "eAWcxrv") && len(k.String()) == 1 {
				d.c.status, d.c.statusErr = "no case selected · f files one", false
			}
			return nil
		}
		return d.act(k, cs)
	}
	return nil
}

func (d *disputesTab) move(n int) {
	if c := d.count(); c > 0 {
		d.cursor = min(max(d.cursor+n, 0), c-1)
		d.remember()
	}
}

// act runs a case action; the state decides who may, and its one-line
// refusal is what the member sees.
func (d *disputesTab) act(k tea.KeyPressMsg, cs state.Case) tea.Cmd {
	title := line(cs.Title)
	switch {
	case key.Matches(k, d.keyClaim):
		return d.c.submitAs("disputes-act", fmt.Sprintf("you claimed case #%d: %s", cs.ID, title), state.CaseAction{ID: cs.ID, Action: "claim"})
	case key.Matches(k, d.keyRecuse):
		return d.c.submitAs("disputes-act", fmt.Sprintf("you stepped aside from case #%d", cs.ID), state.CaseAction{ID: cs.ID, Action: "recuse"})
	case key.Matches(k, d.keyAppeal), key.Matches(k, d.keyWithdraw):
		act, verb, done := "appeal", "appeal the ruling on", "appealed case #%d: a jury will be drawn from the next checkpoint"
		if key.Matches(k, d.keyWithdraw) {
			act, verb, done = "withdraw", "withdraw", "withdrew case #%d"
		}
		tag := fmt.Sprintf("%s:%d", k.String(), cs.ID)
		if d.armed != tag {
			d.armed = tag
			d.c.status, d.c.statusErr = fmt.Sprintf("press %s again to %s case #%d: %s", k.String(), verb, cs.ID, title), false
			return nil
		}
		d.armed = ""
		return d.c.submitAs("disputes-act", fmt.Sprintf(done, cs.ID), state.CaseAction{ID: cs.ID, Action: act})
	case key.Matches(k, d.keyState):
		d.noting = false
		d.stmt = newForm(fmt.Sprintf("Statement on case #%d", cs.ID), "Added to the case's evidence thread, on the record for the parties, moderators and jury.",
			field{label: "Statement", placeholder: "what happened, what you ask for", limit: state.MaxCaseStatement})
		d.stmt.restyle(d.c.theme)
		d.voted = cs.ID
		return d.stmt.start()
	case key.Matches(k, d.keyNote):
		// `dispute note`: for moderators who are not parties; only its
		// salted hash enters the log. The state says who may.
		d.stmt = newForm(fmt.Sprintf("Private note on case #%d", cs.ID), "Read only by moderators who are not parties to the case; the log keeps only its salted hash.",
			field{label: "Note", placeholder: "what moderators should know", limit: state.MaxCaseStatement})
		d.stmt.restyle(d.c.theme)
		d.voted, d.noting = cs.ID, true
		return d.stmt.start()
	case key.Matches(k, d.keyRule):
		var assets []string
		if tr := d.c.snap.treasury; tr != nil {
			for _, a := range tr.assets {
				assets = append(assets, a.Asset)
			}
		}
		d.rule = newRuleForm(cs.ID, d.c.theme, assets)
		return nil
	case key.Matches(k, d.keyVote):
		d.vote, d.voted = &choice{opts: state.Outcomes,
			keyPick: bind([]string{"left", "right", "h", "l"}, "←/→", "outcome"),
			keySend: bind([]string{"enter"}, "enter", "cast vote"),
			keyBack: bind([]string{"esc"}, "esc", "back")}, cs.ID
	}
	return nil
}

// result closes the form a command came from, or keeps it open on error
// (the state's refusal is already on the status line).
func (d *disputesTab) result(msg resultMsg) tea.Cmd {
	if !strings.HasPrefix(msg.tag, "disputes-") {
		return nil
	}
	for _, f := range []*form{d.file, d.stmt} {
		if f != nil {
			f.busy = false
		}
	}
	if d.rule != nil {
		d.rule.busy = false
	}
	if d.vote != nil {
		d.vote.busy = false
	}
	if msg.err != nil {
		return nil
	}
	switch msg.tag {
	case "disputes-file":
		d.file = nil
		for _, ev := range msg.events {
			if f, ok := ev.Body.(*state.CaseFiled); ok {
				d.c.status = fmt.Sprintf("filed case #%d against %s · a moderator will take it", f.Case, d.name(f.Respondent))
				d.selSec, d.selID = dsMine, f.Case
			}
		}
	case "disputes-stmt":
		d.stmt, d.noting = nil, false
	case "disputes-rule":
		d.rule = nil
	case "disputes-vote":
		d.vote = nil
	}
	d.dirty = true
	return nil
}
