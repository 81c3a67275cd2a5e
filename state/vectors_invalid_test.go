package state

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/chain"
	"golang.org/x/mod/sumdb/note"
)

// The invalid vectors are forgeries a verifier must refuse. Most are
// re-signed with the vectors' key, as a hub that holds its key could do:
// their signatures and Merkle roots are right, and only the rules of
// docs/events.md catch them.

// invalidBase is the honest log the forgeries start from.
func invalidBase(s *script) {
	s.do("", CreateHub{Name: "Forgery test"})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	s.join("alice", "bob")
	s.do("alice", Contribute{Asset: "EUR", Amount: 5000, Memo: "rent for March"})
	evs := s.do("bob", NewProposal{Kind: KindText, Title: "Quiet hours", Body: "After ten."})
	id := evs[0].Body.(*ProposalCreated).Proposal
	s.do("alice", CastVote{ID: id, Ballot: yes("yes")})
	s.do("bob", CastVote{ID: id, Ballot: yes("no")})
	s.wait(8 * 24 * time.Hour)
	s.do("bob", Contribute{Asset: "EUR", Amount: 700, Memo: "tools"})
}

// forgery is a log being rewritten: its events, and its checkpoints as
// bodies to re-sign.
type forgery struct {
	t      *testing.T
	key    string
	events [][]byte
	cps    []chain.Checkpoint
	signed [][]byte // as the hub signed them; nil once re-signing is due
	// badPrev links the second checkpoint to nothing when re-signing.
	badPrev bool
}

// editEvent replaces old by new in event i, which must hold it.
func (f *forgery) editEvent(i int, old, new string) {
	f.t.Helper()
	if !bytes.Contains(f.events[i], []byte(old)) {
		f.t.Fatalf("event %d lacks %q: %s", i, old, f.events[i])
	}
	f.events[i] = bytes.Replace(f.events[i], []byte(old), []byte(new), 1)
	f.signed = nil
}

// find is the first event holding s.
func (f *forgery) find(s string) int {
	f.t.Helper()
	for i, b := range f.events {
		if bytes.Contains(b, []byte(s)) {
			return i
		}
	}
	f.t.Fatalf("no event holds %q", s)
	return -1
}

// drop removes event i and renumbers the rest; checkpoints beyond it
// cover one event fewer.
func (f *forgery) drop(i int) {
	f.t.Helper()
	evs := append(append([][]byte{}, f.events[:i]...), f.events[i+1:]...)
	for j := i; j < len(evs); j++ {
		ev, err := Decode(evs[j])
		if err != nil {
			f.t.Fatal(err)
		}
		ev.Seq = uint64(j)
		if evs[j], err = Encode(ev); err != nil {
			f.t.Fatal(err)
		}
	}
	f.events = evs
	for k := range f.cps {
		if f.cps[k].Size > int64(i) {
			f.cps[k].Size--
		}
	}
	f.signed = nil
}

