package tui

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
)

// campaigns is the Treasury tab's crowdfunding view: every campaign with
// its progress, one campaign's pledges in detail, and the forms to pledge
// and to start a campaign. Pledges are promises until the deadline; only a
// campaign that reaches its goal turns them into contributions.
type campaigns struct {
	c     *common
	w, h  int
	open  bool // on screen instead of the treasury
	dirty bool

	all    []state.Campaign // open first, soonest deadline first; then closed, latest first
	rows   []state.Campaign // after the filter
	dec    map[string]int
	names  map[uint64]string
	cursor int
	sel    uint64 // the campaign under the cursor, kept across reloads
	off    int
	detail bool // the selected campaign fills the view

	filter    textinput.Model
	filtering bool
	amount    textinput.Model
	pledging  bool
	form      *form // a new campaign, when open
	busy      bool
	armed     uint64 // campaign whose pledge awaits the confirming second u

	keyUp, keyDown, keyOpen, keyBack, keyPledge, keyUnpledge, keyNew, keyFilter, keyClear, keyDone, keySend key.Binding
}

func newCampaigns(c *common) *campaigns {
	cp := &campaigns{c: c, dirty: true,
		filter:      newInput("filter by title, what it funds, asset or state", 60),
		amount:      newInput("25.00", 24),
		keyUp:       bind([]string{"up", "k"}, "↑/k", "up"),
		keyDown:     bind([]string{"down", "j"}, "↓/j", "down"),
		keyOpen:     bind([]string{"enter"}, "enter", "details"),
		keyBack:     bind([]string{"esc"}, "esc", "back"),
		keyPledge:   bind([]string{"p"}, "p", "pledge"),
		keyUnpledge: bind([]string{"u"}, "u", "withdraw pledge"),
		keyNew:      bind([]string{"n"}, "n", "new campaign"),
		keyFilter:   bind([]string{"/"}, "/", "filter"),
		keyClear:    bind([]string{"esc"}, "esc", "clear filter"),
		keyDone:     bind([]string{"enter"}, "enter", "keep filter"),
		keySend:     bind([]string{"enter"}, "enter", "pledge"),
	}
	cp.filter.Prompt = "/ "
	return cp
}

func (cp *campaigns) capturing() bool {
	return cp.open && (cp.filtering || cp.pledging || cp.form != nil)
}

func (cp *campaigns) setSize(w, h int) {
	if w != cp.w || h != cp.h {
		cp.w, cp.h, cp.dirty = w, h, true
	}
	if cp.form != nil {
		cp.form.setWidth(max(min(w, 80)-4, 1))
	}
}

func (cp *campaigns) refresh() {
	cp.dirty = true
	t := cp.c.theme
	cp.filter.SetStyles(inputStyles(t))
	cp.amount.SetStyles(inputStyles(t))
	if cp.form != nil {
		cp.form.restyle(t)
	}
}

func (cp *campaigns) data() *campaignData {
	if s := cp.c.snap; s != nil && s.campaigns != nil {
		return s.campaigns
	}
	return &campaignData{}
}

func (cp *campaigns) me() uint64 { return cp.c.snap.me.ID }

// --- help ---

func (cp *campaigns) ShortHelp() []key.Binding {
	switch {
	case cp.form != nil:
		return cp.form.keys()
	case cp.pledging:
		return []key.Binding{cp.keySend, cp.keyBack}
	case cp.filtering:
		return []key.Binding{cp.keyDone, cp.keyClear}
	}
	cp.sync()
	var out []key.Binding
	if sel, ok := cp.selected(); ok && sel.State == state.CampaignOpen {
		out = append(out, cp.keyPledge)
		if cp.data().pledgeOf(sel.ID, cp.me()) > 0 {
			out = append(out, cp.keyUnpledge)
		}
	}
	out = append(out, cp.keyNew)
	if !cp.detail {
		if len(cp.rows) > 0 {
			out = append(out, cp.keyOpen)
		}
		out = append(out, cp.keyFilter)
	}
	return append(out, cp.keyBack)
}

