package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/themes"
)

// The shell's title, tabs, rule, help and status bar change far less often
// than the screen under them (a vote moves a tally, not the tab bar), yet
// drawing them through lipgloss and grapheme widths cost more than the
// screen itself. Each is kept as last drawn, with what it was drawn from,
// and drawn again only when that changes. Each is also cut to the width
// when drawn, so the frame needs no second measuring (see App.draw).

// sized is a drawn line and its width in cells.
type sized struct {
	s string
	w int
}

func sizedOf(s string) sized { return sized{s, ansi.StringWidth(s)} }

type chromeParts struct {
	title  memo[titleKey, string]
	tabs   memo[tabsKey, string]
	rule   memo[widthKey, string]
	name   memo[nameKey, sized]
	info   memo[infoKey, sized]
	fill   memo[widthKey, string]
	status memo[statusKey, string]
	msg    memo[msgKey, []string]
	help   helpBar
	body   bodyFit
}

// The keys name every input of their part's drawing; the theme by name,
// which fixes all its styles.
type (
	titleKey struct {
		theme string
		w     int
		hub   string
		count int
	}
	tabsKey struct {
		theme     string
		w, active int
	}
	widthKey struct {
		theme string
		w     int
	}
	nameKey struct {
		theme, name string
		w           int
	}
	infoKey struct {
		theme   string
		size    uint64
		height  int64
		hasHead bool
	}
	statusKey struct {
		theme, msg string
		kind       int
		name, info sized
		w          int
	}
)

// fitLine cuts a line to w cells.
func fitLine(s string, w int) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, max(w, 0), "")
	}
	return s
}

func (s *shell) titleBar() string {
	k := titleKey{s.c.theme.Name, s.width, s.c.snap.info.Name, s.c.snap.count}
	return s.parts.title.get(k, func() string {
		t := s.c.theme
		left := t.TitleApp.Render("polis") + " " + t.TitleHub.Render(clip(s.c.hubName(), max(s.width-12, 0)))
		right := t.TitleMeta.Render(plural(s.c.snap.count, "member", "members") + " ")
		return fitLine(spread(left, right, s.width), s.width)
	})
}

// spread puts left and right on one line of width w, dropping right first
// when they do not fit.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + repeat(" ", gap) + right
}

func (s *shell) tabBar() string {
	return s.parts.tabs.get(tabsKey{s.c.theme.Name, s.width, s.active}, func() string {
		return fitLine(s.drawTabBar(), s.width)
	})
}

func (s *shell) drawTabBar() string {
	t := s.c.theme
	render := func(label func(i int, name string) string) string {
		var b strings.Builder
		for i, kind := range tabKinds {
			st := t.Tab
			if i == s.active {
				st = t.TabActive
			}
			b.WriteString(st.Render(label(i, kind.name)))
		}
		return b.String()
	}
	numbered := render(func(i int, n string) string { return fmt.Sprintf("%d %s", i+1, n) })
	if lipgloss.Width(numbered) <= s.width {
		return numbered
	}
	named := render(func(_ int, n string) string { return n })
	if lipgloss.Width(named) <= s.width {
		return named
	}
	return t.TabActive.Render(fmt.Sprintf("%d/%d %s", s.active+1, len(tabKinds), tabKinds[s.active].name))
}

func (s *shell) rule() string {
	return s.parts.rule.get(widthKey{s.c.theme.Name, s.width}, func() string {
		return s.c.theme.Rule.Render(repeat("─", s.width))
	})
}

// statusInfos are the chain positions as drawn, shared by every session:
// after a commit all of them show the same new one.
var statusInfos drawings[infoKey, sized]

