package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hiddeco/sshsig"
)

// Member-signed acts (docs/events.md, "Member-signed acts"). The hub's
// log records who was logged in, not what they asked for: an act that
// carries its member's SSHSIG signature over bytes naming this hub's
// origin, the act and a per-member sequence number cannot be written by
// whoever runs the hub, and cannot be replayed on another hub, another
// proposal or later.

// MaxSigLen bounds an armoured signature (an RSA-8192 one is under 2,000).
const MaxSigLen = 4096

// prefixSigSeq holds the sequence number of the member's last signed act.
const prefixSigSeq = "s/sigseq/"

// signedAct is an event body a member may sign. signedData is the part of
// the body the member signs: the body without its signature fields, less,
// for a booking, what the hub answers rather than the member asks.
type signedAct interface {
	Body
	actSig() (sig string, seq uint64)
	setSig(sig string, seq uint64)
	actTarget() string
	signedData() any
}

func (b *VoteCast) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *VoteCast) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *VoteCast) actTarget() string             { return "proposal " + strconv.FormatUint(b.Proposal, 10) }
func (b *VoteCast) signedData() any               { c := *b; c.Sig, c.SigSeq = "", 0; return &c }

func (b *PayoutSigned) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *PayoutSigned) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *PayoutSigned) actTarget() string             { return "payout " + strconv.FormatUint(b.Payout, 10) }
func (b *PayoutSigned) signedData() any               { c := *b; c.Sig, c.SigSeq = "", 0; return &c }

func (b *DelegationSet) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *DelegationSet) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *DelegationSet) actTarget() string             { return "member " + strconv.FormatUint(b.To, 10) }
func (b *DelegationSet) signedData() any               { c := *b; c.Sig, c.SigSeq = "", 0; return &c }

func (b *ConsentGiven) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *ConsentGiven) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *ConsentGiven) actTarget() string             { return "charter " + strconv.Itoa(b.Version) }
func (b *ConsentGiven) signedData() any               { c := *b; c.Sig, c.SigSeq = "", 0; return &c }

func (b *BookingRequested) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *BookingRequested) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *BookingRequested) actTarget() string             { return "space " + strconv.FormatUint(b.Space, 10) }

// signedData of a booking is the stay asked for. Its number and status
// are the hub's answer, not the member's request (the next booking ID,
// which Apply checks; confirmed, pending or waitlisted by the space's rules
// and the beds free when it is written), so a request signed before
// someone else books still holds.
func (b *BookingRequested) signedData() any {
	return bookingAct{Space: b.Space, From: b.From, To: b.To, Beds: b.Beds}
}

type bookingAct struct {
	Space uint64 `json:"space"`
	From  string `json:"from"`
	To    string `json:"to"`
	Beds  int    `json:"beds"`
}

func (b *MemberLeft) actSig() (string, uint64)      { return b.Sig, b.SigSeq }
func (b *MemberLeft) setSig(sig string, seq uint64) { b.Sig, b.SigSeq = sig, seq }
func (b *MemberLeft) actTarget() string             { return "member " + strconv.FormatUint(b.Member, 10) }
func (b *MemberLeft) signedData() any               { c := *b; c.Sig, c.SigSeq = "", 0; return &c }

// SigNamespace is the SSHSIG namespace of a hub's acts.
func SigNamespace(origin string) string { return "polis@" + origin }

// ActBytes returns the exact bytes a member signs for body b.
func ActBytes(origin string, member, seq uint64, b Body) ([]byte, error) {
	a, ok := b.(signedAct)
	if !ok {
		return nil, fmt.Errorf("a %s cannot be signed", typeOf(b))
	}
	data, err := json.Marshal(a.signedData())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "polis act 1\norigin %s\nmember %d\nseq %d\nact %s\ntarget %s\ndata %s\n",
		origin, member, seq, b.EventType(), a.actTarget(), normalizeLists(data))
	return buf.Bytes(), nil
}

// NextSigSeq is the sequence number the member's next signed act carries.
func NextSigSeq(r Reader, member uint64) uint64 {
	b, ok := r.Get(idKey(prefixSigSeq, member))
	if !ok {
		return 1
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: idKey(prefixSigSeq, member), err: err})
	}
	return n + 1
}

