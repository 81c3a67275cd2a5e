package state

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/polis-hub/polis/state/tally"
)

// genCommand draws a command from everything a member or visitor can ask,
// valid or not, including hostile text.
func genCommand(t *rapid.T, actors []Actor, codes []string) (Actor, Command) {
	a := rapid.SampledFrom(actors).Draw(t, "actor")
	text := rapid.OneOf(
		rapid.SampledFrom([]string{"ana", "bo", "Ana", "", " x", "\x1b]0;PWNED\x07", "a\u202eb", "zoë"}),
		rapid.StringN(0, 50, -1),
	)
	id := rapid.Uint64Range(0, 8)
	switch rapid.IntRange(0, 31).Draw(t, "kind") {
	case 24:
		return a, SetCharter{Text: text.Draw(t, "charter")}
	case 25:
		return a, Consent{Version: rapid.IntRange(0, 2).Draw(t, "v")}
	case 26:
		return a, Leave{Anonymous: rapid.Bool().Draw(t, "anon")}
	case 27:
		return a, SetCountry{Country: rapid.SampledFrom([]string{"PT", "", "XX", "pt"}).Draw(t, "cc")}
	case 28:
		return a, SetListed{Listed: rapid.Bool().Draw(t, "listed")}
	case 29:
		return a, NewCampaign{Title: text.Draw(t, "title"), Asset: rapid.SampledFrom([]string{"EUR", "XYZ"}).Draw(t, "asset"),
			Goal: rapid.Int64Range(-1, 100).Draw(t, "goal"), Deadline: rapid.SampledFrom([]int64{0, 1 << 50, 4102444800000}).Draw(t, "dl")}
	case 30:
		return a, PledgeTo{Campaign: id.Draw(t, "id"), Amount: rapid.Int64Range(-1, 100).Draw(t, "amt")}
	case 31:
		return a, Unpledge{Campaign: id.Draw(t, "id")}
	case 20:
		return a, AddSpace{Space: Space{Name: text.Draw(t, "name"), Beds: rapid.IntRange(0, 3).Draw(t, "beds"), TZ: rapid.SampledFrom([]string{"", "UTC", "Europe/Lisbon", "Nowhere/X"}).Draw(t, "tz")}}
	case 21:
		d := rapid.IntRange(1, 28).Draw(t, "d")
		return a, Book{Space: id.Draw(t, "id"), From: fmt.Sprintf("2030-01-%02d", d), To: fmt.Sprintf("2030-01-%02d", min(d+rapid.IntRange(-1, 3).Draw(t, "n"), 28)),
			Beds: rapid.IntRange(0, 2).Draw(t, "beds"), Waitlist: rapid.Bool().Draw(t, "w")}
	case 22:
		return a, CancelBooking{ID: id.Draw(t, "id")}
	case 23:
		return a, DecideBooking{ID: id.Draw(t, "id"), Approve: rapid.Bool().Draw(t, "ok")}
	case 17:
		return a, Contribute{Asset: rapid.SampledFrom([]string{"USD", "EUR", "BTC", "XYZ"}).Draw(t, "asset"), Amount: rapid.Int64Range(-1, 1000).Draw(t, "amt"), Memo: text.Draw(t, "memo")}
	case 18:
		return a, ReverseContribution{Entry: id.Draw(t, "id"), Memo: text.Draw(t, "memo")}
	case 19:
		// The treasury's controls, with the scheduled changes they make.
		switch rapid.IntRange(0, 4).Draw(t, "tk") {
		case 1:
			return a, SetPolicy{Signers: rapid.IntRange(0, 3).Draw(t, "signers")}
		case 2:
			return a, SetRestitutionCap{Asset: rapid.SampledFrom([]string{"USD", "XYZ"}).Draw(t, "asset"), Amount: rapid.Int64Range(-1, 20000).Draw(t, "cap")}
		case 3:
			return a, SetRules{Rules: KindRules{Kind: rapid.SampledFrom([]string{KindSpend, KindText}).Draw(t, "rk"),
				PeriodMS: rapid.SampledFrom([]int64{60_000, 3 * dayMS, 7 * dayMS}).Draw(t, "period"),
				QuorumBP: rapid.IntRange(0, 4000).Draw(t, "q"), ThresholdBP: rapid.IntRange(5001, 7000).Draw(t, "th")}}
		case 4:
			return SystemActor, ApplyChange{ID: id.Draw(t, "id")}
		}
		return a, SignPayout{ID: id.Draw(t, "id")}
	case 11:
		m := rapid.SampledFrom(Methods).Draw(t, "method")
		var opts []string
		if m != MethodYesNo {
			opts = []string{"a", "b", "c"}
		}
		p := NewProposal{Kind: rapid.SampledFrom(Kinds).Draw(t, "pkind"), Title: text.Draw(t, "title"), Method: m, Options: opts,
			Action: Action{Member: id.Draw(t, "id"), Role: RoleModerator, Grant: true}}
		if rapid.Bool().Draw(t, "draft") {
			return a, SaveDraft{Proposal: p}
		}
		return a, p
	case 12:
		b := tally.Ballot{Choice: rapid.SampledFrom([]string{"yes", "no", "abstain", "maybe"}).Draw(t, "choice")}
		switch rapid.IntRange(0, 3).Draw(t, "bk") {
		case 1:
			b = tally.Ballot{Approve: rapid.SliceOfN(rapid.IntRange(-1, 3), 0, 3).Draw(t, "approve")}
		case 2:
			b = tally.Ballot{Ranking: rapid.SliceOfN(rapid.IntRange(-1, 3), 0, 3).Draw(t, "ranking")}
		case 3:
			b = tally.Ballot{Scores: rapid.SliceOfN(rapid.IntRange(-1, 6), 0, 3).Draw(t, "scores")}
		}
		return a, CastVote{ID: id.Draw(t, "id"), Ballot: b}
	case 13:
		return a, Delegate{To: id.Draw(t, "id"), Kind: rapid.SampledFrom([]string{"", "text", "role", "bogus"}).Draw(t, "dk")}
	case 14:
		return a, Undelegate{Kind: rapid.SampledFrom([]string{"", "text"}).Draw(t, "dk")}
	case 15:
		return a, CommentOn{ID: id.Draw(t, "id"), Body: text.Draw(t, "body")}
	case 16:
		switch rapid.IntRange(0, 2).Draw(t, "ck") {
		case 1:
			return a, OpenDraft{N: id.Draw(t, "id")}
		case 2:
			return a, DeleteDraft{N: id.Draw(t, "id")}
		}
		return a, CancelProposal{ID: id.Draw(t, "id")}
	case 0:
		return SystemActor, CreateInvite{CodeHash: HashCode(rapid.SampledFrom(codes).Draw(t, "code")), Uses: rapid.Int64Range(0, 2).Draw(t, "uses"), Founder: true}
	case 1:
		return a, CreateInvite{CodeHash: HashCode(rapid.SampledFrom(codes).Draw(t, "code")), Uses: rapid.Int64Range(-1, 2).Draw(t, "uses")}
	case 2:
		return a, Join{CodeHash: HashCode(rapid.SampledFrom(codes).Draw(t, "code")), Name: text.Draw(t, "name"), Consent: rapid.IntRange(0, 1).Draw(t, "consent")}
	case 3:
		return a, ApplyToJoin{Name: text.Draw(t, "name"), Text: text.Draw(t, "text")}
	case 4:
		return a, DecideApplication{ID: id.Draw(t, "id"), Approve: rapid.Bool().Draw(t, "ok")}
	case 5:
		code := HashKeyCode(rapid.SampledFrom(codes).Draw(t, "code"))
		if rapid.Bool().Draw(t, "confirm") {
			return a, ConfirmKey{CodeHash: code}
		}
		return a, AddKey{Key: rapid.SampledFrom(actors).Draw(t, "k").Key, Name: text.Draw(t, "name"), CodeHash: code}
	case 6:
		return a, RemoveKey{Ref: rapid.SampledFrom(actors).Draw(t, "k").Fingerprint}
	case 7:
		return a, SetRole{Member: id.Draw(t, "id"), Role: rapid.SampledFrom(append(Roles, "king")).Draw(t, "role"), Grant: rapid.Bool().Draw(t, "grant")}
	case 8:
		return a, Rename{Name: text.Draw(t, "name")}
	case 9:
		return a, RevokeInvite{ID: id.Draw(t, "id")}
	default:
		return a, ChooseTheme{Theme: rapid.SampledFrom([]string{"dark", "light", "Bad Theme"}).Draw(t, "theme")}
	}
}