// bytes writes the export: the original checkpoints if nothing changed,
// else every checkpoint re-signed over the forged events' roots, linked
// to each other, with the state digests and times as they stand in cps.
func (f *forgery) bytes() []byte {
	f.t.Helper()
	signed := f.signed
	if signed == nil {
		signer := vectorSigner(f.t, f.cps[0].Origin)
		var hs chain.MemoryHashes
		for i, b := range f.events {
			if err := hs.Append(int64(i), b); err != nil {
				f.t.Fatal(err)
			}
		}
		var prev []byte
		for _, c := range f.cps {
			root, err := chain.TreeRoot(c.Size, &hs)
			if err != nil {
				f.t.Fatal(err)
			}
			c.Root = root
			if prev != nil {
				c.Prev = sha256.Sum256(prev)
				if f.badPrev {
					c.Prev = [32]byte{}
				}
			}
			if prev, err = chain.Sign(c, signer); err != nil {
				f.t.Fatal(err)
			}
			signed = append(signed, prev)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "polis-chain-export 1\nkey %s\n", f.key)
	for _, s := range signed {
		fmt.Fprintf(&b, "checkpoint %d\n%s\n", len(s), s)
	}
	for i, e := range f.events {
		fmt.Fprintf(&b, "event %d %d\n%s\n", i, len(e), e)
	}
	fmt.Fprintf(&b, "end %d\n", len(f.events))
	return b.Bytes()
}

// vectorSigner is the Memory engine's key for origin, derived as
// NewMemory derives it: the vectors' key is public by design.
func vectorSigner(t *testing.T, origin string) note.Signer {
	seed := sha256.Sum256([]byte("polis-memory-engine\x00" + origin))
	skey, _, err := note.GenerateKey(bytes.NewReader(bytes.Repeat(seed[:], 2)), origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type invalidVector struct {
	name, why string
	want      string // what polis's error says (a substring)
	forge     func(f *forgery) []byte
}

var invalidVectors = []invalidVector{
	{"trailing-bytes", "bytes follow the end line", "after the end line",
		func(f *forgery) []byte { return append(f.bytes(), "event 99 2\n{}\n"...) }},
	{"not-canonical-whitespace", "an event has a space after a comma: not its canonical bytes (re-signed)", "canonical",
		func(f *forgery) []byte { f.editEvent(2, `,"time":`, `, "time":`); return f.bytes() }},
	{"not-canonical-empty-list", "an empty list written [] instead of null (re-signed)", "canonical",
		func(f *forgery) []byte {
			f.editEvent(f.find(`"approve":null`), `"approve":null`, `"approve":[]`)
			return f.bytes()
		}},
	{"forged-memo", "a contribution's memo changed and every checkpoint re-signed over the new roots: the state digest no longer matches", "state digest differs",
		func(f *forgery) []byte {
			f.editEvent(f.find("rent for March"), "rent for March", "rent for April")
			return f.bytes()
		}},
	{"dropped-vote", "a vote removed, later events renumbered, checkpoints re-signed: the state digest no longer matches", "state digest differs",
		func(f *forgery) []byte { f.drop(f.find(`"choice":"yes"`)); return f.bytes() }},
	{"bad-signature", "one character of a checkpoint's Ed25519 signature changed (not of the key hash before it)", "signature",
		func(f *forgery) []byte {
			s := bytes.Clone(f.signed[0])
			// Well past the 4-byte key hash (the first 6 base64
			// characters): the Ed25519 signature itself is wrong.
			i := bytes.LastIndex(s, []byte(" ")) + 30
			if s[i] == 'A' {
				s[i] = 'B'
			} else {
				s[i] = 'A'
			}
			f.signed[0] = s
			return f.bytes()
		}},
	{"broken-prev", "the second checkpoint's prev is not the hash of the first (re-signed)", "prev",
		func(f *forgery) []byte { f.badPrev = true; f.signed = nil; return f.bytes() }},
	{"checkpoint-time-backwards", "a checkpoint's time is before the previous checkpoint's (re-signed)", "time",
		func(f *forgery) []byte { f.cps[1].Time = f.cps[0].Time - 1; f.signed = nil; return f.bytes() }},
	{"event-time-backwards", "an event's time is before the previous event's (re-signed)", "time runs backwards",
		func(f *forgery) []byte {
			ev, _ := Decode(f.events[3])
			f.editEvent(3, fmt.Sprintf(`"time":%d`, ev.Time), fmt.Sprintf(`"time":%d`, ev.Time-1000))
			return f.bytes()
		}},
	{"unknown-type", "an event of a type this version does not define (re-signed)", "unknown type",
		func(f *forgery) []byte {
			f.editEvent(1, `"type":"member.joined"`, `"type":"member.teleported"`)
			return f.bytes()
		}},
	{"seq-wrong", "an event's seq is not its position (re-signed)", "says it is event",
		func(f *forgery) []byte { f.editEvent(4, `"seq":4,`, `"seq":5,`); return f.bytes() }},
	{"vote-on-no-proposal", "a vote on a proposal that does not exist (re-signed): Apply refuses it", "does not apply",
		func(f *forgery) []byte {
			i := f.find(`"choice":"yes"`)
			f.editEvent(i, `"proposal":1,`, `"proposal":9,`)
			return f.bytes()
		}},
	{"forged-policy-signers", "a steward's contribution replaced by treasury.policy with 1000 signers (re-signed): Apply refuses it as the command would, whether it comes alone or after a passed proposal", "signer count 1000",
		func(f *forgery) []byte {
			f.editEvent(f.find(`"memo":"tools"`), `"actor":2,"type":"treasury.contributed","data":{"entry":2,"asset":"EUR","amount":700,"memo":"tools"}`,
				`"actor":1,"type":"treasury.policy","data":{"signers":1000,"proposal":0,"change":0}`)
			return f.bytes()
		}},
	{"checkpoint-beyond-log", "the last event removed: the last checkpoint covers more events than the log holds", "covers",
		func(f *forgery) []byte { f.events = f.events[:len(f.events)-1]; return f.bytes() }},
}

func TestInvalidVectors(t *testing.T) {
	base := honestLog(t, invalidBase)
	if len(base.Checkpoints) < 2 {
		t.Fatalf("the base log has %d checkpoints; the forgeries need two", len(base.Checkpoints))
	}
	signedBase := honestLog(t, invalidSignedBase)
	dir := filepath.Join(vectorsDir, "invalid")
	for i, iv := range append(slices.Clone(invalidVectors), invalidSigVectors...) {
		base := base
		if i >= len(invalidVectors) {
			base = signedBase
		}
		t.Run(iv.name, func(t *testing.T) {
			f := &forgery{t: t, key: base.Key, signed: slicesCloneAll(base.Checkpoints)}
			f.events = slicesCloneAll(base.Events)
			for _, sn := range base.Checkpoints {
				f.cps = append(f.cps, openVectorNote(t, base.Key, sn))
			}
			b := iv.forge(f)
			files := map[string][]byte{iv.name + ".polis": b, iv.name + ".txt": []byte(iv.why + "\n")}
			if *updateVectors {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, data := range files {
					if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			for name, data := range files {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("invalid/%s is not what the forgery writes now (%v); run go test ./state -run TestInvalidVectors -update-vectors", name, err)
				}
			}
			// From the file alone, as an outside verifier reads it.
			onDisk, _ := os.ReadFile(filepath.Join(dir, iv.name+".polis"))
			x, err := ReadExport(bytes.NewReader(onDisk))
			if err == nil {
				_, err = VerifyExport(x, base.Key, nil)
			}
			if err == nil || !strings.Contains(err.Error(), iv.want) {
				t.Fatalf("%s: verify says %v, want an error with %q", iv.name, err, iv.want)
			}
		})
	}
	// The tail no checkpoint covers: it verifies, and is reported unsealed.
	t.Run("unsealed-tail", func(t *testing.T) {
		f := &forgery{t: t, key: base.Key, signed: slicesCloneAll(base.Checkpoints), events: slicesCloneAll(base.Events)}
		last, _ := Decode(f.events[len(f.events)-1])
		extra, err := Encode(Event{Seq: last.Seq + 1, Time: last.Time, Actor: 1, Body: &MemberRenamed{Member: 1, Name: "Alicia"}})
		if err != nil {
			t.Fatal(err)
		}
		f.events = append(f.events, extra)
		b := f.bytes()
		name := "unsealed-tail"
		why := "an event after the last checkpoint: no signature covers it, so it MUST NOT be reported as verified (polis verify fails unless --allow-unsealed accepts it as unauthenticated)\n"
		if *updateVectors {
			os.WriteFile(filepath.Join(dir, name+".polis"), b, 0o644)
			os.WriteFile(filepath.Join(dir, name+".txt"), []byte(why), 0o644)
		}
		got, _ := os.ReadFile(filepath.Join(dir, name+".polis"))
		gotWhy, _ := os.ReadFile(filepath.Join(dir, name+".txt"))
		if !bytes.Equal(got, b) || string(gotWhy) != why {
			t.Fatal("invalid/unsealed-tail is not what the forgery writes now; run with -update-vectors")
		}
		rep, err := VerifyExport(mustExport(t, got), base.Key, nil)
		if err != nil || rep.Unsealed != 1 {
			t.Fatalf("unsealed tail: %+v %v", rep, err)
		}
	})
}

// honestLog is the export of the log run makes.
func honestLog(t *testing.T, run func(s *script)) *Export {
	s := newScript(t)
	run(s)
	if err := s.m.Close(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := s.m.WriteExport(&log); err != nil {
		t.Fatal(err)
	}
	return mustExport(t, log.Bytes())
}

func slicesCloneAll(in [][]byte) [][]byte {
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = bytes.Clone(b)
	}
	return out
}
