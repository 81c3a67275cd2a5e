package state

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polis-hub/polis/chain"
)

// vectorValidator is a validator whose key is derived from its name, so
// that its cosignatures are byte-exact.
type vectorValidator struct {
	name string
	key  ed25519.PrivateKey
}

func newVectorValidator(name string) vectorValidator {
	seed := sha256.Sum256([]byte("polis-vector-validator\x00" + name))
	return vectorValidator{name: name, key: ed25519.NewKeyFromSeed(seed[:])}
}

// vkey is its cosignature/v1 verifier key (c2sp.org/tlog-cosignature):
// name+hash+base64(0x04 || key).
func (v vectorValidator) vkey() string {
	k := append([]byte{0x04}, v.key.Public().(ed25519.PublicKey)...)
	return fmt.Sprintf("%s+%08x+%s", v.name, v.keyHash(), base64.StdEncoding.EncodeToString(k))
}

func (v vectorValidator) keyHash() uint32 {
	h := sha256.Sum256(append([]byte(v.name+"\n\x04"), v.key.Public().(ed25519.PublicKey)...))
	return binary.BigEndian.Uint32(h[:4])
}

// cosign is its cosignature/v1 line over checkpoint text, timestamped
// with the checkpoint's own time (a vector draws nothing from a clock).
func (v vectorValidator) cosign(text string, t int64) string {
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, text)
	sig := make([]byte, 4, 4+8+ed25519.SignatureSize)
	binary.BigEndian.PutUint32(sig, v.keyHash())
	sig = binary.BigEndian.AppendUint64(sig, uint64(t))
	sig = append(sig, ed25519.Sign(v.key, []byte(msg))...)
	return "— " + v.name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
}

// scenarioReplicated is a replicated hub's log: its genesis names four
// validators, every checkpoint carries the cosignatures of more than two
// thirds of the power in force, requests carry the node that relayed
// them, and a passed proposal seats a fifth validator.
func scenarioReplicated(s *script) {
	s.do("", CreateHub{Name: "Four stewards"})
	var seats []ValidatorSeat
	for i := range 4 {
		v := newVectorValidator(fmt.Sprintf("node%d.vectors.polis.example/hub", i))
		s.validators = append(s.validators, v)
		seats = append(seats, ValidatorSeat{Name: v.name, Key: v.vkey(), Power: 10})
	}
	s.do("", SetValidators{Validators: seats})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	s.seal()
	s.join("alice", "bob")
	// Requests as the nodes relayed them: each led by node.relayed, the
	// transaction the receiving node signed.
	id := s.relayed("bob", 1, NewProposal{Kind: KindText, Title: "Four machines", Body: "One in each city."})[1].Body.(*ProposalCreated).Proposal
	s.relayed("alice", 2, CastVote{ID: id, Ballot: yes("yes")})
	s.relayed("bob", 3, CastVote{ID: id, Ballot: yes("yes")})
	s.days(8)
	// A fifth steward's node is seated by a passed validator proposal;
	// from then on a checkpoint needs more than two thirds of 50.
	v := newVectorValidator("node4.vectors.polis.example/hub")
	s.validators = append(s.validators, v)
	seat := ValidatorSeat{Name: v.name, Key: v.vkey(), Power: 10}
	vid := s.propose("alice", NewProposal{Kind: KindValidator, Title: "A fifth machine", Body: "In Lagos.", Action: Action{Validator: &seat}})
	s.vote(vid, "yes", "alice", "bob")
	s.days(15)
	s.do("bob", Rename{Name: "Bob"})
}

// relayed submits c for name as validator node relayed it: the signed
// part of the transaction replica.Seal makes (the signature, then the
// JSON payload naming the command's body by its hash).
func (s *script) relayed(name string, node int, c Command) []Event {
	s.t.Helper()
	v := s.validators[node]
	cmd, body, err := EncodeCommand(c)
	if err != nil {
		s.t.Fatal(err)
	}
	addr := ValidatorAddress(v.key.Public().(ed25519.PublicKey))
	sum := sha256.Sum256(body)
	payload, _ := json.Marshal(map[string]any{"kind": "cmd", "node": addr, "time": s.clk.t.UnixMilli(),
		"nonce": len(s.m.Published().Head.Note), "key": s.who(name).Key, "cmd": cmd, "body_sha256": hex.EncodeToString(sum[:])})
	signed := append(ed25519.Sign(v.key, payload), payload...)
	return s.do(name, Relayed{Cmd: c, Node: addr, Tx: signed})
}