// hubOrigin is the origin the log named for itself (hub.origin).
func hubOrigin(r Reader) (string, error) {
	h, ok := GetHub(r)
	if !ok || h.Origin == "" {
		return "", errors.New("this hub's log does not name its origin yet, so it cannot take signed acts")
	}
	return h.Origin, nil
}

// ParseSig reads an armoured SSHSIG signature and returns it in the one
// armour polis stores, so one signature has one byte string in the log.
func ParseSig(armoured string) (*sshsig.Signature, string, error) {
	if len(armoured) > MaxSigLen {
		return nil, "", errors.New("signature: too long")
	}
	s, err := sshsig.Unarmor([]byte(strings.TrimSpace(armoured) + "\n"))
	if err != nil {
		return nil, "", errors.New("signature: not an armoured SSH signature (ssh-keygen -Y sign)")
	}
	return s, string(sshsig.Armor(s)), nil
}

// checkActSig checks a signed act against the state before it: the
// armour is canonical, the key is one the actor holds now, the sequence
// number is the actor's next, and the signature is over exactly this act's
// bytes in this hub's namespace. It returns the key's fingerprint.
func checkActSig(r Reader, actor uint64, a signedAct) (string, error) {
	sig, seq := a.actSig()
	if sig == "" && seq == 0 {
		return "", nil
	}
	s, canon, err := ParseSig(sig)
	if err != nil {
		return "", err
	}
	if canon != sig {
		return "", errors.New("signature: armour is not in canonical form")
	}
	fp := Fingerprint(s.PublicKey)
	if m, ok := MemberByFingerprint(r, fp); !ok || m.ID != actor || actor == 0 {
		return "", fmt.Errorf("signature: key %s is not a key member %d holds", fp, actor)
	}
	if want := NextSigSeq(r, actor); seq != want {
		return "", fmt.Errorf("signature: sequence number %d, member %d's next is %d (a replayed or out-of-order act)", seq, actor, want)
	}
	origin, err := hubOrigin(r)
	if err != nil {
		return "", err
	}
	msg, err := ActBytes(origin, actor, seq, a)
	if err != nil {
		return "", err
	}
	ns := SigNamespace(origin)
	if s.Namespace != ns {
		return "", fmt.Errorf("signature: namespace %q, this hub's is %q", s.Namespace, ns)
	}
	if err := sshsig.Verify(bytes.NewReader(msg), s, s.PublicKey, s.HashAlgorithm, ns); err != nil {
		return "", errors.New("signature: does not verify over this act's bytes (`--print-act` shows them)")
	}
	return fp, nil
}

// applyActSig is Apply's check of a signed act, and the sequence number
// it uses up; unsigned acts pass (attested by the hub alone).
func applyActSig(w Writer, ev Event) error {
	a, ok := ev.Body.(signedAct)
	if !ok {
		return nil
	}
	if _, err := checkActSig(w, ev.Actor, a); err != nil {
		return err
	}
	if _, seq := a.actSig(); seq != 0 {
		w.Set(idKey(prefixSigSeq, ev.Actor), []byte(strconv.FormatUint(seq, 10)))
	}
	return nil
}

// signBody attaches a member's signature to the body a command decided,
// refusing it as Apply would.
func signBody(r Reader, actor uint64, b Body, sig string) error {
	if sig == "" {
		return nil
	}
	a, ok := b.(signedAct)
	if !ok {
		return fmt.Errorf("a %s cannot be signed", typeOf(b))
	}
	_, canon, err := ParseSig(sig)
	if err != nil {
		return err
	}
	a.setSig(canon, NextSigSeq(r, actor))
	_, err = checkActSig(r, actor, a)
	return err
}

// IsMemberSigned reports whether an event carries its member's signature.
func IsMemberSigned(b Body) bool {
	a, ok := b.(signedAct)
	if !ok {
		return false
	}
	sig, _ := a.actSig()
	return sig != ""
}

// actCommand is a command whose act a member may sign: unsignedAct is
// the act Decide makes, checked as Decide checks it, before the signature
// (and before any rule that requires one).
type actCommand interface {
	Command
	unsignedAct(r Reader, env Env) (actor uint64, act Body, err error)
}

