package state

import (
	"strings"
	"testing"
)

// Every kind of data has exactly one rule, and the rules say what the
// issue promises: the public reads checkpoints, proofs, census, charter
// and dossier; the log is the members'; drafts and preferences their
// owner's; notes the moderators'.
func TestReadRules(t *testing.T) {
	want := map[Readable]Audience{
		ReadCheckpoints: Public, ReadConsistency: Public, ReadInclusion: Public, ReadCensus: Public,
		ReadCharter: Public, ReadDossier: Public, ReadWitnessing: Public, ReadSelf: Public, ReadLog: Members, ReadCommunity: Members,
		ReadDrafts: Owner, ReadPreferences: Owner, ReadNotes: Moderators,
	}
	seen := map[Readable]bool{}
	for _, r := range ReadRules {
		if seen[r.What] {
			t.Errorf("%s has two rules", r.What)
		}
		seen[r.What] = true
		if want[r.What] != r.Who || r.Says == "" || r.Short == "" {
			t.Errorf("%s: %v %q, want %v", r.What, r.Who, r.Says, want[r.What])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d rules, want %d", len(seen), len(want))
	}
	alice := Member{ID: 1, Roles: []string{RoleMember, RoleModerator}}
	bob := Member{ID: 2, Roles: []string{RoleMember}}
	gone := Member{ID: 3, Roles: []string{RoleMember}, Left: 1}
	c := Case{ID: 1, Filer: 2, Respondent: 3}
	for _, tc := range []struct {
		what Readable
		rd   Reading
		ok   bool
	}{
		{ReadCensus, Reading{}, true},
		{ReadLog, Reading{}, false},
		{ReadLog, Reading{Member: &bob}, true},
		{ReadLog, Reading{Member: &gone}, false},
		{ReadDrafts, Reading{Member: &bob, Owner: 2}, true},
		{ReadDrafts, Reading{Member: &alice, Owner: 2}, false},
		{ReadPreferences, Reading{}, false},
		{ReadNotes, Reading{Member: &alice, Case: &c}, true},
		{ReadNotes, Reading{Member: &bob, Case: &c}, false},
		{ReadNotes, Reading{Member: &alice}, false},
		{"nonsense", Reading{Member: &alice}, false},
	} {
		if got := MayRead(tc.what, tc.rd); got != tc.ok {
			t.Errorf("MayRead(%s, %+v) = %v, want %v", tc.what, tc.rd, got, tc.ok)
		}
	}
}

// A receipt without its event (what a visitor gets) proves that its leaf
// hash is in the signed log, and nothing else passes for it.
func TestHashOnlyReceipt(t *testing.T) {
	f := newGov(t)
	f.do("bob", Rename{Name: "robert"})
	if err := f.s.Close(); err != nil { // seals the tail
		t.Fatal(err)
	}
	rc, err := f.h.Receipt(f.s.Size() - 1)
	if err != nil || !rc.Sealed || !strings.Contains(rc.Event, "robert") {
		t.Fatalf("receipt: %+v %v", rc, err)
	}
	key := f.s.VerifierKey()
	rc.Event = ""
	if err := CheckReceipt(rc, key); err != nil {
		t.Fatalf("hash-only receipt: %v", err)
	}
	other, _ := f.h.Receipt(1)
	rc.LeafHash = other.LeafHash
	if err := CheckReceipt(rc, key); err == nil {
		t.Fatal("another event's leaf hash passed for this one")
	}
	rc.LeafHash = "not base64"
	if err := CheckReceipt(rc, key); err == nil {
		t.Fatal("a bad leaf hash passed")
	}
}