func (cp *campaigns) FullHelp() [][]key.Binding {
	if cp.capturing() {
		return [][]key.Binding{cp.ShortHelp()}
	}
	return [][]key.Binding{
		{cp.keyUp, cp.keyDown, cp.keyOpen, cp.keyBack},
		{cp.keyPledge, cp.keyUnpledge, cp.keyNew, cp.keyFilter, cp.keyClear},
	}
}

// --- data ---

func (cp *campaigns) sync() {
	if !cp.dirty {
		return
	}
	cp.dirty = false
	d := cp.data()
	cp.dec = map[string]int{}
	if s := cp.c.snap; s != nil && s.treasury != nil {
		for _, a := range s.treasury.assets {
			cp.dec[a.Asset] = a.Decimals
		}
	}
	cp.names = map[uint64]string{}
	for _, m := range cp.c.snap.members {
		cp.names[m.ID] = line(m.Name)
	}
	cp.all = append(cp.all[:0], d.list...)
	slices.SortStableFunc(cp.all, func(a, b state.Campaign) int {
		ao, bo := a.State == state.CampaignOpen, b.State == state.CampaignOpen
		switch {
		case ao != bo:
			if ao {
				return -1
			}
			return 1
		case ao:
			return cmp.Compare(a.Deadline, b.Deadline)
		}
		return cmp.Compare(b.Closed, a.Closed)
	})
	q := strings.ToLower(strings.TrimSpace(cp.filter.Value()))
	cp.rows = cp.rows[:0]
	for _, c := range cp.all {
		if q != "" && !strings.Contains(strings.ToLower(fmt.Sprintf("#%d %s %s %s %s", c.ID, line(c.Title), text(c.Funds), line(c.Asset), c.State)), q) {
			continue
		}
		cp.rows = append(cp.rows, c)
	}
	found := false
	for i, c := range cp.rows {
		if c.ID == cp.sel {
			cp.cursor, found = i, true
		}
	}
	if !found {
		cp.cursor = min(cp.cursor, max(len(cp.rows)-1, 0))
		cp.detail = cp.detail && len(cp.rows) > 0
	}
	cp.remember()
}

func (cp *campaigns) remember() {
	cp.sel = 0
	if cp.cursor < len(cp.rows) {
		cp.sel = cp.rows[cp.cursor].ID
	}
}

func (cp *campaigns) selected() (state.Campaign, bool) {
	if cp.cursor < len(cp.rows) {
		return cp.rows[cp.cursor], true
	}
	return state.Campaign{}, false
}

func (cp *campaigns) amountOf(n int64, asset string) string {
	return money.Format(n, cp.dec[asset]) + " " + line(asset)
}

func (cp *campaigns) name(id uint64) string {
	if n := cp.names[id]; n != "" {
		return n
	}
	return fmt.Sprintf("member #%d", id)
}

// --- update ---

func (cp *campaigns) Update(msg tea.Msg) tea.Cmd {
	cp.sync()
	switch {
	case cp.form != nil:
		return cp.updateForm(msg)
	case cp.pledging:
		return cp.updatePledge(msg)
	case cp.filtering:
		return cp.updateFilter(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if !key.Matches(k, cp.keyUnpledge) {
		cp.armed = 0
	}
	switch {
	case key.Matches(k, cp.keyBack):
		switch {
		case cp.detail:
			cp.detail = false
		case cp.filter.Value() != "":
			cp.filter.SetValue("")
			cp.dirty = true
		default:
			cp.open = false
		}
	case key.Matches(k, cp.keyUp) && !cp.detail:
		cp.cursor = max(cp.cursor-1, 0)
		cp.remember()
	case key.Matches(k, cp.keyDown) && !cp.detail:
		cp.cursor = min(cp.cursor+1, max(len(cp.rows)-1, 0))
		cp.remember()
	case key.Matches(k, cp.keyOpen) && !cp.detail && len(cp.rows) > 0:
		cp.detail = true
	case key.Matches(k, cp.keyPledge):
		return cp.openPledge()
	case key.Matches(k, cp.keyUnpledge):
		return cp.unpledge()
	case key.Matches(k, cp.keyNew):
		return cp.openForm()
	case key.Matches(k, cp.keyFilter) && !cp.detail:
		cp.filtering = true
		return cp.filter.Focus()
	}
	return nil
}

func (cp *campaigns) updateFilter(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, cp.keyClear):
			cp.filtering = false
			cp.filter.Blur()
			cp.filter.SetValue("")
			cp.dirty = true
			return nil
		case key.Matches(k, cp.keyDone):
			cp.filtering = false
			cp.filter.Blur()
			return nil
		}
	}
	var cmd tea.Cmd
	cp.filter, cmd = cp.filter.Update(msg)
	cp.dirty = true
	return cmd
}

