package state

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Tests for issue #16 (the hub holds against one bad actor), the
// governance half: each names the abuse it shuts.

// pass votes yes on proposal id as each of who, then lets its deadline
// pass and the hub close it.
func (f *govFixture) pass(id uint64, who ...string) {
	f.t.Helper()
	for _, n := range who {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("yes")})
	}
	p := f.proposal(id)
	f.clk.t = time.UnixMilli(p.Deadline).Add(time.Minute)
	f.h.CloseDue(f.ctx)
	if p = f.proposal(id); p.State != PropExecuted && p.State != PropPassed {
		f.t.Fatalf("proposal %d is %s", id, p.State)
	}
}

func (f *govFixture) proposal(id uint64) (p Proposal) {
	f.t.Helper()
	var ok bool
	_ = f.s.View(func(r Reader) error { p, ok = GetProposal(r, id); return nil })
	if !ok {
		f.t.Fatalf("no proposal %d", id)
	}
	return p
}

func (f *govFixture) member(name string) (m Member) {
	f.t.Helper()
	_ = f.s.View(func(r Reader) error { m, _ = GetMember(r, f.ids[name]); return nil })
	return m
}

// forged replays the log so far into memory and applies one hand-made
// event by actor, as a forged log would carry it: Apply must refuse it
// with an error containing want.
func (f *govFixture) forged(actor string, body Body, want string) {
	f.t.Helper()
	var buf bytes.Buffer
	if err := f.s.WriteExport(&buf); err != nil {
		f.t.Fatal(err)
	}
	x, err := ReadExport(&buf)
	if err != nil {
		f.t.Fatal(err)
	}
	st := NewMemState()
	for _, b := range x.Events {
		ev, err := Decode(b)
		if err == nil {
			err = Apply(st, ev)
		}
		if err != nil {
			f.t.Fatal(err)
		}
	}
	ev := Event{Seq: uint64(len(x.Events)), Time: f.clk.t.UnixMilli(), Actor: f.ids[actor], Body: body}
	if err := Apply(st, ev); err == nil || !strings.Contains(err.Error(), want) {
		f.t.Fatalf("forged %s by %s: %v, want %q", body.EventType(), actor, err, want)
	}
}

func (f *govFixture) propose(who string, c NewProposal) uint64 {
	f.t.Helper()
	return f.do(who, c)[0].Body.(*ProposalCreated).Proposal
}

// An expelled steward is no steward: the last active one cannot revoke
// themselves because an expelled one still holds the role on paper.
func TestLastActiveStewardStays(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward, Grant: true})
	id := f.propose("carol", NewProposal{Kind: KindExpel, Title: "Expel bob", Action: Action{Member: f.ids["bob"]}})
	f.pass(id, "alice", "carol", "dave")
	if m := f.member("bob"); !m.Expelled || !m.HasRole(RoleSteward) {
		t.Fatalf("bob %+v", m)
	}
	f.refuse("alice", SetRole{Member: f.ids["alice"], Role: RoleSteward}, "cannot revoke the last steward")
	// The expelled steward's role can go: it counts for nothing.
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward})
}

// A moderator whose role was revoked no longer rules (or suspends anyone)
// on the cases they claimed; another moderator takes the case over.
func TestRevokedModeratorCannotRule(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["alice"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.refuse("alice", CaseAction{ID: id, Action: "claim"}, "claimed")
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator})
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeSuspension, SuspendDays: 30}, "no longer a moderator")
	f.refuse("carol", Rule{ID: id, Outcome: OutcomeWarning}, "no longer a moderator")
	if f.member("dave").SuspendedUntil != 0 {
		t.Fatal("dave was suspended")
	}
	f.forged("carol", &CaseRuled{Case: id, Outcome: OutcomeSuspension, SuspendDays: 30}, "may not rule")
	f.do("alice", CaseAction{ID: id, Action: "claim"})
	f.do("alice", Rule{ID: id, Outcome: OutcomeWarning, Reason: "keep it down"})
}

