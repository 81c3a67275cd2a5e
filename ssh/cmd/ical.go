package cmd

// iCalendar export of stays (RFC 5545).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state"
)

func (c *cli) icalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ical SPACE-ID|--mine",
		Short: "Print a space's stays, or with --mine your own, as an iCalendar (.ics) file",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usage(cmd, "ical needs SPACE-ID or --mine")
			}
			return nil
		},
	}
	mine := cmd.Flags().Bool("mine", false, "your own stays, at every space")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *mine == (len(args) == 1) {
			return usage(cmd, "ical needs SPACE-ID or --mine (not both)")
		}
		var id uint64
		var err error
		if !*mine {
			if id, err = parseID(cmd, "space", args[0]); err != nil {
				return err
			}
		}
		me := c.me()
		var bs []state.Booking
		name := "polis: my stays"
		if *mine {
			bs, err = c.hub.BookingsOf(me.ID)
		} else {
			bs, err = c.hub.BookingsAt(id, "")
			name = "polis: " + c.spaceName(id)
		}
		if err != nil {
			return err
		}
		spaces := map[uint64]state.Space{}
		if ss, err := c.hub.Spaces(); err == nil {
			for _, s := range ss {
				spaces[s.ID] = s.Space
			}
		}
		names := c.names()
		var stays []icalStay
		for _, b := range bs {
			if b.Status == state.BookWaitlisted {
				continue // not a stay until it is promoted
			}
			s := spaces[b.Space]
			st := icalStay{Booking: b, Location: strings.Trim(s.City+", "+s.Country, ", ")}
			if *mine {
				st.Summary = fmt.Sprintf("Stay at %s (%s)", s.Name, bedsText(b.Beds))
			} else {
				st.Summary = fmt.Sprintf("%s (%s)", names[b.Member], bedsText(b.Beds))
			}
			st.Description = fmt.Sprintf("Booking %d at %s (space %d), %s; check-out %s.", b.ID, s.Name, b.Space, b.Status, b.To)
			stays = append(stays, st)
		}
		return writeICal(cmd.OutOrStdout(), name, ICalUIDDomain(c.hub.VerifierKey()), stays)
	}
	return cmd
}

// icalStay is one booking as an event; its text is member-written.
type icalStay struct {
	state.Booking
	Summary, Description, Location string
}

// ICalUIDDomain names this hub in every event's UID, so that two hubs'
// booking 1 never merge in a member's calendar: a stable digest of the
// hub's checkpoint verifier key, which no other hub holds.
func ICalUIDDomain(vkey string) string {
	sum := sha256.Sum256([]byte(vkey))
	return hex.EncodeToString(sum[:8]) + ".polis"
}

// icalText makes member text inert in a calendar: one line without control
// characters, and short. The encoder escapes \ ; and , on top.
func icalText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, line(s))
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "..."
	}
	return s
}

// writeICal writes stays as an RFC 5545 calendar of all-day events: a
// booking holds the nights [From, To), so DTEND is the check-out day,
// exclusive, as the RFC has it for VALUE=DATE. A stay that was cancelled or
// declined stays in the feed as CANCELLED, so subscribed calendars remove
// it rather than keep a stale copy; DTSTAMP and LAST-MODIFIED are the time
// of its last change, so clients see a promotion or a cancellation as new.
func writeICal(w io.Writer, name, uidDomain string, stays []icalStay) error {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, "-//polis//housing//EN")
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropName, icalText(name))
	calName := ical.NewProp("X-WR-CALNAME") // the name most clients read
	calName.SetText(icalText(name))
	calName.Params.Del(ical.ParamValue)
	cal.Props.Set(calName)
	for _, s := range stays {
		from, err1 := state.DayNum(s.From)
		to, err2 := state.DayNum(s.To)
		if err1 != nil || err2 != nil {
			continue // the hub only stores valid dates
		}
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("booking-%d@%s", s.ID, uidDomain))
		revised := s.Created
		if s.Updated != 0 {
			revised = s.Updated
		}
		ev.Props.SetDateTime(ical.PropDateTimeStamp, time.UnixMilli(revised).UTC())
		ev.Props.SetDateTime(ical.PropLastModified, time.UnixMilli(revised).UTC())
		ev.Props.SetDate(ical.PropDateTimeStart, state.DayTime(from))
		ev.Props.SetDate(ical.PropDateTimeEnd, state.DayTime(to))
		ev.Props.SetText(ical.PropSummary, icalText(s.Summary))
		ev.Props.SetText(ical.PropDescription, icalText(s.Description))
		if loc := icalText(s.Location); loc != "" {
			ev.Props.SetText(ical.PropLocation, loc)
		}
		ev.Props.SetText(ical.PropTransparency, "OPAQUE")
		status := ical.EventConfirmed
		switch s.Status {
		case state.BookPending:
			status = ical.EventTentative
		case state.BookCancelled, state.BookDeclined:
			status = ical.EventCancelled
			ev.Props.SetText(ical.PropTransparency, "TRANSPARENT")
		}
		ev.SetStatus(status)
		cal.Children = append(cal.Children, ev.Component)
	}
	if len(cal.Children) == 0 {
		cal.Children = append(cal.Children, utcZone())
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return err
	}
	_, err := w.Write(foldLines(buf.Bytes()))
	return err
}

// utcZone is a VTIMEZONE for UTC. A calendar needs at least one component
// (RFC 5545 3.6), so one without stays carries this harmless one.
func utcZone() *ical.Component {
	std := ical.NewComponent(ical.CompTimezoneStandard)
	for p, v := range map[string]string{ical.PropDateTimeStart: "19700101T000000",
		ical.PropTimezoneOffsetFrom: "+0000", ical.PropTimezoneOffsetTo: "+0000"} {
		std.Props.Set(&ical.Prop{Name: p, Params: ical.Params{}, Value: v})
	}
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, "UTC")
	tz.Children = []*ical.Component{std}
	return tz
}

// foldLines folds content lines longer than 75 octets (RFC 5545 3.1) on
// rune boundaries: CRLF and a space continue a line.
func foldLines(b []byte) []byte {
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(b, []byte("\r\n")) {
		body := bytes.TrimSuffix(l, []byte("\r\n"))
		limit := 75
		for len(body) > limit {
			n := limit
			for n > 0 && !utf8.RuneStart(body[n]) {
				n--
			}
			out.Write(body[:n])
			out.WriteString("\r\n ")
			body, limit = body[n:], 74
		}
		out.Write(body)
		if bytes.HasSuffix(l, []byte("\r\n")) {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}
