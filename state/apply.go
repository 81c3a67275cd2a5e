package state

import (
	"fmt"
	"runtime/debug"
)

// Apply folds one event into state. It is the only code that writes state,
// and it is deterministic: it reads nothing but w and ev (time comes from
// ev.Time), and writes only canonical JSON of plain structs. Events reaching
// Apply were produced by a validated command, so an error here means a
// corrupt or forged log, and the caller discards everything Apply wrote.
func Apply(w Writer, ev Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if ce, ok := r.(corruptError); ok {
				err = &panicError{msg: ce.Error(), stack: debug.Stack(), err: ce}
				return
			}
			err = &panicError{msg: fmt.Sprintf("apply event %d (%s): %v", ev.Seq, typeOf(ev.Body), r), stack: debug.Stack()}
		}
	}()
	if err := applyEvent(w, ev); err != nil {
		return err
	}
	// The census counters follow every event kind that moves them.
	if _, ok := ev.Body.(*MemberJoined); ok {
		censusJoined(w, ev.Time)
	}
	if isActivity(ev.Body) {
		censusActive(w, ev.Actor, ev.Time)
	}
	return nil
}

// applyEvent folds the event itself by its type's one applier; Apply
// recovers its panics.
func applyEvent(w Writer, ev Event) error {
	if ev.Body == nil {
		return fmt.Errorf("apply: event %d has no body", ev.Seq)
	}
	a, ok := appliers[ev.Body.EventType()]
	if !ok {
		return fmt.Errorf("apply: no rule for event type %s", typeOf(ev.Body))
	}
	// A member's signature is checked against the state before the act,
	// the keys they held then (members_sig.go).
	if err := applyActSig(w, ev); err != nil {
		return err
	}
	return a(w, ev)
}

// appliers is the one dispatch table: each event type the codec knows, and
// the one function that folds it. Each domain lists its own in its
// <domain>_apply.go; TestEveryEventTypeHasOneApplier holds the table and
// the codec's registry to each other.
var appliers = byType(domainAppliers...)

// domainAppliers is each domain's rows, by domain.
var domainAppliers = [][]applier{
	memberAppliers, leaveAppliers, profileAppliers,
	govAppliers, changeAppliers,
	treasuryAppliers, allowanceAppliers,
	housingAppliers,
	disputeAppliers,
	charterAppliers,
	campaignAppliers,
	witnessAppliers,
	validatorAppliers,
	relayAppliers,
}

// applier is one row of the table: an event type and its fold.
type applier struct {
	typ string
	fn  func(Writer, Event) error
}

// on makes the row for fn, which folds events of body type P.
func on[B any, P interface {
	*B
	Body
}](fn func(Writer, Event, P) error) applier {
	var zero B
	typ := P(&zero).EventType()
	return applier{typ: typ, fn: func(w Writer, ev Event) error {
		b, ok := ev.Body.(P)
		if !ok {
			return fmt.Errorf("apply: event %d: %s body is a %T", ev.Seq, typ, ev.Body)
		}
		return fn(w, ev, b)
	}}
}

// byType indexes the domains' rows; a type registered twice is a
// programming error caught at start.
func byType(domains ...[]applier) map[string]func(Writer, Event) error {
	m := map[string]func(Writer, Event) error{}
	for _, d := range domains {
		for _, a := range d {
			if _, dup := m[a.typ]; dup {
				panic("state: two appliers for " + a.typ)
			}
			m[a.typ] = a.fn
		}
	}
	return m
}

func typeOf(b Body) string {
	if b == nil {
		return "<nil>"
	}
	return b.EventType()
}
