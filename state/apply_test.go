package state

import (
	"strings"
	"testing"
)

// Every event type the codec can decode has exactly one applier, every
// applier folds a type the codec knows, and each reaches its applier with
// the body the codec makes.
func TestEveryEventTypeHasOneApplier(t *testing.T) {
	rows := map[string]int{}
	for _, d := range domainAppliers {
		for _, a := range d {
			rows[a.typ]++
		}
	}
	if len(rows) != len(appliers) {
		t.Fatalf("the table has %d types, the domains list %d", len(appliers), len(rows))
	}
	for _, typ := range EventTypes() {
		if n := rows[typ]; n != 1 {
			t.Errorf("event type %s has %d appliers", typ, n)
		}
		ev := Event{Seq: 7, Time: 1, Body: bodyTypes[typ]()}
		if err := Apply(NewMemState(), ev); err != nil && strings.Contains(err.Error(), "body is a") {
			t.Errorf("%s: %v", typ, err)
		}
	}
	for typ := range rows {
		if _, ok := bodyTypes[typ]; !ok {
			t.Errorf("applier for %s, which the codec does not know", typ)
		}
	}
}

// An event whose type has no applier is refused with a one-line error.
func TestUnknownEventTypeIsRefused(t *testing.T) {
	err := Apply(NewMemState(), Event{Seq: 3, Body: unknownBody{}})
	if err == nil || err.Error() != "apply: no rule for event type no.such" {
		t.Fatalf("err %v", err)
	}
}

type unknownBody struct{}

func (unknownBody) EventType() string { return "no.such" }
