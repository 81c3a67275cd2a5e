package hubtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// SecretWorld is a hub with something of everything a visitor must not
// read: members who chose not to be listed (with their keys), one who
// left, a draft, a dispute with statements and a private note, proposals,
// money, housing, a campaign and another visitor's application. secrets
// maps each such text to what it is.
type SecretWorld struct {
	Hub     *state.Hub
	Visitor *User
	People  map[string]*User
	Secrets map[string]string
}

// Member is the member name.
func (sw *SecretWorld) Member(t *testing.T, name string) *User {
	u := sw.People[name]
	if u == nil {
		t.Fatalf("no %s", name)
	}
	return u
}

func NewSecretWorld(t *testing.T) *SecretWorld {
	t.Helper()
	hub := NewHub(t)
	ctx := context.Background()
	sw := &SecretWorld{Hub: hub, Secrets: map[string]string{}}
	secret := func(what, text string) string { sw.Secrets[text] = what; return text }
	alice, bob, carol, dave := NewUser(t, "alice"), NewUser(t, "bob"), NewUser(t, "carol"), NewUser(t, "dave")
	sw.People = map[string]*User{"alice": alice, "bob": bob, "carol": carol, "dave": dave}
	Admit(t, hub, alice, "Alice Listed")
	SubmitAs(t, hub, alice, state.SetListed{Listed: true})
	SubmitAs(t, hub, alice, state.SetCharter{Text: "# Charter\n\nWe share what we have.\n"})
	join := func(u *User, name string) {
		code, _, err := hub.CreateInviteCode(ctx, alice.Actor(), 1, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		SubmitAs(t, hub, u, state.Join{CodeHash: state.HashCode(code), Name: name, Consent: 1})
	}
	for _, p := range []struct {
		u    *User
		name string
	}{{bob, "Zebulon Hidden"}, {carol, "Quintessa Unseen"}, {dave, "Dorotheus Gone"}} {
		join(p.u, secret("unlisted member's name", p.name))
		pk := strings.Fields(p.u.AuthorizedKey())[1]
		secret("unlisted member's key", pk)
		secret("unlisted member's fingerprint", strings.TrimPrefix(p.u.Fingerprint(), "SHA256:"))
	}
	SubmitAs(t, hub, alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	SubmitAs(t, hub, dave, state.Leave{})

	saveDraft(t, hub, bob, secret("draft title", "Draftitle Zqx"), secret("draft body", "Draftbody Zqx words"))
	SubmitAs(t, hub, bob, state.ChooseTheme{Theme: "dusk"})
	SubmitAs(t, hub, alice, state.NewProposal{Kind: state.KindText, Title: secret("proposal title", "Proposaltitle Zqx"),
		Body: secret("proposal body", "Proposalbody Zqx words")})
	SubmitAs(t, hub, bob, state.CommentOn{ID: 1, Body: secret("comment", "Commentbody Zqx words")})
	SubmitAs(t, hub, bob, state.FileCase{Against: 1, Category: "conduct", Title: secret("case title", "Casetitle Zqx"),
		Statement: secret("dispute statement", "Casestatement Zqx words")})
	SubmitAs(t, hub, alice, state.AddStatement{ID: 1, Body: secret("dispute statement", "Evidencebody Zqx words")})
	SubmitAs(t, hub, carol, state.CaseAction{ID: 1, Action: "claim"})
	SubmitAs(t, hub, carol, state.NewPrivateNote(1, secret("moderator's note", "Notetext Zqx words")))
	SubmitAs(t, hub, bob, state.Contribute{Asset: "USD", Amount: 2500, Memo: secret("ledger memo", "Memotext Zqx")})
	SubmitAs(t, hub, alice, state.AddSpace{Space: state.Space{Name: secret("space name", "Spacename Zqx"), Beds: 2, TZ: "UTC",
		Rules: secret("house rules", "Spacerules Zqx words")}})
	SubmitAs(t, hub, bob, state.NewCampaign{Title: secret("campaign title", "Campaigntitle Zqx"), Funds: secret("campaign purpose", "Campaignfunds Zqx"),
		Asset: "USD", Goal: 10000, Deadline: time.Now().Add(30 * 24 * time.Hour).UnixMilli()})
	applicant := NewUser(t, "xanthippe")
	SubmitAs(t, hub, applicant, state.ApplyToJoin{Name: secret("applicant's name", "Xanthippe Applicant"),
		Text: secret("application text", "Applicationtext Zqx words"), Consent: 1})

	sw.Visitor = NewUser(t, "visitor")
	return sw
}

// Leaks names every secret in s.
func (sw *SecretWorld) Leaks(s string) []string {
	var out []string
	for text, what := range sw.Secrets {
		if strings.Contains(s, text) {
			out = append(out, fmt.Sprintf("%s %q", what, text))
		}
	}
	return out
}

func saveDraft(t *testing.T, hub *state.Hub, u *User, title, body string) {
	t.Helper()
	if _, err := hub.SaveDraft(context.Background(), u.Actor(), state.NewProposal{Kind: state.KindText, Title: title, Body: body}); err != nil {
		t.Fatal(err)
	}
}