// Application spam: 10,000 applications from as many keys. The hub takes
// MaxApplicationsPerWindow an hour and holds MaxPendingApplications; every
// other attempt is refused, writes nothing, and the hub's heap does not
// grow with the attempts. Stewards read the queue a page at a time.
func TestApplicationFloodIsCapped(t *testing.T) {
	f := newGov(t)
	const attempts, rounds = 10_000, 10
	accepted, rate, capped := 0, 0, 0
	var heap [rounds]uint64
	for round := range rounds {
		f.clk.t = f.clk.t.Add(time.Hour)
		errs := make([]error, attempts/rounds)
		parallelDo(len(errs), 32, func(i int) {
			a := testActor(t, fmt.Sprintf("flood-%d-%d", round, i))
			_, errs[i] = f.s.Submit(f.ctx, a, ApplyToJoin{Name: fmt.Sprintf("f%d-%d", round, i), Text: strings.Repeat("x", MaxAppTextLen)})
		})
		for _, err := range errs {
			switch {
			case err == nil:
				accepted++
			case strings.Contains(err.Error(), "at most 30 applications an hour"):
				rate++
			case strings.Contains(err.Error(), "100 applications are waiting"):
				capped++
			default:
				t.Fatalf("refusal: %v", err)
			}
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap[round] = ms.HeapAlloc
	}
	if accepted != MaxPendingApplications || rate+capped != attempts-accepted || rate == 0 || capped == 0 {
		t.Fatalf("accepted %d, refused by rate %d, by the cap %d", accepted, rate, capped)
	}
	// Five rounds (5,000 attempts) after the queue filled: no growth
	// beyond noise.
	if grew := int64(heap[rounds-1]) - int64(heap[4]); grew > 16<<20 {
		t.Fatalf("heap grew %d bytes over 5,000 refused applications", grew)
	}
	if size := f.s.Size(); size > 200 {
		t.Fatalf("log holds %d events", size)
	}
	// Only stewards read the queue, a page at a time.
	if _, err := f.h.ApplicationsFor(f.ppl["bob"], ApplicationQuery{}); err == nil || !strings.Contains(err.Error(), "only stewards") {
		t.Fatalf("bob reads applications: %v", err)
	}
	p1, err := f.h.ApplicationsFor(f.ppl["alice"], ApplicationQuery{})
	if err != nil || len(p1.Applications) != DefaultApplicationPage || p1.Next != p1.Applications[49].ID {
		t.Fatalf("page 1: %d, next %d, %v", len(p1.Applications), p1.Next, err)
	}
	p2, err := f.h.ApplicationsFor(f.ppl["alice"], ApplicationQuery{After: p1.Next, Limit: 60})
	if err != nil || len(p2.Applications) != 50 || p2.Next != 0 || p2.Applications[0].ID <= p1.Next {
		t.Fatalf("page 2: %d, next %d, %v", len(p2.Applications), p2.Next, err)
	}
	if _, err := f.h.ApplicationsFor(f.ppl["alice"], ApplicationQuery{Limit: MaxApplicationPage + 1}); err == nil {
		t.Fatal("a page over the limit")
	}
	// Deciding one makes room for one more.
	f.do("alice", DecideApplication{ID: p1.Applications[0].ID})
	f.clk.t = f.clk.t.Add(time.Hour)
	if _, err := f.s.Submit(f.ctx, testActor(t, "late"), ApplyToJoin{Name: "late"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Submit(f.ctx, testActor(t, "later"), ApplyToJoin{Name: "later"}); err == nil || !strings.Contains(err.Error(), "waiting") {
		t.Fatalf("past the cap: %v", err)
	}
}

// parallelDo runs fn(0..n-1) on workers goroutines.
func parallelDo(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// keys add needs proof of possession: an offered key is added only when a
// session that logged in with it confirms the code. Someone else's public
// key (from GitHub, say) cannot be squatted, and a certificate, which can
// never log in, is refused.
func TestKeyNeedsProofOfPossession(t *testing.T) {
	f := newGov(t)
	victim, laptop := testActor(t, "victim"), testActor(t, "laptop")
	code, o, err := f.h.OfferKey(f.ctx, f.ppl["bob"], victim.Key+" victim@github", "")
	if err != nil || o.Name != "victim@github" || o.Fingerprint != victim.Fingerprint {
		t.Fatalf("offer: %+v %v", o, err)
	}
	// The offer alone does nothing: the key is still nobody's, and its
	// owner can still apply (or join) with it.
	if _, ok, _ := f.h.Whoami(victim.Fingerprint); ok {
		t.Fatal("an offered key logs in")
	}
	f.clk.t = f.clk.t.Add(time.Hour)
	if _, err := f.s.Submit(f.ctx, victim, ApplyToJoin{Name: "victim"}); err != nil {
		t.Fatalf("the key's owner cannot apply: %v", err)
	}
	// Only the key itself confirms, and only with the code.
	f.refuse("bob", ConfirmKey{CodeHash: HashKeyCode(code)}, "already belongs to member")
	if _, err := f.s.Submit(f.ctx, laptop, ConfirmKey{CodeHash: HashKeyCode(code)}); err == nil || !strings.Contains(err.Error(), "that code confirms key") {
		t.Fatalf("another key confirms: %v", err)
	}
	f.forged("bob", &KeyAdded{Member: f.ids["bob"], Key: laptop.Key, Name: "x"}, "was not offered")
	// bob's real second key: offered, confirmed by itself, then it works.
	code, _, err = f.h.OfferKey(f.ctx, f.ppl["bob"], laptop.Key, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Submit(f.ctx, laptop, ConfirmKey{CodeHash: HashKeyCode("nope-nope-nope-nope")}); err == nil || !strings.Contains(err.Error(), "no key is waiting") {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := f.s.Submit(f.ctx, laptop, ConfirmKey{CodeHash: HashKeyCode(strings.ToUpper(code))}); err != nil {
		t.Fatal(err)
	}
	if m, ok, _ := f.h.Whoami(laptop.Fingerprint); !ok || m.ID != f.ids["bob"] {
		t.Fatalf("laptop is %+v %v", m, ok)
	}
	if _, ok, _ := f.h.KeyOfferOf(f.ids["bob"]); ok {
		t.Fatal("the offer outlives its confirmation")
	}
	// A code lapses after a day.
	spare := testActor(t, "spare")
	code, _, err = f.h.OfferKey(f.ctx, f.ppl["carol"], spare.Key, "spare")
	if err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(25 * time.Hour)
	if _, err := f.s.Submit(f.ctx, spare, ConfirmKey{CodeHash: HashKeyCode(code)}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("a lapsed code: %v", err)
	}
	// Certificates never log in, so they are never keys.
	f.refuse("carol", AddKey{Key: testCert(t, spare), CodeHash: HashKeyCode("c")}, "certificate")
}

// testCert returns an OpenSSH certificate for a's key, in authorized_keys
// form, signed by a throwaway CA.
func testCert(t *testing.T, a Actor) string {
	t.Helper()
	pk, _, _, _, err := gossh.ParseAuthorizedKey([]byte(a.Key))
	if err != nil {
		t.Fatal(err)
	}
	seed := sha256.Sum256([]byte("polis-test-ca"))
	ca, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	cert := &gossh.Certificate{Key: pk, CertType: gossh.UserCert, ValidPrincipals: []string{"x"}, ValidBefore: gossh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	return string(gossh.MarshalAuthorizedKey(cert))
}

// A private note's public commitment is salted: hashing a guess of the
// text (plain, or with any salt but the private one) finds nothing, and
// the same text noted twice commits to two unrelated hashes.
func TestNoteCommitmentIsSalted(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	const text = "no action"
	h1 := f.do("carol", NewPrivateNote(id, text))[0].Body.(*CaseNoted).Hash
	h2 := f.do("carol", NewPrivateNote(id, text))[0].Body.(*CaseNoted).Hash
	plain := sha256.Sum256([]byte(text))
	if h1 == h2 || h1 == hex.EncodeToString(plain[:]) || h1 == noteHash(make([]byte, 32), text) {
		t.Fatalf("guessable commitments %s %s", h1, h2)
	}
	f.refuse("carol", AddPrivateNote{ID: id, Body: text}, "salt")
	f.refuse("carol", AddPrivateNote{ID: id, Body: text, Salt: "abcd"}, "salt")
	notes, err := f.h.PrivateNotes(id, f.ppl["carol"])
	if err != nil || len(notes) != 2 || notes[0].Text != text || len(notes[0].Salt) != 64 {
		t.Fatalf("notes %+v %v", notes, err)
	}
	// The moderator can check the commitment from what they read.
	salt, _ := hex.DecodeString(notes[0].Salt)
	if noteHash(salt, notes[0].Text) != h1 {
		t.Fatal("the salt and text do not give the commitment")
	}
}

// The steward-alone drain, as reproduced on main in about 80 seconds:
// rules at 0% with a 1-minute period, one signer, a sock puppet made
// treasurer, a spend proposal to themselves, voted, signed by the puppet.
// Each step that needs a time lock now waits for one members can see, the
// floors refuse the rest, and after the 80 seconds the treasury is whole.
func TestStewardAloneCannotDrain(t *testing.T) {
	f := newGov(t)
	start := f.clk.t
	f.do("bob", Contribute{Asset: "USD", Amount: 500000})
	// 1. Rules to nothing: refused outright by the floor.
	f.refuse("alice", SetRules{Rules: KindRules{Kind: KindSpend, PeriodMS: 60_000, QuorumBP: 0, ThresholdBP: 0}}, "floor")
	// At the floor it is a weakening: scheduled, not in force.
	floor, _ := RulesFloor(KindSpend)
	evs := f.do("alice", SetRules{Rules: floor})
	if len(evs) != 1 || evs[0].Body.EventType() != "change.scheduled" {
		t.Fatalf("weakening the spend rules: %v", evs)
	}
	var spend KindRules
	_ = f.s.View(func(r Reader) error { spend, _ = RulesFor(r, KindSpend); return nil })
	if spend != defaultRules[KindSpend] {
		t.Fatalf("spend rules changed at once: %+v", spend)
	}
	// 2. One signer: scheduled too.
	f.do("alice", SetPolicy{Signers: 1})
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 2 {
		t.Fatalf("policy changed at once: %+v", p)
	}
	f.forged("alice", &PolicySet{Signers: 1}, "time lock")
	f.forged("alice", &RulesSet{Rules: floor}, "scheduled change")
	cs, _ := f.h.ScheduledChanges()
	if len(cs) != 2 || cs[0].Due != start.Add(TimeLockMS*time.Millisecond).UnixMilli() {
		t.Fatalf("scheduled changes %+v", cs)
	}
	// 3. A sock puppet, made treasurer.
	sock := testActor(t, "sock")
	code, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.ppl["sock"] = sock
	f.ids["sock"] = f.do("sock", Join{CodeHash: HashCode(code), Name: "sock"})[0].Body.(*MemberJoined).Member
	f.do("alice", SetRole{Member: f.ids["sock"], Role: RoleTreasurer, Grant: true})
	// 4. A spend proposal to alice herself, voted by both.
	id := f.propose("alice", NewProposal{Kind: KindSpend, Title: "Consulting", Action: Action{Member: f.ids["alice"], Asset: "USD", Amount: 500000}})
	f.do("alice", CastVote{ID: id, Ballot: tallyBallot("yes")})
	f.do("sock", CastVote{ID: id, Ballot: tallyBallot("yes")})
	// 5. Eighty seconds on: nothing is due, nothing can be signed.
	f.clk.t = start.Add(80 * time.Second)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(id); p.State != PropActive || p.Deadline < start.Add(7*24*time.Hour).UnixMilli() {
		t.Fatalf("the spend proposal %+v", p)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 0 {
		t.Fatalf("payouts %+v", ps)
	}
	if bals, _ := f.h.Balances(); usd(bals) != 500000 {
		t.Fatalf("USD %d", usd(bals))
	}
	// The members saw it coming: they vote it down, and the steward's
	// own changes, once in force, do not bring it back.
	for _, n := range []string{"bob", "carol", "dave"} {
		f.do(n, CastVote{ID: id, Ballot: tallyBallot("no")})
	}
	f.clk.t = start.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(id); p.State != PropRejected {
		t.Fatalf("the spend proposal is %s", p.State)
	}
	if cs, _ := f.h.ScheduledChanges(); len(cs) != 0 {
		t.Fatalf("changes still waiting %+v", cs)
	}
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 1 {
		t.Fatalf("policy after the lock %+v", p)
	}
	if bals, _ := f.h.Balances(); usd(bals) != 500000 {
		t.Fatalf("USD %d", usd(bals))
	}
	// A log that skips the lock is refused by replay.
	f.forged("alice", &RulesSet{Rules: KindRules{Kind: KindRuleset, PeriodMS: 7 * dayMS, QuorumBP: 3000, ThresholdBP: 6000}}, "scheduled change")
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyDir(f.dir, nil); err != nil {
		t.Fatal(err)
	}
}

func usd(bs []AssetBalance) int64 {
	for _, b := range bs {
		if b.Asset == "USD" {
			return b.Balance
		}
	}
	return -1
}

// A payout to a steward is signed only by treasurers who are not
// stewards, and a new treasurer waits before signing at all.
func TestPayoutToStewardNeedsOthers(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleSteward, Grant: true})
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleTreasurer, Grant: true})
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleTreasurer, Grant: true})
	f.do("dave", Contribute{Asset: "EUR", Amount: 10000})
	id := f.propose("bob", NewProposal{Kind: KindSpend, Title: "Rent", Action: Action{Member: f.ids["alice"], Asset: "EUR", Amount: 5000}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.do("carol", SignPayout{ID: 1})
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
	f.refuse("dave", SignPayout{ID: 1}, "a new treasurer signs payouts from")
	f.do("alice", SetRole{Member: f.ids["bob"], Role: RoleModerator, Grant: true})
	f.clk.t = f.clk.t.Add(TreasurerWaitMS * time.Millisecond)
	f.refuse("bob", SignPayout{ID: 1}, "you proposed")
	f.do("dave", SignPayout{ID: 1})
	// The same order to a member who is no steward: a steward signs it.
	id = f.propose("carol", NewProposal{Kind: KindSpend, Title: "Paint", Action: Action{Member: f.ids["dave"], Asset: "EUR", Amount: 100}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.do("bob", SignPayout{ID: 2})
	// bob is a steward: he may not sign alice's.
	id = f.propose("dave", NewProposal{Kind: KindSpend, Title: "More rent", Action: Action{Member: f.ids["alice"], Asset: "EUR", Amount: 100}})
	f.pass(id, "alice", "bob", "carol", "dave")
	f.refuse("bob", SignPayout{ID: 3}, "to a steward, so only treasurers who are not stewards")
	f.forged("bob", &PayoutSigned{Payout: 3}, "may not sign")
}

// A scheduled change is replaced by a later change to the same thing:
// a steward's (which applies at once when it does not weaken) or the
// members' by a passed rules proposal. Strengthening applies at once.
func TestScheduledChangeIsSuperseded(t *testing.T) {
	f := newGov(t)
	weaker := defaultRules[KindRole]
	weaker.PeriodMS = 4 * dayMS
	f.do("alice", SetRules{Rules: weaker})
	evs := f.do("alice", SetRules{Rules: defaultRules[KindRole]})
	if len(evs) != 2 || evs[0].Body.EventType() != "change.cancelled" || evs[1].Body.EventType() != "rules.set" {
		t.Fatalf("setting the rules back: %v", evs)
	}
	f.do("alice", SetPolicy{Signers: 1})
	id := f.propose("bob", NewProposal{Kind: KindRuleset, Title: "Three signatures", Action: Action{Signers: 3}})
	f.pass(id, "alice", "bob", "carol", "dave")
	if cs, _ := f.h.ScheduledChanges(); len(cs) != 0 {
		t.Fatalf("changes waiting %+v", cs)
	}
	f.clk.t = f.clk.t.Add(TimeLockMS * time.Millisecond)
	f.h.CloseDue(f.ctx)
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 3 {
		t.Fatalf("policy %+v", p)
	}
	f.do("alice", SetPolicy{Signers: 4})
	if p, _ := f.h.TreasuryPolicy(); p.Signers != 4 {
		t.Fatalf("a stricter policy waits: %+v", p)
	}
	f.refuse("alice", ApplyChange{ID: 1}, "scheduled changes take effect at their time")
	// Text proposals move no money: their rules change at once.
	f.do("alice", SetRules{Rules: KindRules{Kind: KindText, PeriodMS: 60_000, QuorumBP: 0, ThresholdBP: 5001}})
	// Rules proposals obey the floors too.
	f.refuse("bob", NewProposal{Kind: KindRuleset, Title: "Quick spends", Action: Action{Rules: &KindRules{Kind: KindSpend, PeriodMS: dayMS, QuorumBP: 3000, ThresholdBP: 6000}}}, "floor")
}

// A moderator's restitution above the cap orders no payout: it becomes a
// spend proposal the members vote on, authored by the moderator (who
// cannot co-sign it). Within the cap it is paid as before.
func TestRestitutionAboveCapGoesToVote(t *testing.T) {
	f := newGov(t)
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleTreasurer, Grant: true})
	f.do("bob", Contribute{Asset: "USD", Amount: 500000})
	id := f.do("bob", FileCase{Against: f.ids["alice"], Title: "Broke my bike"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	evs := f.do("carol", Rule{ID: id, Outcome: OutcomeRestitution, Asset: "USD", Amount: 99_999_900, Reason: "a new bike"})
	if len(evs) != 2 || evs[1].Body.EventType() != "proposal.created" {
		t.Fatalf("events %v", evs)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 0 {
		t.Fatalf("a payout was ordered without a vote: %+v", ps)
	}
	pid := evs[1].Body.(*ProposalCreated).Proposal
	p := f.proposal(pid)
	if p.Kind != KindSpend || p.Author != f.ids["carol"] || p.Action.Member != f.ids["bob"] || p.Action.Amount != 99_999_900 || p.State != PropActive {
		t.Fatalf("proposal %+v", p)
	}
	// A smaller one, within the 100.00 USD cap, is ordered at once.
	id2 := f.do("dave", FileCase{Against: f.ids["alice"], Title: "Scratched it"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id2, Action: "claim"})
	f.do("carol", Rule{ID: id2, Outcome: OutcomeRestitution, Asset: "USD", Amount: 5000})
	if ps, _ := f.h.Payouts(); len(ps) != 1 || ps[0].Amount != 5000 || ps[0].Author != f.ids["carol"] {
		t.Fatalf("payouts %+v", ps)
	}
	// Lowering the cap is at once; raising it waits out the lock.
	f.do("alice", SetRestitutionCap{Asset: "USD", Amount: 1000})
	f.do("alice", SetRestitutionCap{Asset: "USD", Amount: 1_000_000})
	var capNow RestitutionCap
	_ = f.s.View(func(r Reader) error { capNow = RestitutionCapOf(r, "USD"); return nil })
	if capNow.Amount != 1000 {
		t.Fatalf("cap %+v", capNow)
	}
	f.forged("alice", &RestitutionCapSet{Asset: "USD", Amount: 2000}, "cannot be set directly")
	// The members decide the big one: they turn it down.
	for _, n := range []string{"alice", "bob", "dave"} {
		f.do(n, CastVote{ID: pid, Ballot: tallyBallot("no")})
	}
	f.clk.t = f.clk.t.Add(8 * 24 * time.Hour)
	f.h.CloseDue(f.ctx)
	if p := f.proposal(pid); p.State != PropRejected {
		t.Fatalf("proposal %s", p.State)
	}
	if ps, _ := f.h.Payouts(); len(ps) != 1 {
		t.Fatalf("payouts %+v", ps)
	}
}

// A member's writes pass a token bucket of log bytes in front of the
// sequencer: past it, writes are refused (no event, nothing changed) until
// it refills; other members, the hub and visitors are not held up.
func TestWriteBudget(t *testing.T) {
	f := newGov(t)
	f.h.SetWriteBudget(WriteBudget{Burst: 1000, PerSecond: 100, MinCost: 256})
	f.h.budgets.clock = f.clk.now
	id := f.propose("alice", NewProposal{Kind: KindText, Title: "Paint"})
	submit := func(who string, c Command) error {
		_, err := f.h.Submit(f.ctx, f.ppl[who], c)
		return err
	}
	for i, choice := range []string{"yes", "no", "yes"} {
		if err := submit("bob", CastVote{ID: id, Ballot: tallyBallot(choice)}); err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
	}
	before, size := f.s.StateDigest(), f.s.Size()
	err := submit("bob", CastVote{ID: id, Ballot: tallyBallot("no")})
	if !errors.Is(err, ErrTooFast) || !strings.Contains(err.Error(), "try again in 1 seconds") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("past the budget: %v", err)
	}
	if f.s.StateDigest() != before || f.s.Size() != size {
		t.Fatal("a refused write changed the state")
	}
	// A refusal by the rules costs nothing: carol's bad vote is refused
	// and her budget is untouched.
	for range 10 {
		if err := submit("carol", CastVote{ID: 99, Ballot: tallyBallot("yes")}); errors.Is(err, ErrTooFast) || err == nil {
			t.Fatalf("carol: %v", err)
		}
	}
	// Others write on; so does the hub, and visitors apply.
	if err := submit("carol", CastVote{ID: id, Ballot: tallyBallot("yes")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.h.Submit(f.ctx, testActor(t, "visitor"), ApplyToJoin{Name: "vera"}); err != nil {
		t.Fatal(err)
	}
	// Three seconds refill 300 bytes: one more small write.
	f.clk.t = f.clk.t.Add(3 * time.Second)
	if err := submit("bob", CastVote{ID: id, Ballot: tallyBallot("no")}); err != nil {
		t.Fatal(err)
	}
	// A big write is charged its size: it overdraws, and waits it out.
	f.clk.t = f.clk.t.Add(time.Hour)
	if err := submit("bob", CommentOn{ID: id, Body: strings.Repeat("x", 2000)}); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(10 * time.Second)
	if err := submit("bob", CastVote{ID: id, Ballot: tallyBallot("yes")}); !errors.Is(err, ErrTooFast) {
		t.Fatalf("after a 2,000-byte comment: %v", err)
	}
	f.h.SetWriteBudget(WriteBudget{})
	if err := submit("bob", CastVote{ID: id, Ballot: tallyBallot("yes")}); err != nil {
		t.Fatalf("budgets off: %v", err)
	}
}

// The default budget never meets honest traffic: the load tool's one
// voter as fast as acks come back (up to ~3,000 votes a second in process,
// ten seconds per measurement) and a script of a thousand 20,000-character
// statements in a row both fit.
func TestDefaultBudgetFitsTheLoadTool(t *testing.T) {
	wb := DefaultWriteBudget
	b := &bucket{tokens: wb.Burst}
	const vote = 160 // bytes of a vote.cast event
	for i := range 3000 * 10 {
		now := int64(i) / 3 // ms: 3,000 a second
		if err := b.take(wb, now); err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
		b.settle(wb, vote, true)
	}
	b = &bucket{tokens: wb.Burst}
	for i := range 800 {
		if err := b.take(wb, int64(i)*100); err != nil {
			t.Fatalf("statement %d: %v", i, err)
		}
		b.settle(wb, 20_100, true)
	}
	// And a flood meets it: a million votes at once do not all pass.
	b = &bucket{tokens: wb.Burst}
	refused := 0
	for range 1_000_000 {
		if b.take(wb, 0) != nil {
			refused++
			continue
		}
		b.settle(wb, vote, true)
	}
	if refused != 1_000_000-int(wb.Burst/wb.MinCost) {
		t.Fatalf("%d refused", refused)
	}
}
