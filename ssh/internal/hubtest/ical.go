package hubtest

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ParseICal reads a calendar the command tree wrote, failing the test if
// it is not one: properties missing, or a line that is no folded content
// line.
func ParseICal(t *testing.T, what, text string) []*ics.VEvent {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, text)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["VERSION"] != "2.0" || props["PRODID"] == "" {
		t.Fatalf("%s: calendar properties %v", what, props)
	}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n\x1b") {
			t.Errorf("%s: line %d is not a folded content line: %q", what, i+1, l)
		}
	}
	return cal.Events()
}

// WantEvent is what CheckEvents expects of an event: its UID, first day,
// check-out day, summary and status.
type WantEvent [5]string

// CheckEvents checks that evs are all-day events as want says.
func CheckEvents(t *testing.T, what string, evs []*ics.VEvent, want []WantEvent) {
	t.Helper()
	if len(evs) != len(want) {
		t.Fatalf("%s: %d events, want %d", what, len(evs), len(want))
	}
	for i, w := range want {
		e := evs[i]
		start, err1 := e.GetAllDayStartAt()
		end, err2 := e.GetAllDayEndAt()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: event %d dates: %v %v", what, i, err1, err2)
		}
		p := e.GetProperty(ics.ComponentPropertyDtStart)
		if v := p.ICalParameters["VALUE"]; len(v) != 1 || v[0] != "DATE" {
			t.Errorf("%s: DTSTART is not VALUE=DATE: %v", what, p.ICalParameters)
		}
		if _, err := e.GetDtStampTime(); err != nil {
			t.Errorf("%s: DTSTAMP: %v", what, err)
		}
		got := WantEvent{e.Id(), start.Format(time.DateOnly), end.Format(time.DateOnly),
			e.GetProperty(ics.ComponentPropertySummary).Value, e.GetProperty(ics.ComponentPropertyStatus).Value}
		if got != w {
			t.Errorf("%s: event %d is %+v, want %+v", what, i, got, w)
		}
	}
}
