package state

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dueByScan is what the hub did before the index: decode every proposal,
// allowance, campaign, case and scheduled change, and pick what is due.
func dueByScan(r Reader, kind string, now int64) []uint64 {
	var out []uint64
	switch kind {
	case DueChange:
		for _, c := range ScheduledChanges(r) {
			if c.Due <= now {
				out = append(out, c.ID)
			}
		}
	case DueProposal:
		for _, p := range ListProposals(r) {
			if p.State == PropActive && p.Deadline <= now {
				out = append(out, p.ID)
			}
		}
	case DueAllowance:
		for _, a := range ListAllowances(r) {
			if PeriodStart(a.Period, now) > a.PeriodStart {
				out = append(out, a.ID)
			}
		}
	case DueCampaign:
		for _, c := range ListCampaigns(r) {
			if c.State == CampaignOpen && c.Deadline <= now {
				out = append(out, c.ID)
			}
		}
	case DueJury:
		for _, c := range ListCases(r) {
			if c.State == CaseStateAppealed && c.JuryHeight == 0 {
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// sameDue checks the index against the full scan for every kind, now and
// at the times around now where something turns due.
func (f *govFixture) sameDue(what string) {
	f.t.Helper()
	now := f.clk.t.UnixMilli()
	_ = f.s.View(func(r Reader) error {
		times := []int64{0, now, now + dayMS, now + 8*dayMS, now + 15*dayMS, now + 40*dayMS, math.MaxInt64 / 2}
		r.Scan(prefixDue, func(k string, _ []byte) bool {
			at, err := strconv.ParseInt(k[len(prefixDue):len(prefixDue)+16], 10, 64)
			if err != nil {
				f.t.Fatal(err)
			}
			times = append(times, at-1, at, at+1)
			return true
		})
		for _, kind := range []string{DueChange, DueProposal, DueAllowance, DueCampaign, DueJury} {
			for _, at := range times {
				if kind == DueJury && at != 0 {
					continue // juries wait on checkpoints, not time
				}
				if got, want := DueBy(r, kind, at), dueByScan(r, kind, at); !slices.Equal(got, want) {
					f.t.Fatalf("%s: %s due by %d: index %v, scan %v", what, kind, at, got, want)
				}
			}
		}
		return nil
	})
}

// The index of what is due says what the full scan says, through every
// kind's life: proposals opened, cancelled and closed; scheduled changes
// made, superseded and applied; allowances granted and turned; campaigns
// opened and closed; appeals waiting for and getting their jury.
func TestDueIndexMatchesTheScan(t *testing.T) {
	f := newGovWith(t, MemoryOptions{CheckpointEvery: 1})
	f.sameDue("start")
	f.do("alice", SetRole{Member: f.ids["carol"], Role: RoleModerator, Grant: true})
	f.do("bob", Contribute{Asset: "EUR", Amount: 100000})
	text := f.propose("bob", NewProposal{Kind: KindText, Title: "Quiet hours"})
	gone := f.propose("carol", NewProposal{Kind: KindText, Title: "Withdrawn"})
	f.do("carol", CancelProposal{ID: gone})
	week := f.propose("carol", NewProposal{Kind: KindSpend, Title: "Weekly", Action: Action{Member: f.ids["dave"], Asset: "EUR", Amount: 100, Period: PeriodWeek}})
	month := f.propose("carol", NewProposal{Kind: KindSpend, Title: "Monthly", Action: Action{Role: RoleModerator, Asset: "EUR", Amount: 100, Period: PeriodMonth}})
	weaker := defaultRules[KindRole]
	weaker.PeriodMS = 4 * dayMS
	f.do("alice", SetRules{Rules: weaker})
	f.do("alice", SetPolicy{Signers: 1})
	f.do("alice", SetRules{Rules: defaultRules[KindRole]}) // supersedes the first change
	camp := f.do("bob", NewCampaign{Title: "Roof", Asset: "EUR", Goal: 10, Deadline: f.clk.t.UnixMilli() + 3*dayMS})[0].Body.(*CampaignCreated).Campaign
	f.do("carol", PledgeTo{Campaign: camp, Amount: 10})
	f.do("bob", NewCampaign{Title: "Sauna", Asset: "EUR", Goal: 10, Deadline: f.clk.t.UnixMilli() + 30*dayMS})
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "Noise"})[0].Body.(*CaseFiled).Case
	f.do("carol", CaseAction{ID: id, Action: "claim"})
	f.do("carol", Rule{ID: id, Outcome: OutcomeWarning})
	f.do("dave", CaseAction{ID: id, Action: "appeal"})
	f.sameDue("opened")
	for _, p := range []uint64{text, week, month} {
		for _, n := range []string{"alice", "bob", "carol"} {
			f.do(n, CastVote{ID: p, Ballot: tallyBallot("yes")})
		}
	}
	for _, days := range []int{1, 4, 8, 15, 40, 70} {
		f.clk.t = f.clk.t.Add(time.Duration(days) * 24 * time.Hour)
		f.h.CloseDue(f.ctx)
		f.sameDue("after CloseDue")
	}
	if p := f.proposal(text); p.State != PropPassed {
		t.Fatalf("text proposal %s", p.State)
	}
	if c, _, _ := f.h.CampaignWithPledges(camp); c.State != CampaignSucceeded {
		t.Fatalf("campaign %s", c.State)
	}
	if c, _, _ := f.h.CaseWithThread(id); c.JuryHeight == 0 {
		t.Fatal("no jury was drawn")
	}
	f.verifies()
}

// recordingEngine is an engine whose Views record every key they read.
type recordingEngine struct {
	*Memory
	read []string
}

func (e *recordingEngine) View(fn func(r Reader) error) error {
	return e.Memory.View(func(r Reader) error { return fn(recordingReader{r, &e.read}) })
}

type recordingReader struct {
	Reader
	read *[]string
}

func (r recordingReader) Get(k string) ([]byte, bool) {
	*r.read = append(*r.read, k)
	return r.Reader.Get(k)
}

func (r recordingReader) Scan(prefix string, fn func(string, []byte) bool) {
	r.Reader.Scan(prefix, func(k string, v []byte) bool {
		*r.read = append(*r.read, k)
		return fn(k, v)
	})
}

// The deadline loop reads the index of what is due, and only up to now:
// no proposal, allowance or campaign that is not due is decoded, however
// many there are; what is due still closes.
func TestDeadlinesReadOnlyWhatIsDue(t *testing.T) {
	f := newGov(t)
	for i := 0; i < 5; i++ {
		f.pass(f.propose("bob", NewProposal{Kind: KindText, Title: "Old news"}), "alice", "bob", "carol")
	}
	f.do("bob", NewCampaign{Title: "Later", Asset: "EUR", Goal: 10, Deadline: f.clk.t.UnixMilli() + 30*dayMS})
	later := f.propose("carol", NewProposal{Kind: KindRuleset, Title: "Later", Action: Action{Signers: 3}})
	soon := f.propose("bob", NewProposal{Kind: KindText, Title: "Soon"})
	eng := &recordingEngine{Memory: f.s}
	h := NewHub(eng)
	f.clk.t = time.UnixMilli(f.proposal(soon).Deadline)
	h.CloseDue(f.ctx)
	if st := f.proposal(soon).State; st == PropActive {
		t.Fatal("the due proposal did not close")
	}
	if st := f.proposal(later).State; st != PropActive {
		t.Fatalf("the later proposal is %s", st)
	}
	if len(eng.read) == 0 {
		t.Fatal("nothing read")
	}
	for _, k := range eng.read {
		if !strings.HasPrefix(k, prefixDue) {
			t.Fatalf("the deadline loop read %s", k)
		}
	}
	// Of the index, only what is due and the first key after it.
	if len(eng.read) > 5*2 {
		t.Fatalf("read %d index keys: %v", len(eng.read), eng.read)
	}
}
