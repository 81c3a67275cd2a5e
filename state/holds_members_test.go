package state

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Issue #16: applications, keys and private notes.

// Application spam: 10,000 applications from as many keys. The hub takes
// MaxApplicationsPerWindow an hour and holds MaxPendingApplications; every
// other attempt is refused, writes nothing, and the hub's heap does not
// grow with the attempts. Stewards read the queue a page at a time.
func TestApplicationFloodIsCapped(t *testing.T) {
	// No timed seal: it would read the clock this test moves.
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
	if _, err := f.s.Submit(f.ctx, SystemActor, AdmitAdmin{Key: testCert(t, spare), Name: "root"}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a certificate as admin key: %v", err)
	}
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
