package state

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// A member's record is everything they did, as it stands in the chain,
// each event with its receipt: what someone leaving takes with them, and
// what any member may take at any time. Receipts prove each event against
// the latest checkpoint, offline, with only the hub's verifier key.

// RecordEvent is one event of a member's record.
type RecordEvent struct {
	Seq     uint64          `json:"seq"`
	Type    string          `json:"type"`
	Time    int64           `json:"time"`
	Event   json.RawMessage `json:"event"` // the canonical bytes
	Receipt Receipt         `json:"receipt"`
}

// Record is a member's own record.
type Record struct {
	Hub         string        `json:"hub"`
	Member      Member        `json:"member"`
	VerifierKey string        `json:"verifier_key"`
	Head        Head          `json:"checkpoint"`
	Events      []RecordEvent `json:"events"`
}

// RecordOf gathers member id's record: the events they made, and the
// events that made or changed their membership on their behalf (joining
// by invite is a visitor's event; consent on approval is the approver's).
func (h *Hub) RecordOf(id uint64) (rec Record, err error) {
	actor := []byte(`"actor":` + strconv.FormatUint(id, 10) + `,`)
	named := []byte(`"member":` + strconv.FormatUint(id, 10) + `,`)
	var seqs []uint64
	err = h.View(func(r Reader) error {
		hi, _ := GetHub(r)
		rec.Hub = hi.Name
		m, ok := GetMember(r, id)
		if !ok {
			return notFound("no member %d", id)
		}
		rec.Member = m
		r.Scan(PrefixEvent, func(_ string, v []byte) bool {
			if !bytes.Contains(v, actor) && !bytes.Contains(v, named) {
				return true
			}
			ev, derr := Decode(v)
			if derr != nil {
				err = derr
				return false
			}
			if ev.Actor == id || namesMember(ev.Body, id) {
				seqs = append(seqs, ev.Seq)
			}
			return true
		})
		return err
	})
	if err != nil {
		return rec, err
	}
	rec.VerifierKey = h.VerifierKey()
	rec.Head, _ = h.Head()
	rec.Events = make([]RecordEvent, 0, len(seqs))
	for _, seq := range seqs {
		rc, err := h.Receipt(seq)
		if err != nil {
			return rec, err
		}
		ev, err := Decode([]byte(rc.Event))
		if err != nil {
			return rec, err
		}
		rec.Events = append(rec.Events, RecordEvent{Seq: seq, Type: ev.Body.EventType(), Time: ev.Time,
			Event: json.RawMessage(rc.Event), Receipt: rc})
	}
	return rec, nil
}

// namesMember reports events done to a member rather than by them.
func namesMember(b Body, id uint64) bool {
	switch b := b.(type) {
	case *MemberJoined:
		return b.Member == id
	case *ConsentGiven:
		return b.Member == id
	case *MemberLeft:
		return b.Member == id
	}
	return false
}
