package tui

import (
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

// The visitor screen names only members who chose to be listed, and shows
// nothing members-only: no unlisted name or key, no draft, no dispute, no
// proposal, no one else's application, whatever the visitor presses and
// however large the screen.
func TestVisitorScreenSeesNothingPrivate(t *testing.T) {
	f := newFixture(t)
	alice := f.steward("Alice Listed")
	f.as(alice, state.SetListed{Listed: true})
	bob := f.member(alice, "Zebulon Hidden")
	carol := f.member(alice, "Quintessa Unseen")
	f.as(alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	secrets := []string{"Zebulon Hidden", "Quintessa Unseen", strings.Fields(bob.Key)[1], strings.Fields(carol.Key)[1],
		"Draftitle Zqx", "Draftbody Zqx", "Proposaltitle Zqx", "Casetitle Zqx", "Casestatement Zqx", "Notetext Zqx",
		"Xanthippe Applicant", "Applicationtext Zqx"}
	if _, err := f.hub.SaveDraft(t.Context(), f.actor(bob), state.NewProposal{Kind: state.KindText, Title: "Draftitle Zqx", Body: "Draftbody Zqx"}); err != nil {
		t.Fatal(err)
	}
	f.as(bob, state.ChooseTheme{Theme: "dusk"})
	f.as(alice, state.NewProposal{Kind: state.KindText, Title: "Proposaltitle Zqx", Method: state.MethodYesNo})
	f.as(bob, state.FileCase{Against: 1, Category: "conduct", Title: "Casetitle Zqx", Statement: "Casestatement Zqx"})
	f.as(carol, state.CaseAction{ID: 1, Action: "claim"})
	f.as(carol, state.NewPrivateNote(1, "Notetext Zqx"))
	f.as(testIdentity(t, "xanthippe"), state.ApplyToJoin{Name: "Xanthippe Applicant", Text: "Applicationtext Zqx"})

	stranger := testIdentity(t, "stranger")
	for _, size := range [][2]int{{80, 24}, {220, 70}} {
		for _, keys := range [][]string{nil, {"?"}, {"i"}, {"a"}, {"i", "esc", "a", "esc", "?"}} {
			a := press(New(f.hub, stranger, WithSize(size[0], size[1])), keys...).(*App)
			if a.c.snap.member {
				t.Fatal("a stranger is a member")
			}
			v := screen(a)
			for _, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("%dx%d after %q the visitor screen shows %q:\n%s", size[0], size[1], keys, s, v)
				}
			}
			if len(keys) == 0 {
				mustContain(t, v, "Alice Listed", "3 members", "2 not listed by name")
			}
		}
	}
}

// A member's drafts are on their Proposals tab, named d1, d2, and open to
// read, with how to publish them; nobody else's tab shows them.
func TestDraftsOnTheProposalsTab(t *testing.T) {
	f, alice, bob := withProposal(t)
	if _, err := f.hub.SaveDraft(t.Context(), f.actor(alice), state.NewProposal{Kind: state.KindText, Title: "Half an idea", Body: "Not ready yet."}); err != nil {
		t.Fatal(err)
	}
	m := press(New(f.hub, alice, WithSize(100, 30), pinned(propNow)), "2")
	mustContain(t, screen(m), "Your drafts (1)", "d1", "Half an idea", "not open")
	m = press(m, "down", "enter")
	v := screen(m)
	mustContain(t, v, "d1 Half an idea", "only you can see it", "proposal open d1", "Not ready yet.")
	m = press(m, "c")
	mustContain(t, screen(m), "d1 is your draft")
	if v := screen(press(New(f.hub, bob, WithSize(100, 30), pinned(propNow)), "2")); strings.Contains(v, "Half an idea") || strings.Contains(v, "drafts") {
		t.Fatalf("bob sees alice's draft:\n%s", v)
	}
	// Opened elsewhere (an SSH command), it leaves the drafts and is #2.
	f.as(alice, state.OpenDraft{N: 1})
	m = refresh(m)
	v = screen(press(m, "esc"))
	if strings.Contains(v, "Your drafts") || !strings.Contains(v, "#2") {
		t.Fatalf("after opening d1:\n%s", v)
	}
}