// statusBar is the member's name, the latest message and the chain's
// position. The position moves with every commit, so its parts are kept
// apart: a vote redraws only the position.
func (s *shell) statusBar() string {
	t, snap, w := s.c.theme, s.c.snap, s.width
	name := s.parts.name.get(nameKey{t.Name, snap.me.Name, w}, func() sized {
		return sizedOf(t.StatusName.Render(clip(line(snap.me.Name), max(w/3, 1))))
	})
	right := s.statusInfo()
	if name.w+right.w > w {
		right = sized{}
	}
	msg, kind := s.message()
	if s.messageLines() != nil {
		// Too long for the bar: it is drawn whole above it.
		msg = ""
	}
	if msg == "" && name.w <= w {
		// The usual bar: name, blank and position, all kept.
		fill := w - name.w - right.w
		return name.s + s.parts.fill.get(widthKey{t.Name, fill}, func() string {
			return t.StatusBar.Render(repeat(" ", fill))
		}) + right.s
	}
	k := statusKey{theme: t.Name, msg: msg, kind: kind, name: name, info: right, w: w}
	return s.parts.status.get(k, func() string {
		st := t.StatusOK
		switch kind {
		case msgErr:
			st = t.StatusError
		case msgNote:
			st = t.StatusNote
		}
		return fitLine(statusLineAs(t, name.s, right.s, msg, st, w), w)
	})
}

// message is the latest message and its kind: the latest wins, and a
// pending consent waits underneath it.
func (s *shell) message() (string, int) {
	msg, kind := s.c.status, msgOK
	if s.c.statusErr {
		kind = msgErr
	}
	if note := s.consentNotice(); msg == "" && note != "" {
		msg, kind = note, msgNote
	}
	return msg, kind
}

// msgKey is everything the message lines are drawn from.
type msgKey struct {
	theme, msg string
	kind       int
	w, h, room int
	all        bool
}

// messageLines is the latest message, wrapped above the status bar, when
// it does not fit in the bar beside the member's name; nil when it fits
// (or there is none). An error cut mid-word, or a booking that reads as
// done when it waits for approval, misleads; so nothing is cut unread.
func (s *shell) messageLines() []string {
	msg, kind := s.message()
	if msg == "" {
		return nil
	}
	t, w := s.c.theme, s.width
	name := s.parts.name.get(nameKey{t.Name, s.c.snap.me.Name, w}, func() sized {
		return sizedOf(t.StatusName.Render(clip(line(s.c.snap.me.Name), max(w/3, 1))))
	})
	room := w - name.w - 2
	if right := s.statusInfo(); name.w+right.w <= w {
		room -= right.w // the bar keeps the chain's position beside it
	}
	k := msgKey{theme: t.Name, msg: msg, kind: kind, w: w, h: s.height, room: room, all: s.msgAll == msg}
	return s.parts.msg.get(k, func() []string {
		if ansi.StringWidth(msg) <= room || w < 8 {
			return nil
		}
		st := t.StatusOK
		switch kind {
		case msgErr:
			st = t.StatusError
		case msgNote:
			st = t.StatusNote
		}
		st = st.UnsetPadding()
		lines := wrapMessage(msg, w-2, msgCap(s.height, k.all))
		for i, l := range lines {
			lines[i] = " " + st.Render(l)
		}
		return lines
	})
}

// messageCut reports that the message above the bar is not shown whole.
func (s *shell) messageCut() bool {
	lines := s.messageLines()
	return len(lines) > 0 && strings.HasSuffix(ansi.Strip(lines[len(lines)-1]), "! read all")
}

// statusInfo is the chain's position, as the status bar's right end.
func (s *shell) statusInfo() sized {
	t, snap := s.c.theme, s.c.snap
	ik := infoKey{t.Name, snap.size, snap.head.Height, snap.hasHead}
	return s.parts.info.get(ik, func() sized {
		return statusInfos.get(ik, func() sized {
			info := fmt.Sprintf("%d events", snap.size)
			if snap.hasHead {
				info = fmt.Sprintf("chain #%d · %s", snap.head.Height, info)
			}
			return sizedOf(t.StatusInfo.Render(info))
		})
	})
}

// Kinds of status message, each in its own style.
const (
	msgOK = iota
	msgErr
	msgNote
)

// statusLine fills the bar between left and right with the latest message.
func statusLine(t *themes.Theme, left, right, msg string, isErr bool, w int) string {
	st := t.StatusOK
	if isErr {
		st = t.StatusError
	}
	return statusLineAs(t, left, right, msg, st, w)
}

// statusLineAs is statusLine with the message in style st.
func statusLineAs(t *themes.Theme, left, right, msg string, st lipgloss.Style, w int) string {
	room := w - lipgloss.Width(left) - lipgloss.Width(right)
	mid := ""
	if msg != "" && room > 4 {
		mid = st.Render(clip(msg, room-2))
	}
	fill := room - lipgloss.Width(mid)
	return left + mid + t.StatusBar.Render(repeat(" ", fill)) + right
}

