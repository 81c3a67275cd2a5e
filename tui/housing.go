package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
)

// housingAbout is what the tab says when there are no spaces yet.
const housingAbout = "Housing is the community's shared places to stay: flats and houses with beds that members book by the night."

// Sections of the list, in the order they are shown.
const (
	hsApprovals = iota // bookings waiting for a steward (stewards only)
	hsSpaces
	hsStays // the member's own bookings
)

// housingTab lists the spaces, the member's stays and, for stewards, the
// bookings waiting for approval; enter opens a space's month calendar,
// where a stay is picked with the keyboard and booked. Everything comes
// from the snapshot, re-read on every hub change.
type housingTab struct {
	c     *common
	w, h  int
	dirty bool
	rules markdown // the open space's house rules, rendered

	approvals []state.Booking // pending, oldest first
	spaces    []state.Space
	stays     []state.Booking // the member's: upcoming soonest first, then past
	past      int             // index in stays of the first past one
	names     map[uint64]string

	// One cursor runs over approvals, spaces, then stays; the selection is
	// kept by section and id across reloads.
	cursor   int
	selSec   int
	selID    uint64
	off      [3]int // scroll offset per section
	rows     [3]int // rows drawn per section, from the last layout
	armed    uint64 // stay awaiting the confirming second x
	declined uint64 // approval awaiting the confirming second d

	// The space on screen (0: the list), its day cursor and the stay being
	// picked: arrival and check-out days, 0 while unset.
	open           uint64
	day            int
	arrive, depart int
	beds           int
	busy           bool

	// The list's keys, then the calendar's.
	keyUp, keyDown, keyTop, keyEnd, keyOpen, keyCancel, keyApprove, keyDecline key.Binding

	keyLeft, keyRight, keyWeekUp, keyWeekDown, keyMonth, keyToday, keyMark, keyBook, keyMore, keyFewer, keyWait, keyBack, keyClear key.Binding
}

func newHousing(c *common) *housingTab {
	return &housingTab{c: c, dirty: true, beds: 1,
		keyUp:       bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:     bind([]string{"down", "j"}, "↓/j", "down"),
		keyTop:      bind([]string{"home", "g"}, "g", "first"),
		keyEnd:      bind([]string{"end", "G"}, "G", "last"),
		keyOpen:     bind([]string{"enter"}, "enter", "open space"),
		keyCancel:   bind([]string{"x"}, "x", "cancel stay"),
		keyApprove:  bind([]string{"a"}, "a", "approve"),
		keyDecline:  bind([]string{"d"}, "d", "decline"),
		keyLeft:     bind([]string{"left", "h"}, "←/→", "day"),
		keyRight:    bind([]string{"right", "l"}, "→", "next day"),
		keyWeekUp:   bind([]string{"up", "k"}, "↑/↓", "week"),
		keyWeekDown: bind([]string{"down", "j"}, "↓", "next week"),
		keyMonth:    bind([]string{"[", "]", "pgup", "pgdown"}, "[/]", "month"),
		keyToday:    bind([]string{"t", "home"}, "t", "today"),
		keyMark:     bind([]string{"space", "enter"}, "enter", "arrive/leave"),
		keyBook:     bind([]string{"b"}, "b", "book"),
		keyMore:     bind([]string{"+", "="}, "+/-", "beds"),
		keyFewer:    bind([]string{"-"}, "-", "fewer beds"),
		keyWait:     bind([]string{"w"}, "w", "join waitlist"),
		keyBack:     bind([]string{"esc"}, "esc", "back"),
		keyClear:    bind([]string{"esc"}, "esc", "clear"),
	}
}

func (ht *housingTab) TabName() string { return "Housing" }
func (ht *housingTab) Capturing() bool { return false }
func (ht *housingTab) Refresh()        { ht.dirty = true }

func (ht *housingTab) SetSize(w, h int) {
	if w != ht.w || h != ht.h {
		ht.w, ht.h = w, h
		ht.dirty = true
	}
}

func (ht *housingTab) data() *housingData {
	if s := ht.c.snap; s != nil && s.housing != nil {
		return s.housing
	}
	return &housingData{}
}

func (ht *housingTab) steward() bool {
	return ht.c.snap != nil && ht.c.snap.member && state.Can(ht.c.snap.me, state.RightRoles)
}

// today is the calendar day now at a space, in its own time zone.
func (ht *housingTab) today(s *state.Space) int {
	return state.Today(s.TZ, ht.c.now().UnixMilli())
}

// --- help ---

func (ht *housingTab) ShortHelp() []key.Binding {
	ht.sync()
	if ht.open != 0 {
		out := []key.Binding{ht.keyLeft, ht.keyWeekUp, ht.keyMonth, ht.keyMark}
		if ht.arrive != 0 {
			out = append(out, ht.keyBook, ht.keyMore, ht.keyClear)
		} else {
			out = append(out, ht.keyBack)
		}
		return out
	}
	var out []key.Binding
	switch ht.section() {
	case hsApprovals:
		out = append(out, ht.keyApprove, ht.keyDecline)
	case hsSpaces:
		out = append(out, ht.keyOpen)
	case hsStays:
		out = append(out, ht.keyCancel)
	}
	return append(out, ht.keyUp, ht.keyDown)
}

