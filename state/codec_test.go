package state

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func jsonUnmarshalLoose(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestEncodeIsCanonicalAndStable(t *testing.T) {
	ev := Event{Seq: 7, Time: 1764072000000, Actor: 2, Body: &MemberJoined{Member: 3, Name: "zoë <&>", Key: "ssh-ed25519 AAAA", Roles: []string{"member"}, Via: "invite", Invite: 1}}
	b, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	// This string is the documented wire form (docs/events.md): changing
	// it is a format change.
	want := `{"v":1,"seq":7,"time":1764072000000,"actor":2,"type":"member.joined","data":{"member":3,"name":"zoë \u003c\u0026\u003e","key":"ssh-ed25519 AAAA","roles":["member"],"via":"invite","invite":1,"application":0}}`
	if string(b) != want {
		t.Fatalf("encoding changed:\n got %s\nwant %s", b, want)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Encode(back)
	if string(again) != string(b) {
		t.Fatal("round trip changed bytes")
	}
}

func TestDecodeRefusesNonCanonical(t *testing.T) {
	good := `{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`
	if _, err := Decode([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"seq":0,"v":1,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`,
		`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}} `,
		`{"v":1, "seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`,
		`{"v":2,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`,
		`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.exploded","data":{}}`,
		`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x","extra":1}}`,
		`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"},"x":1}`,
		`not json`, ``, strings.Repeat("x", MaxEventBytes+1),
	} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`))
	f.Add([]byte(`{"v":1,"seq":3,"time":1,"actor":1,"type":"role.granted","data":{"member":1,"role":"steward","proposal":0}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(ev)
		if err != nil || string(again) != string(b) {
			t.Fatalf("decoded but does not re-encode to the same bytes")
		}
		_ = Apply(NewMemState(), ev)
	})
}

// The hand-written envelope is exactly json.Marshal's, for every type; and
// the fast decoder agrees with the general one on whatever it accepts.
func TestEncodeMatchesMarshal(t *testing.T) {
	for _, typ := range EventTypes() {
		body := bodyTypes[typ]()
		e := Event{Seq: 123456789, Time: 1795626747920, Actor: 42, Body: body}
		got, err := Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(body)
		want, _ := json.Marshal(envelope{V: EncodingVersion, Seq: e.Seq, Time: e.Time, Actor: e.Actor, Type: typ, Data: data})
		if !bytes.Equal(got, want) {
			t.Fatalf("%s:\n%s\n%s", typ, got, want)
		}
		fast, ok := decodeFast(got)
		slow, err := decodeGeneral(got)
		if !ok || err != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s: fast %v %+v, general %v %+v", typ, ok, fast, err, slow)
		}
	}
}

func FuzzDecodeFastAgrees(f *testing.F) {
	f.Add([]byte(`{"v":1,"seq":0,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`))
	f.Add([]byte(`{"v":1,"seq":00,"time":1,"actor":0,"type":"hub.created","data":{"name":"x"}}`))
	f.Add([]byte(`{"v":1,"seq":1,"time":-1,"actor":0,"type":"hub\"created","data":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := decodeFast(b)
		slow, err := decodeGeneral(b)
		if ok && (err != nil || !reflect.DeepEqual(fast, slow)) {
			t.Fatalf("fast path accepted what the general one says: %v", err)
		}
	})
}

func benchEvent(b *testing.B) []byte {
	e := Event{Seq: 981234, Time: 1795626747920, Actor: 42, Body: &VoteCast{Proposal: 12, Choice: "yes"}}
	raw, err := Encode(e)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// go test ./state -run '^$' -bench Decode
func BenchmarkDecode(b *testing.B) {
	raw := benchEvent(b)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, err := Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeGeneral(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
