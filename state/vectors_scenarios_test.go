package state

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"
	"time"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state/tally"
)

// scenario is one valid vector: a named sequence of commands.
type scenario struct {
	name, doc string
	run       func(s *script)
}

var decimalRE = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

func openVectorNote(t *testing.T, vkey string, signed []byte) chain.Checkpoint {
	t.Helper()
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Open(signed, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scenarios are the valid vectors, in the order docs/events.md lists them.
// Each is a story told with commands, never with event bytes: when an
// event's form changes the vectors are regenerated from the same stories.
var scenarios = []scenario{
	{name: "members", doc: "a hub is created; a founding steward; invites created, used and revoked; applications approved and rejected; a key offered and confirmed, keys renamed and removed, an offer left pending; names, listing, countries; roles granted and revoked by command; free text with escapes", run: scenarioMembers},
	{name: "proposals", doc: "text proposals passed, rejected, expired and cancelled; comments; a vote replaced; delegation for one kind and for all, a delegate's vote counting for the delegator, a delegation revoked; roles granted and revoked by passed role proposals; an expel proposal", run: scenarioProposals},
	{name: "methods", doc: "approval (passed; expired without quorum), ranked choice (a first-round majority; an IRV elimination tie broken by earlier rounds and then by the highest option index; zero-count options eliminated together; a delegate's ranking carried) and score (passed; rejected when every score is zero)", run: scenarioMethods},
	{name: "rules", doc: "rules set at once when they strengthen a kind; a weakening change scheduled, cancelled by a later one, applied at its time; a passed rules proposal cancelling a steward's waiting change; proposals opened under each rule set keep it", run: scenarioRules},
	{name: "charter", doc: "the first charter set with the steward's consent; joining and applying with consent; a charter proposal passed, adopting version 2; consent to the new version", run: scenarioCharter},
	{name: "treasury", doc: "assets added; contributions and a reversal; the co-signature policy raised at once and lowered by time lock; a spend proposal's payout co-signed by two treasurers; allowances to a member and to a role, spent, reset by the hub and by a spend in a new period; restitution caps lowered at once and raised by time lock", run: scenarioTreasury},
	{name: "housing", doc: "spaces added by a steward and by a passed space proposal, retired by command and by proposal; bookings confirmed, pending then approved or refused, cancelled, waitlisted and promoted", run: scenarioHousing},
	{name: "disputes", doc: "cases filed, with statements; claimed, recused and claimed again; a private note with a fixed salt; ruled with restitution (a booking cancelled, a payout under the cap, a spend proposal above it); appealed, a jury drawn from the next checkpoint and its majority; a case withdrawn; expulsion by a jury", run: scenarioDisputes},
	{name: "empty-jury", doc: "an appeal with nobody left to sit on the jury (parties and the ruling moderator are excluded): the draw records no jurors, a null list, and the ruling stands", run: scenarioEmptyJury},
	{name: "campaigns", doc: "pledge campaigns created, pledged to, unpledged; one closes succeeding (its pledges become contributions) and is tied to a passed space proposal; one closes failing", run: scenarioCampaigns},
	{name: "witnessing", doc: "the hub's witness watches two logs and stops watching one; the hub asks two witnesses to cosign its checkpoints and drops one; a member granted every role, out of order; a balance reversed back to zero (kept as 0); a slash in a memo", run: scenarioWitnessing},
	{name: "leaving", doc: "members leave: open votes withdrawn, delegations revoked, future bookings cancelled with a waitlisted stay promoted, pledges withdrawn; one leaves anonymously and their name is released", run: scenarioLeaving},
	{name: "replicated", doc: "a replicated hub's genesis names four validators (validators.set); requests led by the node.relayed transaction of the node that carried them; a validator proposal seats a fifth (validators.changed); every checkpoint carries cosignatures from more than two thirds of the power in force at it (three of four, then four of five)", run: scenarioReplicated},
	{name: "signed", doc: "the hub names its origin; votes signed by their members (SSHSIG, namespace polis@ORIGIN) beside an unsigned one; a vote replaced under the next sequence number, signed with the member's second key; text proposals then require signed votes (rules signed_votes); spend rules requiring signed co-signatures (signed_cosigns) and a payout co-signed and paid by the treasurers' own keys; a signed delegation; a signed consent to the charter", run: scenarioSigned},
}

// Free text in every field kind carries the escapes a verifier must get
// right: quotes, backslash, <>& (which the encoder writes as \u003c,
// \u003e, \u0026), U+2028 and U+2029 (written \u2028, \u2029), emoji with
// a joiner, CJK and right-to-left letters; multi-line fields add \n and
// \t.
const (
	escLine = "\"q\" \\ <b>&amp; 🏠👩‍👧 日本語 שלום عربي \u2028\u2029."
	escText = "Line one: " + escLine + "\n\tindented\n\n- item <i>x</i> & \"y\""
)

func (s *script) id(name string) uint64 {
	id, ok := s.ids[name]
	if !ok {
		s.t.Fatalf("no member %q", name)
	}
	return id
}

// propose opens a proposal and returns its ID.
func (s *script) propose(name string, c NewProposal) uint64 {
	s.t.Helper()
	return s.do(name, c)[0].Body.(*ProposalCreated).Proposal
}

// vote casts the same yes/no choice for every name.
func (s *script) vote(id uint64, choice string, names ...string) {
	s.t.Helper()
	for _, n := range names {
		s.do(n, CastVote{ID: id, Ballot: tally.Ballot{Choice: choice}})
	}
}

// ballot casts one ballot.
func (s *script) ballot(name string, id uint64, b tally.Ballot) {
	s.t.Helper()
	s.do(name, CastVote{ID: id, Ballot: b})
}

// days moves the clock on by n days and runs what fell due.
func (s *script) days(n int) { s.wait(time.Duration(n) * 24 * time.Hour) }

// offerKey offers holder's key for member; the code is derived from the
// holder's name, as nothing random may enter a vector.
func (s *script) offerKey(member, holder, keyName string) string {
	s.t.Helper()
	code := HashKeyCode("key-code-for-" + holder)
	s.do(member, AddKey{Key: s.who(holder).Key, Name: keyName, CodeHash: code})
	return code
}

// seal signs a checkpoint over what is unsealed, as the hub's timer does.
func (s *script) seal() {
	s.t.Helper()
	if err := s.m.Seal(); err != nil {
		s.t.Fatal(err)
	}
}

// fixedSalt is a private note's salt, derived from a label.
func fixedSalt(label string) string {
	sum := sha256.Sum256([]byte("vector-salt-" + label))
	return hex.EncodeToString(sum[:])
}

// founding creates a hub with alice as its steward and the named members.
func (s *script) founding(hub string, names ...string) {
	s.t.Helper()
	s.do("", CreateHub{Name: hub})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	for _, n := range names {
		s.join("alice", n)
	}
}

// advance moves the clock on without running what fell due: a command
// may come before the hub's timer.
func (s *script) advance(d time.Duration) { s.clk.t = s.clk.t.Add(d) }
