package state

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Issue #16: per-member write budgets.

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
	if !errors.Is(err, ErrTooFast) || !strings.Contains(err.Error(), "try again in 1 second") || strings.Contains(err.Error(), "\n") {
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