// decideSigned is the act c makes with sig on it: the one path every
// signable command's Decide takes, so the act signed is the act checked.
func decideSigned(r Reader, env Env, c actCommand, sig string) (uint64, Body, error) {
	id, b, err := c.unsignedAct(r, env)
	if err != nil {
		return 0, nil, err
	}
	if err := signBody(r, id, b, sig); err != nil {
		return 0, nil, err
	}
	return id, b, nil
}

// ActToSign is what a member signs for command c: its act with the
// member's next sequence number, as ActBytes lays it out.
func ActToSign(r Reader, env Env, c Command) ([]byte, error) {
	ac, ok := c.(actCommand)
	if !ok {
		return nil, errors.New("this command makes no act a member can sign")
	}
	actor, b, err := ac.unsignedAct(r, env)
	if err != nil {
		return nil, err
	}
	origin, err := hubOrigin(r)
	if err != nil {
		return nil, err
	}
	return ActBytes(origin, actor, NextSigSeq(r, actor), b)
}

// ActToSign is ActToSign over the hub's current state, at time now.
func (h *Hub) ActToSign(a Actor, now int64, c Command) (out []byte, err error) {
	err = h.View(func(r Reader) error {
		out, err = ActToSign(r, Env{Time: now, Actor: a}, c)
		return err
	})
	return out, err
}

// ActOrigin is the origin an act's bytes name, for a signing tool to pick
// the namespace; it checks only the header ActBytes writes.
func ActOrigin(act []byte) (string, error) {
	rest, ok := bytes.CutPrefix(act, []byte("polis act 1\norigin "))
	if !ok || !bytes.HasSuffix(act, []byte("\n")) {
		return "", errors.New("not the bytes of a polis act (get them with --print-act)")
	}
	origin, _, _ := bytes.Cut(rest, []byte("\n"))
	if err := checkOrigin(string(origin)); err != nil {
		return "", err
	}
	return string(origin), nil
}

// WithActSig returns c carrying the member's armoured signature sig, for
// the commands whose act a member may sign; ok is false for the others.
func WithActSig(c Command, sig string) (_ Command, ok bool) {
	switch x := c.(type) {
	case CastVote:
		x.Sig = sig
		return x, true
	case Delegate:
		x.Sig = sig
		return x, true
	case Consent:
		x.Sig = sig
		return x, true
	case SignPayout:
		x.Sig = sig
		return x, true
	case Book:
		x.Sig = sig
		return x, true
	case Leave:
		x.Sig = sig
		return x, true
	}
	return c, false
}

// SigRequiredError refuses an unsigned act where the rules require the
// member's signature. What says which act (the door adds its own How:
// a command's flags, or the app's way to sign).
type SigRequiredError struct{ What, How string }

func (e *SigRequiredError) Error() string { return e.What + ": " + e.How }

// needsSig refuses an unsigned vote on a proposal whose rules ask for
// signed votes (the rules it opened under, so a later change does not
// alter a running vote).
func needsSig(p Proposal, v *VoteCast) error {
	if p.Rules.SignedVotes && v.Sig == "" {
		return &SigRequiredError{What: fmt.Sprintf("proposal %d takes only member-signed votes", p.ID),
			How: fmt.Sprintf("vote %d CHOICE --print-act, sign the bytes, then --sig -", p.ID)}
	}
	return nil
}

// needsCosignSig refuses an unsigned co-signature of a payout ordered by
// a spend proposal whose rules (fixed when it opened) ask for signed
// co-signatures. Payouts a ruling orders (proposal 0) have no such rule.
func needsCosignSig(r Reader, p Payout, b *PayoutSigned) error {
	if p.Proposal == 0 || b.Sig != "" {
		return nil
	}
	if prop, ok := GetProposal(r, p.Proposal); ok && prop.Rules.SignedCosigns {
		return &SigRequiredError{What: fmt.Sprintf("payout %d takes only member-signed co-signatures", p.ID),
			How: fmt.Sprintf("treasury sign %d --print-act, sign the bytes, then --sig - (or --sign with ssh -A)", p.ID)}
	}
	return nil
}
