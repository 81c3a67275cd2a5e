package web

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// The test world mirrors ssh/internal/hubtest's SecretWorld (which this
// package cannot import): a hub with something of everything a visitor
// must not read, and something of everything the site shows.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type person struct {
	name   string
	signer gossh.Signer
}

func newPerson(t testing.TB, name string) *person {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return &person{name: name, signer: s}
}

func (p *person) key() string         { return state.KeyString(p.signer.PublicKey()) }
func (p *person) fingerprint() string { return state.Fingerprint(p.signer.PublicKey()) }
func (p *person) actor() state.Actor  { return state.Actor{Key: p.key(), Fingerprint: p.fingerprint()} }

type world struct {
	hub     *state.Hub
	mem     *state.Memory
	clk     *clock
	people  map[string]*person
	secrets map[string]string // text -> what it is
}

func (w *world) do(t testing.TB, who string, c state.Command) []state.Event {
	t.Helper()
	a := state.SystemActor
	if who != "" {
		a = w.people[who].actor()
	}
	evs, err := w.hub.Submit(context.Background(), a, c)
	if err != nil {
		t.Fatalf("%T by %s: %v", c, who, err)
	}
	return evs
}

func (w *world) secret(what, text string) string { w.secrets[text] = what; return text }

// leaks names every secret in s.
func (w *world) leaks(s string) []string {
	var out []string
	for text, what := range w.secrets {
		if strings.Contains(s, text) {
			out = append(out, fmt.Sprintf("%s %q", what, text))
		}
	}
	return out
}

// newWorld is a hub sealing a checkpoint after every event, with a listed
// steward, unlisted members, one who left, a decided and an open
// proposal, money, housing, a dispute with a private note, a draft, a
// campaign and an application.
func newWorld(t testing.TB) *world {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	mem, err := state.NewMemory(state.MemoryOptions{Origin: "polis.test/web", CheckpointEvery: 1, Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	w := &world{hub: state.NewHub(mem), mem: mem, clk: clk, people: map[string]*person{}, secrets: map[string]string{}}
	ctx := context.Background()
	w.do(t, "", state.CreateHub{Name: "Lakeside Commons"})
	for _, n := range []string{"alice", "bob", "carol", "dave", "erin", "xanthippe"} {
		w.people[n] = newPerson(t, n)
	}
	w.do(t, "", state.AdmitAdmin{Key: w.people["alice"].key(), Name: "Alice Listed"})
	w.do(t, "alice", state.SetListed{Listed: true})
	w.do(t, "alice", state.SetCountry{Country: "PT"})
	w.do(t, "alice", state.SetCharter{Text: "# Charter\n\nWe share what we have.\n"})
	join := func(who, name string) {
		code, _, err := w.hub.CreateInviteCode(ctx, w.people["alice"].actor(), 1, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		w.do(t, who, state.Join{CodeHash: state.HashCode(code), Name: name, Consent: 1})
	}
	join("erin", "Erin Listed")
	w.do(t, "erin", state.SetListed{Listed: true})
	clk.add(40 * 24 * time.Hour)
	for _, p := range []struct{ who, name string }{{"bob", "Zebulon Hidden"}, {"carol", "Quintessa Unseen"}, {"dave", "Dorotheus Gone"}} {
		join(p.who, w.secret("unlisted member's name", p.name))
		w.secret("unlisted member's key", strings.Fields(w.people[p.who].key())[1])
		w.secret("unlisted member's fingerprint", strings.TrimPrefix(w.people[p.who].fingerprint(), "SHA256:"))
		w.do(t, p.who, state.SetCountry{Country: "PT"})
	}
	w.do(t, "alice", state.SetRole{Member: 4, Role: state.RoleModerator, Grant: true})
	w.do(t, "dave", state.Leave{})

	if _, err := w.hub.SaveDraft(ctx, w.people["bob"].actor(), state.NewProposal{Kind: state.KindText,
		Title: w.secret("draft title", "Draftitle Zqx"), Body: w.secret("draft body", "Draftbody Zqx words")}); err != nil {
		t.Fatal(err)
	}
	w.do(t, "bob", state.ChooseTheme{Theme: "dusk"})
	evs := w.do(t, "alice", state.NewProposal{Kind: state.KindText, Title: w.secret("proposal title", "Proposaltitle Zqx"),
		Body: w.secret("proposal body", "Proposalbody Zqx words")})
	id := evs[0].Body.(*state.ProposalCreated).Proposal
	for _, who := range []string{"alice", "bob", "carol"} {
		w.do(t, who, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	}
	w.do(t, "bob", state.CommentOn{ID: id, Body: w.secret("comment", "Commentbody Zqx words")})
	clk.add(8 * 24 * time.Hour)
	w.hub.CloseDue(ctx)
	w.do(t, "alice", state.NewProposal{Kind: state.KindText, Title: w.secret("proposal title", "Openproposal Zqx"), Body: "Still open."})
	w.do(t, "bob", state.FileCase{Against: 1, Category: "conduct", Title: w.secret("case title", "Casetitle Zqx"),
		Statement: w.secret("dispute statement", "Casestatement Zqx words")})
	w.do(t, "carol", state.CaseAction{ID: 1, Action: "claim"})
	w.do(t, "carol", state.NewPrivateNote(1, w.secret("moderator's note", "Notetext Zqx words")))
	w.do(t, "bob", state.Contribute{Asset: "USD", Amount: 2500, Memo: w.secret("ledger memo", "Memotext Zqx")})
	w.do(t, "alice", state.Contribute{Asset: "USD", Amount: 12000})
	w.do(t, "alice", state.AddSpace{Space: state.Space{Name: "Lake House", City: "Porto", Country: "PT", Beds: 4, TZ: "UTC",
		Rules: w.secret("house rules", "Spacerules Zqx words")}})
	w.do(t, "bob", state.NewCampaign{Title: w.secret("campaign title", "Campaigntitle Zqx"), Funds: w.secret("campaign purpose", "Campaignfunds Zqx"),
		Asset: "USD", Goal: 10000, Deadline: clk.now().Add(30 * 24 * time.Hour).UnixMilli()})
	w.do(t, "xanthippe", state.ApplyToJoin{Name: w.secret("applicant's name", "Xanthippe Applicant"),
		Text: w.secret("application text", "Applicationtext Zqx words"), Consent: 1})
	return w
}

var timeZero = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ip(s string) net.IP { return net.ParseIP(s) }

// passCharter amends the charter by a proposal that passes.
func (w *world) passCharter(t testing.TB, text string) {
	t.Helper()
	evs := w.do(t, "alice", state.NewProposal{Kind: state.KindCharter, Title: "Amend the charter", Body: text})
	id := evs[0].Body.(*state.ProposalCreated).Proposal
	for _, who := range []string{"alice", "bob", "carol", "erin"} {
		w.do(t, who, state.CastVote{ID: id, Ballot: tally.Ballot{Choice: "yes"}})
	}
	w.clk.add(15 * 24 * time.Hour)
	w.hub.CloseDue(context.Background())
}
