package state

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/polis-hub/polis/chain"
)

// Every engine runs every command through here, one path from a command to
// its events, their canonical bytes, the log's Merkle hashes, the state
// they change and the command's private records: Decide over the current
// state, Encode, Apply, append. An engine decides commands in batches: each
// runs over its own overlay atop the batch's, so that a refused command, or
// one the batch has no room for, leaves no trace, and a kept one is folded
// into the batch.

// Batch is the writes of one batch of commands over an engine's committed
// state: a Writer (the engine adds its own records through it, a sealed
// checkpoint say) and an ObjCache over base's.
type Batch struct{ *overlay }

// NewBatch starts a batch over base; hint is how many writes to expect.
func NewBatch(base Reader, hint int) *Batch {
	o := newOverlay(base)
	o.writes = make(map[string][]byte, hint)
	return &Batch{o}
}

// Writes are the batch's writes by key; a nil value deletes the key.
func (b *Batch) Writes() map[string][]byte { return b.writes }

// Objs are the decoded forms of written values (see ObjCache).
func (b *Batch) Objs() map[string]any { return b.objs }

// Decided is one command decided and applied over its own overlay, not yet
// part of its batch.
type Decided struct {
	Events []Event
	// Ops are its writes to state keys in the order it made them, for a
	// digest kept alongside (Digest.AddLanes).
	Ops []StateOp
	// Reread are the Merkle hashes the next appends and seals read again
	// (left children): worth caching, unlike the rest.
	Reread []string
	// Members: it wrote a member record (see Published.MemberGen).
	Members bool

	co *overlay
}

// StateOp is one write to a state key: the value it replaced (Had: there
// was one) and the value written (Has: false for a delete).
type StateOp struct {
	Key      string
	Old, Val []byte
	Had, Has bool
}

// Writes are the command's own writes, to weigh it before Keep.
func (d *Decided) Writes() map[string][]byte { return d.co.writes }

// Keep folds a decided command into the batch.
func (b *Batch) Keep(d *Decided) { d.co.commitTo(b.overlay) }

// Decide runs c for a over the batch as it stands, its events numbered from
// seq and stamped now, inside an overlay of its own: the batch is untouched
// until Keep. A panic or an event Apply refuses (a bug, never bad input)
// comes back as an *InternalError.
func (b *Batch) Decide(a Actor, c Command, seq uint64, now int64) (*Decided, error) {
	return decideOver(b.overlay, a, c, seq, now)
}

func decideOver(base Reader, a Actor, c Command, seq uint64, now int64) (d *Decided, err error) {
	co := newOverlay(base)
	d = &Decided{co: co}
	co.onChange = func(key string, old []byte, had bool, val []byte, has bool) {
		d.Ops = append(d.Ops, StateOp{Key: key, Old: old, Had: had, Val: val, Has: has})
		d.Members = d.Members || strings.HasPrefix(key, prefixMember)
	}
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, &InternalError{Err: fmt.Errorf("%v", p), Stack: debug.Stack()}
		}
	}()
	if err := suspendedRefusal(co, a, unwrap(c), now); err != nil {
		return nil, err
	}
	env := Env{Time: now, Actor: a}
	actor, bodies, err := c.Decide(co, env)
	if err != nil {
		return nil, err
	}
	for i, body := range bodies {
		ev := Event{Seq: seq + uint64(i), Time: now, Actor: actor, Body: body}
		enc, err := Encode(ev)
		if err != nil {
			return nil, err
		}
		if err := Apply(co, ev); err != nil {
			return nil, internal(err)
		}
		co.Set(EventKey(ev.Seq), enc)
		hs, err := chain.HashesForAppend(int64(ev.Seq), enc, HashReader(co))
		if err != nil {
			return nil, internal(err)
		}
		first := chain.StoredHashIndex(0, int64(ev.Seq))
		for j, h := range hs {
			k := HashKey(first + int64(j))
			co.Set(k, h[:])
			// Appends and seals read only left children (an even
			// index at their level); the rest need not be cached.
			if (ev.Seq>>j)&1 == 0 {
				d.Reread = append(d.Reread, k)
			}
		}
		d.Events = append(d.Events, ev)
	}
	writePrivate(co, unwrap(c), env, actor, d.Events)
	return d, nil
}

// InternalError is a command that broke the domain code rather than its
// rules: a panic while deciding or applying it, or an event Apply refused
// although Decide produced it. The member is told "internal error: ...";
// Stack, when there was a panic, is for the steward's log.
type InternalError struct {
	Err   error
	Stack []byte
}

func (e *InternalError) Error() string { return "internal error: " + e.Err.Error() }
func (e *InternalError) Unwrap() error { return e.Err }

// internal wraps err, keeping the stack of a panic Apply recovered.
func internal(err error) *InternalError {
	ie := &InternalError{Err: err}
	var pe *panicError
	if errors.As(err, &pe) {
		ie.Stack = pe.stack
	}
	return ie
}

// panicError is a panic Apply recovered, with the stack it was raised on;
// err is the corruptError it carried, if it did.
type panicError struct {
	msg   string
	stack []byte
	err   error
}

func (e *panicError) Error() string { return e.msg }
func (e *panicError) Unwrap() error { return e.err }

// ScanOver calls fn for each key with prefix in writes (nil: deleted)
// merged over base, in key order, until fn returns false: what a Reader
// over writes not yet committed does.
func ScanOver(base Reader, writes map[string][]byte, prefix string, fn func(key string, val []byte) bool) {
	(&overlay{base: base, writes: writes}).Scan(prefix, fn)
}
