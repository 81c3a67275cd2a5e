package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	data = normalizeLists(data)
	// The envelope is written by hand: it is exactly what json.Marshal of
	// envelope gives (the body is already compact JSON, type names are
	// plain ASCII), without re-scanning the body as a RawMessage.
	typ := e.Body.EventType()
	b := make([]byte, 0, len(data)+64+len(typ))
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, EncodingVersion, 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"time":`...)
	b = strconv.AppendInt(b, e.Time, 10)
	b = append(b, `,"actor":`...)
	b = strconv.AppendUint(b, e.Actor, 10)
	b = append(b, `,"type":"`...)
	b = append(b, typ...)
	b = append(b, `","data":`...)
	b = append(b, data...)
	b = append(b, '}')
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
	if e, ok := decodeFast(b); ok {
		return e, nil
	}
	return decodeGeneral(b)
}

// decodeGeneral is Decode without the fast path: it names what is wrong.
func decodeGeneral(b []byte) (Event, error) {
	var e Event
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

// decodeFast reads bytes laid out exactly as Encode writes them, parsing
// only the body with encoding/json; the re-encoding must still match byte
// for byte. Anything else (including every malformed input) reports false,
// and Decode's general path gives the error.
func decodeFast(b []byte) (Event, bool) {
	p := envParser{b: b}
	v := p.field(`{"v":`)
	seq := p.field(`,"seq":`)
	tm := p.field(`,"time":`)
	actor := p.field(`,"actor":`)
	typ := p.str(`,"type":"`)
	if !p.ok || v != EncodingVersion || !p.lit(`,"data":`) || len(b) < p.i+1 || b[len(b)-1] != '}' || tm < 0 {
		return Event{}, false
	}
	mk, ok := bodyTypes[typ]
	if !ok {
		return Event{}, false
	}
	body := mk()
	if json.Unmarshal(b[p.i:len(b)-1], body) != nil {
		return Event{}, false
	}
	e := Event{Seq: uint64(seq), Time: tm, Actor: uint64(actor), Body: body}
	again, err := Encode(e)
	if err != nil || !bytes.Equal(again, b) {
		return Event{}, false
	}
	return e, true
}

// envParser walks the fixed envelope header.
type envParser struct {
	b  []byte
	i  int
	ok bool
}

func (p *envParser) lit(s string) bool {
	if p.i == 0 && s[0] == '{' {
		p.ok = true
	}
	if !p.ok || !bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.ok = false
		return false
	}
	p.i += len(s)
	return true
}

// field reads a non-negative decimal after the literal (at most 18 digits,
// so it fits an int64; longer numbers take the general path).
func (p *envParser) field(s string) int64 {
	if !p.lit(s) {
		return 0
	}
	j := p.i
	for j < len(p.b) && j-p.i < 18 && p.b[j] >= '0' && p.b[j] <= '9' {
		j++
	}
	if j == p.i || j-p.i == 18 {
		p.ok = false
		return 0
	}
	n, err := strconv.ParseInt(string(p.b[p.i:j]), 10, 64)
	p.i, p.ok = j, err == nil
	return n
}

// str reads a string without escapes up to its closing quote.
func (p *envParser) str(s string) string {
	if !p.lit(s) {
		return ""
	}
	j := bytes.IndexByte(p.b[p.i:], '"')
	if j < 0 || bytes.IndexByte(p.b[p.i:p.i+j], '\\') >= 0 {
		p.ok = false
		return ""
	}
	out := string(p.b[p.i : p.i+j])
	p.i += j + 1
	return out
}

// normalizeLists rewrites every empty JSON array in compact encoding/json
// output as null, so an empty list has one byte form whether the Go value
// held a nil slice or an empty one (docs/events.md, "Lists"). Outside
// strings, "[]" in such output can only be an empty array; inside them it
// is text and stays.
func normalizeLists(b []byte) []byte {
	if !bytes.Contains(b, []byte("[]")) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' && i+1 < len(b) && b[i+1] == ']':
			out = append(out, "null"...)
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}