// pledgeable is the selected campaign if it takes pledges now.
func (cp *campaigns) pledgeable() (state.Campaign, bool) {
	sel, ok := cp.selected()
	switch {
	case !ok:
		cp.c.status, cp.c.statusErr = "no campaign yet: press n to start one", false
	case sel.State != state.CampaignOpen:
		cp.c.status, cp.c.statusErr = fmt.Sprintf("campaign #%d is closed to pledges", sel.ID), true
	default:
		return sel, true
	}
	return sel, false
}

func (cp *campaigns) openPledge() tea.Cmd {
	if _, ok := cp.pledgeable(); !ok {
		return nil
	}
	cp.pledging = true
	cp.amount.SetValue("")
	return cp.amount.Focus()
}

func (cp *campaigns) closePledge() {
	cp.pledging, cp.busy = false, false
	cp.amount.Blur()
	cp.amount.SetValue("")
}

func (cp *campaigns) updatePledge(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, cp.keyBack):
		cp.closePledge()
		return nil
	case cp.busy:
		return nil
	case isKey && key.Matches(k, cp.keySend):
		sel, ok := cp.selected()
		if !ok {
			cp.closePledge()
			return nil
		}
		n, err := money.Parse(strings.TrimSpace(cp.amount.Value()), cp.dec[sel.Asset])
		if err != nil {
			cp.c.status, cp.c.statusErr = line(err.Error()), true
			return nil
		}
		cp.busy = true
		return cp.c.submitAs("pledge", fmt.Sprintf("thank you: you pledged %s to #%d", cp.amountOf(n, sel.Asset), sel.ID),
			state.PledgeTo{Campaign: sel.ID, Amount: n})
	}
	var cmd tea.Cmd
	cp.amount, cmd = cp.amount.Update(msg)
	return cmd
}

func (cp *campaigns) unpledge() tea.Cmd {
	sel, ok := cp.pledgeable()
	if !ok {
		return nil
	}
	mine := cp.data().pledgeOf(sel.ID, cp.me())
	if mine == 0 {
		cp.c.status, cp.c.statusErr = fmt.Sprintf("you have no pledge to #%d", sel.ID), false
		return nil
	}
	// Withdrawing is easy to undo, but it still moves the bar everyone
	// sees: the first press asks, the second withdraws.
	if cp.armed != sel.ID {
		cp.armed = sel.ID
		cp.c.status, cp.c.statusErr = fmt.Sprintf("press u again to withdraw %s from #%d", cp.amountOf(mine, sel.Asset), sel.ID), false
		return nil
	}
	cp.armed = 0
	return cp.c.submit(fmt.Sprintf("your pledge to #%d is withdrawn", sel.ID), state.Unpledge{Campaign: sel.ID})
}