func (ht *housingTab) FullHelp() [][]key.Binding {
	if ht.open != 0 {
		return [][]key.Binding{
			{ht.keyLeft, ht.keyWeekUp, ht.keyMonth, ht.keyToday},
			{ht.keyMark, ht.keyBook, ht.keyMore, ht.keyWait, ht.keyBack},
		}
	}
	out := []key.Binding{ht.keyOpen, ht.keyCancel}
	if ht.steward() {
		out = append(out, ht.keyApprove, ht.keyDecline)
	}
	return [][]key.Binding{{ht.keyUp, ht.keyDown, ht.keyTop, ht.keyEnd}, out}
}

// --- data ---

func (ht *housingTab) sync() {
	if !ht.dirty {
		return
	}
	ht.dirty = false
	d := ht.data()
	ht.names = map[uint64]string{}
	me := uint64(0)
	if s := ht.c.snap; s != nil {
		me = s.me.ID
		for _, m := range s.members {
			ht.names[m.ID] = line(m.Name)
		}
	}
	ht.spaces = d.spaces
	ht.approvals, ht.stays = ht.approvals[:0], ht.stays[:0]
	steward := ht.steward()
	var past []state.Booking
	for _, b := range d.bookings {
		if steward && b.Status == state.BookPending {
			ht.approvals = append(ht.approvals, b)
		}
		if b.Member != me || me == 0 {
			continue
		}
		if ht.upcoming(d, b) {
			ht.stays = append(ht.stays, b)
		} else {
			past = append(past, b)
		}
	}
	slices.SortStableFunc(ht.stays, func(a, b state.Booking) int { return cmp.Compare(a.From, b.From) })
	slices.SortStableFunc(past, func(a, b state.Booking) int { return cmp.Compare(b.From, a.From) })
	ht.past = len(ht.stays)
	ht.stays = append(ht.stays, past...)
	if ht.open != 0 {
		if _, ok := d.space(ht.open); !ok {
			ht.closeSpace()
		}
	}
	// Put the cursor back on what was selected, if it is still there.
	found := false
	for i := 0; i < ht.count() && ht.selID != 0; i++ {
		if sec, id := ht.at(i); sec == ht.selSec && id == ht.selID {
			ht.cursor, found = i, true
			break
		}
	}
	if !found {
		ht.cursor = min(ht.cursor, max(ht.count()-1, 0))
	}
	ht.remember()
}

// upcoming reports whether a stay has nights left (its check-out is after
// today at the space).
func (ht *housingTab) upcoming(d *housingData, b state.Booking) bool {
	s, _ := d.space(b.Space)
	to, _ := state.DayNum(b.To)
	return to > ht.today(&s)
}

func (ht *housingTab) count() int { return len(ht.approvals) + len(ht.spaces) + len(ht.stays) }

// at is the section and id of the row at cursor position i.
func (ht *housingTab) at(i int) (int, uint64) {
	switch {
	case i < 0 || i >= ht.count():
		return -1, 0
	case i < len(ht.approvals):
		return hsApprovals, ht.approvals[i].ID
	case i < len(ht.approvals)+len(ht.spaces):
		return hsSpaces, ht.spaces[i-len(ht.approvals)].ID
	}
	return hsStays, ht.stays[i-len(ht.approvals)-len(ht.spaces)].ID
}

// start is the cursor position of a section's first row.
func (ht *housingTab) start(sec int) int {
	switch sec {
	case hsApprovals:
		return 0
	case hsSpaces:
		return len(ht.approvals)
	}
	return len(ht.approvals) + len(ht.spaces)
}

func (ht *housingTab) section() int {
	sec, _ := ht.at(ht.cursor)
	return sec
}

func (ht *housingTab) remember() { ht.selSec, ht.selID = ht.at(ht.cursor) }

func (ht *housingTab) name(id uint64) string {
	if n, ok := ht.names[id]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("member #%d", id)
}

func (ht *housingTab) spaceName(id uint64) string {
	if s, ok := ht.data().space(id); ok {
		return line(s.Name)
	}
	return fmt.Sprintf("space #%d", id)
}

// stayText says a stay in words: "2 nights at Casa, 2026-12-01 to 2026-12-03".
func (ht *housingTab) stayText(b state.Booking) string {
	s := fmt.Sprintf("%s at %s, %s to %s", plural(b.Nights(), "night", "nights"), ht.spaceName(b.Space), line(b.From), line(b.To))
	if b.Beds > 1 {
		s = fmt.Sprintf("%d beds, %s", b.Beds, s)
	}
	return s
}

// statusWords says a booking's status for people.
// bookedMessage says first what a request became: one that waits for a
// steward or on the waitlist is not a booking yet, and must not read as one
// even when the rest of the line is cut.
func bookedMessage(b state.Booking, stay string) string {
	switch b.Status {
	case state.BookPending:
		return fmt.Sprintf("requested, pending approval (not booked yet) #%d: %s · a steward decides", b.ID, stay)
	case state.BookWaitlisted:
		return fmt.Sprintf("on the waitlist (not booked) #%d: %s", b.ID, stay)
	}
	return fmt.Sprintf("booked #%d: %s (%s)", b.ID, stay, statusWords(b.Status))
}

