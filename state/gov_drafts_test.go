package state

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// reader is the Reading of person who in the fixture.
func (f *govFixture) reader(who string) Reading {
	f.t.Helper()
	rd, err := f.h.ReaderOf(f.ppl[who].Fingerprint)
	if err != nil || rd.Member == nil {
		f.t.Fatalf("%s is no member: %v", who, err)
	}
	return rd
}

// export is the whole export file, as `chain export` writes it.
func (f *govFixture) export() string {
	f.t.Helper()
	var b bytes.Buffer
	if err := f.s.WriteExport(&b); err != nil {
		f.t.Fatal(err)
	}
	return b.String()
}

// A draft is its author's alone: it writes nothing to the log or the state
// digest, nobody else can read or open it, and opening it is one ordinary
// proposal.created. (That it survives a restart is the store's to keep:
// store.TestPrivateRecordsSurviveRestart.)
func TestDraftsStayOutOfTheLog(t *testing.T) {
	f := newGov(t)
	size, digest := f.s.Size(), f.s.StateDigest()
	n, err := f.h.SaveDraft(f.ctx, f.ppl["carol"], NewProposal{Kind: KindText, Title: "Secret plan", Body: "Only carol knows."})
	if err != nil || n != 1 {
		t.Fatalf("save: %d, %v", n, err)
	}
	if f.s.Size() != size || f.s.StateDigest() != digest {
		t.Fatal("a draft changed the log or the state digest")
	}
	if strings.Contains(f.export(), "Secret plan") {
		t.Fatal("the export holds the draft")
	}
	// Answered means committed: a fresh read sees it.
	ds, err := f.h.Drafts(f.reader("carol"))
	if err != nil || len(ds) != 1 || ds[0].Draft != 1 || ds[0].ID != 0 || ds[0].Title != "Secret plan" ||
		ds[0].State != PropDraft || ds[0].AuthorName != "carol" || ds[0].Method != MethodYesNo {
		t.Fatalf("carol's drafts: %+v, %v", ds, err)
	}
	if ds, _ := f.h.Drafts(f.reader("bob")); len(ds) != 0 {
		t.Fatalf("bob reads carol's drafts: %+v", ds)
	}
	if _, err := f.h.Drafts(Reading{}); !errors.Is(err, ErrVisitor) {
		t.Fatalf("a visitor's drafts: %v", err)
	}
	// Numbers are per member: bob's d1 is not carol's.
	f.refuse("bob", OpenDraft{N: 1}, "you have no draft d1")
	f.refuse("bob", DeleteDraft{N: 1}, "you have no draft d1")
	if _, err := f.h.Draft(f.reader("bob"), 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob's d1: %v", err)
	}

	n2, err := f.h.SaveDraft(f.ctx, f.ppl["carol"], NewProposal{Kind: KindText, Title: "Second thoughts"})
	if err != nil || n2 != 2 {
		t.Fatalf("second draft: %d, %v", n2, err)
	}
	mustSubmit(t, f.s, f.ppl["carol"], DeleteDraft{N: 1})
	if f.s.Size() != size || f.s.StateDigest() != digest {
		t.Fatal("deleting a draft changed the log")
	}
	// Numbers are not reused.
	n3, err := f.h.SaveDraft(f.ctx, f.ppl["carol"], NewProposal{Kind: KindText, Title: "Third"})
	if err != nil || n3 != 3 {
		t.Fatalf("third draft: %d, %v", n3, err)
	}

	ds, _ = f.h.Drafts(f.reader("carol"))
	if len(ds) != 2 || ds[0].Draft != 2 || ds[1].Draft != 3 {
		t.Fatalf("carol's drafts: %+v", ds)
	}

	evs := f.do("carol", OpenDraft{N: 2})
	pc, ok := evs[0].Body.(*ProposalCreated)
	if len(evs) != 1 || !ok || pc.Title != "Second thoughts" || evs[0].Actor != f.ids["carol"] {
		t.Fatalf("opening: %+v", evs)
	}
	if v := f.view(pc.Proposal, "bob"); v.State != PropActive || v.Draft != 0 {
		t.Fatalf("the opened proposal: %+v", v)
	}
	f.do("bob", CastVote{ID: pc.Proposal, Ballot: yes("yes")})
	f.refuse("carol", OpenDraft{N: 2}, "no draft d2")
	if ds, _ := f.h.Drafts(f.reader("carol")); len(ds) != 1 || ds[0].Draft != 3 {
		t.Fatalf("after opening d2: %+v", ds)
	}
}