func (cp *campaigns) openForm() tea.Cmd {
	// The asset is picked from those the hub keeps: a placeholder "EUR"
	// in an empty box read as a value and sent "" (unknown asset ""). The
	// other hints say "e.g." so that none passes for a value either.
	codes := slices.Sorted(maps.Keys(cp.dec))
	if len(codes) == 0 {
		codes = []string{""}
	}
	cp.form = newForm("New campaign", "Crowdfund something concrete. Pledges become contributions only if the goal is reached by the deadline.",
		field{label: "Title", placeholder: "e.g. a new roof for the Lisbon flat", limit: state.MaxTitleLen},
		field{label: "What it funds", placeholder: "what the money pays for, and who does it", limit: state.MaxFundsLen},
		field{label: "Asset", choices: codes, pick: "EUR"},
		field{label: "Goal", placeholder: "e.g. 1000.00", limit: 24},
		field{label: "Deadline", placeholder: `e.g. 2027-01-31 or "in 30 days"`, limit: 24})
	cp.form.restyle(cp.c.theme)
	cp.form.setWidth(max(min(cp.w, 80)-4, 1))
	return cp.form.start()
}

func (cp *campaigns) updateForm(msg tea.Msg) tea.Cmd {
	submit, cancel, cmd := cp.form.update(msg)
	switch {
	case cancel:
		cp.form = nil
		return nil
	case !submit:
		return cmd
	}
	nc, err := cp.parseCampaign(cp.form.values())
	if err != nil {
		cp.c.status, cp.c.statusErr = line(err.Error()), true
		return nil
	}
	cp.form.busy = true
	return cp.c.submitAs("campaign", "your campaign is open for pledges", nc)
}

// parseCampaign reads the new-campaign form.
func (cp *campaigns) parseCampaign(v []string) (state.NewCampaign, error) {
	title, funds, asset, goal, deadline := v[0], v[1], strings.ToUpper(v[2]), v[3], v[4]
	if title == "" || funds == "" {
		return state.NewCampaign{}, fmt.Errorf("a campaign needs a title and what it funds")
	}
	dec, ok := cp.dec[asset]
	if !ok {
		var codes []string
		for code := range cp.dec {
			codes = append(codes, line(code))
		}
		slices.Sort(codes)
		return state.NewCampaign{}, fmt.Errorf("unknown asset %q; this hub keeps %s", line(asset), strings.Join(codes, ", "))
	}
	n, err := money.Parse(goal, dec)
	if err != nil {
		return state.NewCampaign{}, fmt.Errorf("goal: %v", err)
	}
	dl, err := parseDeadline(deadline, cp.c.now())
	if err != nil {
		return state.NewCampaign{}, err
	}
	return state.NewCampaign{Title: title, Funds: funds, Asset: asset, Goal: n, Deadline: dl}, nil
}

// parseDeadline reads a date (YYYY-MM-DD: the campaign runs to the end of
// that day, UTC) or "in N days" / "N days" from now, as unix ms.
func parseDeadline(s string, now time.Time) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.AddDate(0, 0, 1).UnixMilli(), nil
	}
	rest := strings.TrimSpace(strings.TrimPrefix(s, "in "))
	for _, unit := range []string{" days", " day", "d"} {
		if num, ok := strings.CutSuffix(rest, unit); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil && n > 0 && n <= state.MaxCampaignDays {
				return now.Add(time.Duration(n) * 24 * time.Hour).UnixMilli(), nil
			}
		}
	}
	return 0, fmt.Errorf(`deadline: a date (2027-01-31) or "in 30 days", up to %d days`, state.MaxCampaignDays)
}

// result closes a form once its command is in.
func (cp *campaigns) result(msg resultMsg) {
	switch msg.tag {
	case "pledge":
		cp.busy = false
		if msg.err == nil {
			cp.closePledge()
		}
	case "campaign":
		if cp.form == nil {
			return
		}
		cp.form.busy = false
		if msg.err != nil {
			return
		}
		cp.form = nil
		for _, ev := range msg.events {
			if c, ok := ev.Body.(*state.CampaignCreated); ok {
				cp.sel, cp.detail, cp.dirty = c.Campaign, true, true
				cp.c.status = fmt.Sprintf("campaign #%d is open for pledges", c.Campaign)
			}
		}
	}
}