// Random command sequences: the live hub's state and digest equal a replay
// from scratch of its log, byte for byte, and nothing panics.
func TestReplayMatchesLive(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s, err := NewMemory(MemoryOptions{CheckpointEvery: rapid.IntRange(1, 5).Draw(rt, "every")})
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()
		var actors []Actor
		for i := 0; i < 5; i++ {
			actors = append(actors, testActor(t, fmt.Sprint("p", i)))
		}
		codes := []string{"aaaa-bbbb", "cccc-dddd", "eeee-ffff"}
		ctx := context.Background()
		if _, err := s.Submit(ctx, SystemActor, CreateHub{Name: "prop"}); err != nil {
			rt.Fatal(err)
		}
		if _, err := s.Submit(ctx, SystemActor, AdmitAdmin{Key: actors[0].Key, Name: "root"}); err != nil {
			rt.Fatal(err)
		}
		n := rapid.IntRange(1, 40).Draw(rt, "n")
		for i := 0; i < n; i++ {
			a, c := genCommand(rt, actors, codes)
			before := s.StateDigest()
			size := s.Size()
			evs, err := s.Submit(ctx, a, c)
			if err != nil && (s.StateDigest() != before || s.Size() != size) {
				rt.Fatalf("refused %T changed state: %v", c, err)
			}
			if err == nil && len(evs) == 0 && s.StateDigest() != before {
				rt.Fatalf("%T without events changed state", c)
			}
		}
		var buf bytes.Buffer
		if err := s.WriteExport(&buf); err != nil {
			rt.Fatal(err)
		}
		x, err := ReadExport(&buf)
		if err != nil {
			rt.Fatal(err)
		}
		replay := NewMemState()
		for i, b := range x.Events {
			ev, err := Decode(b)
			if err != nil {
				rt.Fatalf("event %d: %v", i, err)
			}
			if err := Apply(replay, ev); err != nil {
				rt.Fatalf("event %d: %v", i, err)
			}
		}
		if replay.Digest() != s.StateDigest() {
			rt.Fatal("replayed digest differs from live digest")
		}
		err = s.View(func(r Reader) error {
			for _, k := range replay.Keys(PrefixState) {
				live, ok := r.Get(k)
				want, _ := replay.Get(k)
				if !ok || !bytes.Equal(live, want) {
					return fmt.Errorf("state %s differs", k)
				}
			}
			n := 0
			r.Scan(PrefixState, func(string, []byte) bool { n++; return true })
			if n != replay.Len() {
				return fmt.Errorf("live has %d keys, replay %d", n, replay.Len())
			}
			return nil
		})
		if err != nil {
			rt.Fatal(err)
		}
	})
}

// Apply never panics, whatever well-formed event arrives in whatever state.
func TestApplyNeverPanics(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		st := NewMemState()
		for i := 0; i < rapid.IntRange(1, 30).Draw(rt, "n"); i++ {
			typ := rapid.SampledFrom(EventTypes()).Draw(rt, "type")
			body := bodyTypes[typ]()
			data := rapid.SampledFrom([]string{`{}`, `{"member":1}`, `{"member":1,"name":"x","key":"` + testActor(t, "z").Key + `","roles":["steward"]}`, `{"invite":1,"code_hash":"x"}`, `{"application":1,"approved":true}`, `{"member":1,"role":"steward"}`}).Draw(rt, "data")
			_ = jsonUnmarshalLoose([]byte(data), body)
			_ = Apply(st, Event{Seq: uint64(i), Body: body})
		}
	})
}