// helpBar is the help as last drawn. Its key is the bindings themselves,
// which screens build afresh on every call, so they are compared by what
// help.Model draws from them: each one's help text and whether it is
// enabled, and where the full help's columns end.
type helpBar struct {
	theme string
	width int
	all   bool
	keys  []bindingKey
	view  string
	lines int
	set   bool
	next  []bindingKey // scratch, reused
}

type bindingKey struct {
	help key.Help
	on   bool
	end  bool // the end of a column of the full help
}

// helpView is the help bar, indented like the screen and cut to its
// width, and its height.
func (s *shell) helpView() (string, int) {
	km := s.keyMap()
	b := &s.parts.help
	next := b.next[:0]
	var groups [][]key.Binding
	var short []key.Binding
	if s.help.ShowAll {
		groups = km.FullHelp()
		for _, g := range groups {
			for _, k := range g {
				next = append(next, bindingKey{help: k.Help(), on: k.Enabled()})
			}
			next = append(next, bindingKey{end: true})
		}
	} else {
		first := []key.Binding{s.keys.Help, s.keys.Expand, s.keys.Charter, s.keys.Quit}
		short = fitHints(km.ShortHelp(), first, max(s.width-2, 0))
		for _, k := range short {
			next = append(next, bindingKey{help: k.Help(), on: k.Enabled()})
		}
	}
	b.next = next
	theme, width := s.c.theme.Name, s.width
	if b.set && b.theme == theme && b.width == width && b.all == s.help.ShowAll && slices.Equal(b.keys, next) {
		return b.view, b.lines
	}
	var v string
	if s.help.ShowAll {
		v = s.fullHelp(groups)
	} else {
		v = s.help.ShortHelpView(short)
	}
	b.theme, b.width, b.all, b.set = theme, width, s.help.ShowAll, true
	b.keys = append(b.keys[:0], next...)
	b.lines = lipgloss.Height(v)
	b.view = fit(indent(v, 1), width, b.lines)
	return b.view, b.lines
}

// fullHelp is the full help in columns that wrap onto more rows when they
// do not fit side by side (help.Model cuts them with an ellipsis, losing
// the global keys on a narrow screen), at most what leaves the rest of the
// chrome and a line of the screen in sight.
func (s *shell) fullHelp(groups [][]key.Binding) string {
	w := max(s.width-2, 1)
	hm := s.help // a copy, measured without its own cutting
	hm.SetWidth(0)
	if v := hm.FullHelpView(groups); lipgloss.Width(v) <= w || len(groups) < 2 {
		return fitLines(v, max(s.height-chromeLines(0)-1, 1))
	}
	const gap = "    "
	var rows []string
	var row []string
	used := 0
	for _, g := range groups {
		col := hm.FullHelpView([][]key.Binding{g})
		cw := lipgloss.Width(col)
		if len(row) > 0 && used+len(gap)+cw > w {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, used = nil, 0
		}
		if len(row) > 0 {
			row = append(row, gap)
			used += len(gap)
		}
		row = append(row, col)
		used += cw
	}
	rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return fitLines(strings.Join(rows, "\n"), max(s.height-chromeLines(0)-1, 1))
}

// fitLines keeps at most n lines of s.
func fitLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}

// bodyFit is the screen under the chrome as the frame shows it: indented
// a column and cut to w x h, as fit(indent(s, 1), w, h) would. A vote
// changes a line or two of a screen, so the lines are kept: one the same
// as in the last frame keeps its cut without being measured again.
type bodyFit struct {
	w       int
	in, out []string
}

func (f *bodyFit) fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	if w != f.w {
		f.w, f.in, f.out = w, f.in[:0], f.out[:0]
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	out := make([]string, h)
	for i, l := range lines {
		if i < len(f.in) && f.in[i] == l {
			out[i] = f.out[i]
			continue
		}
		out[i] = fitLine(" "+l, w)
	}
	f.in = append(f.in[:0], lines...)
	f.out = append(f.out[:0], out[:len(lines)]...)
	return strings.Join(out, "\n")
}