// A draft is checked as a proposal is, when saved and again when opened;
// a refusal writes nothing.
func TestDraftRules(t *testing.T) {
	f := newGov(t)
	f.refuse("bob", SaveDraft{Proposal: NewProposal{Kind: KindText, Title: ""}}, "title")
	f.refuse("bob", SaveDraft{Proposal: NewProposal{Kind: "bogus", Title: "x"}}, "unknown kind")
	f.refuse("bob", SaveDraft{Proposal: NewProposal{Kind: KindText, Title: "x\x1b[2J"}}, "title")
	if ds, _ := f.h.Drafts(f.reader("bob")); len(ds) != 0 {
		t.Fatalf("refused drafts were kept: %+v", ds)
	}
	// A role proposal drafted while it made sense is checked again when
	// opened: dave is a moderator by then.
	n, err := f.h.SaveDraft(f.ctx, f.ppl["bob"], NewProposal{Kind: KindRole, Title: "Dave moderates",
		Action: Action{Member: f.ids["dave"], Role: RoleModerator, Grant: true}})
	if err != nil {
		t.Fatal(err)
	}
	f.do("alice", SetRole{Member: f.ids["dave"], Role: RoleModerator, Grant: true})
	f.refuse("bob", OpenDraft{N: n}, "is already a moderator")
	// The daily limit counts opened proposals, not drafts, and applies
	// when a draft opens.
	for i := 0; i < MaxProposalsDaily; i++ {
		f.do("carol", NewProposal{Kind: KindText, Title: "p"})
	}
	n, err = f.h.SaveDraft(f.ctx, f.ppl["carol"], NewProposal{Kind: KindText, Title: "later"})
	if err != nil {
		t.Fatalf("drafting past the daily limit: %v", err)
	}
	f.refuse("carol", OpenDraft{N: n}, "last 24 hours")
	f.clk.t = f.clk.t.Add(25 * time.Hour)
	f.do("carol", OpenDraft{N: n})
	// At most MaxDrafts at a time.
	for i := 0; i < MaxDrafts; i++ {
		if _, err := f.h.SaveDraft(f.ctx, f.ppl["dave"], NewProposal{Kind: KindText, Title: "d"}); err != nil {
			t.Fatal(err)
		}
	}
	f.refuse("dave", SaveDraft{Proposal: NewProposal{Kind: KindText, Title: "one too many"}}, "the most kept")
	if _, err := f.s.Submit(f.ctx, testActor(t, "stranger"), SaveDraft{Proposal: NewProposal{Kind: KindText, Title: "x"}}); !errors.Is(err, ErrVisitor) {
		t.Fatalf("a visitor drafts: %v", err)
	}
}

// The theme is a private preference: no event, and gone with the member's
// drafts when they leave (kept across restarts: see
// store.TestPrivateRecordsSurviveRestart).
func TestPreferencesAndLeaving(t *testing.T) {
	f := newGov(t)
	size, digest := f.s.Size(), f.s.StateDigest()
	if evs := f.do("bob", ChooseTheme{Theme: "dusk"}); len(evs) != 0 {
		t.Fatalf("a theme wrote events: %+v", evs)
	}
	f.refuse("bob", ChooseTheme{Theme: "Bad Theme"}, "theme name")
	if f.s.Size() != size || f.s.StateDigest() != digest {
		t.Fatal("a theme changed the log or the state")
	}
	if p, err := f.h.Preferences(f.reader("bob")); err != nil || p.Theme != "dusk" {
		t.Fatalf("bob's preferences: %+v, %v", p, err)
	}
	if p, _ := f.h.Preferences(f.reader("carol")); p.Theme != "" {
		t.Fatalf("carol has bob's theme: %+v", p)
	}
	if p, _ := f.h.Preferences(Reading{}); p.Theme != "" {
		t.Fatalf("a visitor's preferences: %+v", p)
	}
	if _, err := f.h.SaveDraft(f.ctx, f.ppl["bob"], NewProposal{Kind: KindText, Title: "Bob's idea"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.h.Preferences(f.reader("bob")); p.Theme != "dusk" {
		t.Fatalf("bob's theme: %+v", p)
	}
	bobID := f.ids["bob"]
	f.do("bob", Leave{})
	var left []string
	if err := f.h.View(func(r Reader) error {
		r.Scan(PrefixPriv, func(k string, _ []byte) bool {
			if strings.Contains(k, privKey("", bobID)) {
				left = append(left, k)
			}
			return true
		})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("bob left, his private keys stayed: %v", left)
	}
}
