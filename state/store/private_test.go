package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state"
)

// What the store keeps beside the log survives a restart: drafts and a
// theme (private records, in the same transaction as a command's events or
// alone), and the census at the checkpoint a clean stop sealed. The
// domain's rules about them are tested in package state, in memory.
func TestPrivateRecordsSurviveRestart(t *testing.T) {
	f := newGovWith(t, Options{})
	for _, title := range []string{"Secret plan", "Second thoughts"} {
		if _, err := f.h.SaveDraft(f.ctx, f.ppl["carol"], state.NewProposal{Kind: state.KindText, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	f.do("bob", state.ChooseTheme{Theme: "dusk"})
	f.do("bob", state.SetCountry{Country: "PT"})
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, Options{Dir: f.dir, Clock: f.clk.now})
	h := state.NewHub(s)
	carol, err := h.ReaderOf(f.ppl["carol"].Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := h.Drafts(carol)
	if err != nil || len(ds) != 2 || ds[0].Draft != 1 || ds[1].Title != "Second thoughts" {
		t.Fatalf("carol's drafts after a restart: %+v, %v", ds, err)
	}
	bob, _ := h.ReaderOf(f.ppl["bob"].Fingerprint)
	if p, err := h.Preferences(bob); err != nil || p.Theme != "dusk" {
		t.Fatalf("bob's theme after a restart: %+v, %v", p, err)
	}
	// A clean stop sealed the whole log: the census at that checkpoint is
	// there at once, and is what verify recomputes.
	c, err := h.Census(false)
	if err != nil || c.At == nil {
		t.Fatalf("no census at the checkpoint sealed on close: %+v, %v", c, err)
	}
	s.Close()
	rep, err := VerifyDir(f.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Census == nil || state.CensusDiff(*rep.Census, *c.At) != "" {
		t.Fatalf("verify recomputed %+v, hub said %+v", rep.Census, c.At)
	}
}

// verify --data checks every private note against the hash its event
// committed to.
func TestTamperedPrivateNoteCaught(t *testing.T) {
	f, cid := busyHub(t)
	key := fmt.Sprintf("p/note/%012d/%06d", cid, 1)
	if err := f.h.View(func(r state.Reader) error {
		if v, ok := r.Get(key); !ok || !strings.Contains(string(v), "Talk to both") {
			return fmt.Errorf("no note at %s: %q", key, v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyDir(f.dir, nil); err != nil {
		t.Fatal(err)
	}
	tamper(t, f.dir, key, replace("both", "one"))
	if _, err := VerifyDir(f.dir, nil); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("tampered note: %v", err)
	}
}