// cosignFrames are the cosigned frames of a replicated vector: every
// validator but node3 cosigns each checkpoint (three of the first four;
// four of five once node4 is seated, whose earlier lines count for
// nothing).
func (s *script) cosignFrames(checkpoints [][]byte) []Cosignatures {
	var out []Cosignatures
	for _, signed := range checkpoints {
		text, _, _ := strings.Cut(string(signed), "\n\n")
		text += "\n"
		c, err := chain.ParseCheckpoint([]byte(text))
		if err != nil {
			s.t.Fatal(err)
		}
		var lines bytes.Buffer
		for i, v := range s.validators {
			if i != 3 {
				lines.WriteString(v.cosign(text, c.Time))
			}
		}
		out = append(out, Cosignatures{Height: c.Height, Lines: lines.Bytes()})
	}
	return out
}

// TestReplicatedQuorumVector keeps the invalid vector of a replicated log
// whose last checkpoint carries three cosignatures of five validators: 30
// of 50 power, not more than two thirds (three of the first four were
// enough before the fifth was seated).
func TestReplicatedQuorumVector(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join(vectorsDir, "valid", "replicated", "log.polis"))
	if err != nil {
		t.Fatal(err)
	}
	x := mustExport(t, valid)
	last := int64(len(x.Checkpoints))
	lines := x.Cosigned[last]
	i := bytes.IndexByte(lines, '\n')
	short := lines[i+1:]
	frame := fmt.Sprintf("cosigned %d %d\n%s\n", last, len(lines), lines)
	forged := bytes.Replace(valid, []byte(frame), []byte(fmt.Sprintf("cosigned %d %d\n%s\n", last, len(short), short)), 1)
	if bytes.Equal(forged, valid) {
		t.Fatal("the last checkpoint's frame was not found")
	}
	keepInvalid(t, "replicated-short-quorum", "a replicated log whose last checkpoint is cosigned by three of its five validators (30 of 50 power): a checkpoint MUST be cosigned by more than two thirds of the power of the validator set in force at it\n",
		forged, x.Key, "not cosigned by more than two thirds")
}

// TestRelayedForgeryVector keeps the invalid vector of a node.relayed
// event whose transaction is claimed for another validator than the one
// that signed it.
func TestRelayedForgeryVector(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join(vectorsDir, "valid", "replicated", "log.polis"))
	if err != nil {
		t.Fatal(err)
	}
	x := mustExport(t, valid)
	f := &forgery{t: t, key: x.Key, events: slicesCloneAll(x.Events)}
	for _, sn := range x.Checkpoints {
		f.cps = append(f.cps, openVectorNote(t, x.Key, sn))
	}
	i := f.find(`"type":"node.relayed"`)
	ev, _ := Decode(f.events[i])
	signer := ev.Body.(*NodeRelayed).Node
	other := ValidatorAddress(newVectorValidator("node0.vectors.polis.example/hub").key.Public().(ed25519.PublicKey))
	f.editEvent(i, `"node":"`+signer+`"`, `"node":"`+other+`"`)
	forged := f.bytes()
	keepInvalid(t, "relayed-other-node", "a node.relayed event naming validator node0 for a transaction node1 signed: the transaction MUST verify under the named validator's key\n",
		forged, x.Key, "not signed by node")
}

// keepInvalid keeps invalid vector name (its forged log, and why in its
// .txt) in agreement with what the test forges, and checks that verify
// refuses the file with an error holding want.
func keepInvalid(t *testing.T, name, why string, forged []byte, key, want string) {
	t.Helper()
	dir := filepath.Join(vectorsDir, "invalid")
	if *updateVectors {
		os.WriteFile(filepath.Join(dir, name+".polis"), forged, 0o644)
		os.WriteFile(filepath.Join(dir, name+".txt"), []byte(why), 0o644)
	}
	got, _ := os.ReadFile(filepath.Join(dir, name+".polis"))
	gotWhy, _ := os.ReadFile(filepath.Join(dir, name+".txt"))
	if !bytes.Equal(got, forged) || string(gotWhy) != why {
		t.Fatalf("invalid/%s is not what the forgery writes now; run with -update-vectors", name)
	}
	_, err := VerifyExport(mustExport(t, got), key, nil)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: verify says %v", name, err)
	}
}
