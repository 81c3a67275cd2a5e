package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
)

// Text that got past every check still cannot start a line of its own.
func TestICalTextInert(t *testing.T) {
	hostile := "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\nSUMMARY:y\x1b]0;t\x07\u2028z " + strings.Repeat("ü", 300)
	var buf bytes.Buffer
	err := writeICal(&buf, hostile, "x.polis", []icalStay{{
		Booking: state.Booking{ID: 7, From: "2026-12-31", To: "2027-01-02", Status: state.BookPending, Created: 1},
		Summary: hostile, Description: hostile, Location: hostile,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\r\nUID:evil") || strings.Contains(buf.String(), "\r\nSUMMARY:y") {
		t.Fatalf("injected a line:\n%s", buf.String())
	}
	evs := hubtest.ParseICal(t, "hostile", buf.String())
	var empty bytes.Buffer
	if err := writeICal(&empty, "none", "x.polis", nil); err != nil || len(hubtest.ParseICal(t, "empty", empty.String())) != 0 {
		t.Fatalf("empty calendar: %v %q", err, empty.String())
	}
	hubtest.CheckEvents(t, "hostile", evs, []hubtest.WantEvent{{"booking-7@x.polis", "2026-12-31", "2027-01-02", icalText(hostile), "TENTATIVE"}})
	if s := icalText(hostile); strings.ContainsAny(s, "\r\n\x1b\x07\u2028") || !strings.HasSuffix(s, "ü...") {
		t.Errorf("icalText: %q", s)
	}
}