func statusWords(status string) string {
	switch status {
	case state.BookPending:
		return "waiting for a steward"
	case state.BookWaitlisted:
		return "on the waitlist"
	}
	return line(status)
}

// --- update ---

func (ht *housingTab) Update(msg tea.Msg) tea.Cmd {
	ht.sync()
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if ht.open != 0 {
		return ht.updateSpace(k)
	}
	n := ht.count()
	switch {
	case key.Matches(k, ht.keyUp):
		ht.move(-1)
	case key.Matches(k, ht.keyDown):
		ht.move(1)
	case key.Matches(k, ht.keyTop):
		ht.move(-n)
	case key.Matches(k, ht.keyEnd):
		ht.move(n)
	case key.Matches(k, ht.keyOpen):
		if sec, id := ht.at(ht.cursor); sec == hsSpaces {
			ht.openSpace(id)
		} else if sec == hsStays {
			// A stay opens its space on its arrival day.
			b := ht.stays[ht.cursor-ht.start(hsStays)]
			ht.openSpace(b.Space)
			if d, err := state.DayNum(b.From); err == nil {
				ht.day = d
			}
		}
	case key.Matches(k, ht.keyCancel):
		return ht.cancel()
	case key.Matches(k, ht.keyApprove):
		return ht.decide(true)
	case key.Matches(k, ht.keyDecline):
		return ht.decide(false)
	}
	return nil
}

func (ht *housingTab) move(d int) {
	ht.armed, ht.declined = 0, 0
	if n := ht.count(); n > 0 {
		ht.cursor = min(max(ht.cursor+d, 0), n-1)
		ht.remember()
	}
}

func (ht *housingTab) cancel() tea.Cmd {
	if ht.section() != hsStays {
		ht.c.status, ht.c.statusErr = "move down to one of your stays, then press x to cancel it", false
		return nil
	}
	b := ht.stays[ht.cursor-ht.start(hsStays)]
	if b.Status == state.BookCancelled || b.Status == state.BookDeclined {
		ht.c.status, ht.c.statusErr = fmt.Sprintf("booking #%d is already %s", b.ID, b.Status), false
		return nil
	}
	// Cancelling gives the beds away: the first press asks, the second acts.
	if ht.armed != b.ID {
		ht.armed = b.ID
		ht.c.status, ht.c.statusErr = fmt.Sprintf("press x again to cancel #%d: %s", b.ID, ht.stayText(b)), false
		return nil
	}
	ht.armed = 0
	return ht.c.submitAs("housing-cancel", fmt.Sprintf("cancelled #%d: %s", b.ID, ht.stayText(b)), state.CancelBooking{ID: b.ID})
}

func (ht *housingTab) decide(approve bool) tea.Cmd {
	if ht.section() != hsApprovals {
		if ht.steward() && len(ht.approvals) > 0 {
			ht.c.status, ht.c.statusErr = "move up to a booking waiting for approval, then press a or d", false
		} else {
			ht.c.status, ht.c.statusErr = "no booking is waiting for approval", false
		}
		return nil
	}
	b := ht.approvals[ht.cursor]
	who := ht.name(b.Member)
	if approve {
		ht.declined = 0
		return ht.c.submitAs("housing-decide", fmt.Sprintf("approved #%d for %s: %s", b.ID, who, ht.stayText(b)),
			state.DecideBooking{ID: b.ID, Approve: true})
	}
	if ht.declined != b.ID {
		ht.declined = b.ID
		ht.c.status, ht.c.statusErr = fmt.Sprintf("press d again to decline #%d for %s: %s", b.ID, who, ht.stayText(b)), false
		return nil
	}
	ht.declined = 0
	return ht.c.submitAs("housing-decide", fmt.Sprintf("declined #%d for %s", b.ID, who),
		state.DecideBooking{ID: b.ID, Approve: false})
}

// result names the booking a stay became, and turns the state's
// command-line advice into this screen's keys.
func (ht *housingTab) result(msg resultMsg) tea.Cmd {
	if msg.tag != "housing-book" {
		return nil
	}
	ht.busy = false
	if msg.err != nil {
		e := line(msg.err.Error())
		if i := strings.Index(e, "; add --waitlist"); i >= 0 {
			e = e[:i] + " · press w to join the waitlist"
		}
		ht.c.status = e
		return nil
	}
	for _, ev := range msg.events {
		if r, ok := ev.Body.(*state.BookingRequested); ok {
			b := state.Booking{ID: r.Booking, Space: r.Space, From: r.From, To: r.To, Beds: r.Beds, Status: r.Status}
			ht.c.status = bookedMessage(b, ht.stayText(b))
			if state.IsMemberSigned(r) {
				ht.c.status += " · signed by your key"
			}
		}
	}
	ht.arrive, ht.depart = 0, 0
	return nil
}
