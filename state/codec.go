package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// EncodingVersion is the version of the canonical event encoding. A store
// holding events of a newer version is refused rather than misread.
const EncodingVersion = 1

// MaxEventBytes bounds one encoded event.
const MaxEventBytes = 64 << 10

// Body is the typed payload of one event.
type Body interface{ EventType() string }

// Event is one entry of the log. Its canonical bytes are what the Merkle
// tree hashes and what Badger stores; see docs/events.md.
type Event struct {
	Seq   uint64 // 0-based position in the log, also the Merkle leaf index
	Time  int64  // unix milliseconds, assigned by the sequencer
	Actor uint64 // member ID, 0 for the hub itself or a visitor
	Body  Body
}

// envelope fixes the field order of the canonical JSON form.
type envelope struct {
	V     int             `json:"v"`
	Seq   uint64          `json:"seq"`
	Time  int64           `json:"time"`
	Actor uint64          `json:"actor"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data"`
}

// Encode returns the canonical bytes of e: compact JSON with fields in the
// fixed order of envelope and of each body struct, never a map.
func Encode(e Event) ([]byte, error) {
	if e.Body == nil {
		return nil, errors.New("event: no body")
	}
	if _, ok := bodyTypes[e.Body.EventType()]; !ok {
		return nil, fmt.Errorf("event: unregistered type %q", e.Body.EventType())
	}
	data, err := json.Marshal(e.Body)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(envelope{V: EncodingVersion, Seq: e.Seq, Time: e.Time, Actor: e.Actor, Type: e.Body.EventType(), Data: data})
	if err != nil {
		return nil, err
	}
	if len(b) > MaxEventBytes {
		return nil, fmt.Errorf("event: %d bytes is over the %d byte limit", len(b), MaxEventBytes)
	}
	return b, nil
}

// Decode parses canonical event bytes. It refuses anything that does not
// re-encode to the very same bytes, so a tampered or hand-edited event can
// never decode to the same meaning under a different hash.
func Decode(b []byte) (Event, error) {
	var e Event
	if len(b) > MaxEventBytes {
		return e, errors.New("event: too large")
	}
	// Unknown fields, duplicate keys and any other deviation are caught by
	// the byte-for-byte comparison with the re-encoding below, so plain
	// Unmarshal is strict enough here.
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return e, fmt.Errorf("event: %w", err)
	}
	if env.V != EncodingVersion {
		return e, fmt.Errorf("event: encoding version %d, this polis reads %d", env.V, EncodingVersion)
	}
	mk, ok := bodyTypes[env.Type]
	if !ok {
		return e, fmt.Errorf("event: unknown type %q", env.Type)
	}
	body := mk()
	if err := json.Unmarshal(env.Data, body); err != nil {
		return e, fmt.Errorf("event %s: %w", env.Type, err)
	}
	e = Event{Seq: env.Seq, Time: env.Time, Actor: env.Actor, Body: body}
	again, err := Encode(e)
	if err != nil {
		return e, err
	}
	if !bytes.Equal(again, b) {
		return e, errors.New("event: bytes are not in canonical form")
	}
	return e, nil
}

// bodyTypes maps each event type to a constructor of its body; it is the
// single list of event types this version knows.
var bodyTypes = map[string]func() Body{}

func register(mk func() Body) {
	t := mk().EventType()
	if _, dup := bodyTypes[t]; dup {
		panic("state: event type registered twice: " + t)
	}
	bodyTypes[t] = mk
}

// EventTypes lists the known event types, for docs and tests.
func EventTypes() []string {
	out := make([]string, 0, len(bodyTypes))
	for t := range bodyTypes {
		out = append(out, t)
	}
	sortStrings(out)
	return out
}
