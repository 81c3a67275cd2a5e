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

func typeOf(b Body) string {
	if b == nil {
		return "<nil>"
	}
	return b.EventType()
}
