package state

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// civicWorld is a small hub driven by random members: votes, bookings,
// contributions, pledges, countries, listing, leaving and time passing.
type civicWorld struct {
	s      *Memory
	h      *Hub
	clk    *fakeClock
	actors []Actor
	space  uint64
	props  []uint64
	camps  []uint64
}

func newCivicWorld(t *testing.T, rt *rapid.T) *civicWorld {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	s, err := NewMemory(MemoryOptions{Clock: clk.now})
	if err != nil {
		rt.Fatal(err)
	}
	w := &civicWorld{s: s, h: NewHub(s), clk: clk}
	must := func(a Actor, c Command) []Event {
		evs, err := s.Submit(context.Background(), a, c)
		if err != nil {
			rt.Fatalf("%T: %v", c, err)
		}
		return evs
	}
	must(SystemActor, CreateHub{Name: "civic"})
	for i := 0; i < 6; i++ {
		a := testActor(t, fmt.Sprint("c", i))
		w.actors = append(w.actors, a)
		if i == 0 {
			must(SystemActor, AdmitAdmin{Key: a.Key, Name: "root"})
			continue
		}
		code, _, err := w.h.CreateInviteCode(context.Background(), w.actors[0], 1, time.Time{})
		if err != nil {
			rt.Fatal(err)
		}
		must(a, Join{CodeHash: HashCode(code), Name: fmt.Sprint("m", i)})
	}
	w.space = must(w.actors[0], AddSpace{Space: Space{Name: "Loft", Beds: 2, TZ: "UTC"}})[0].Body.(*SpaceAdded).Space.ID
	for i := 0; i < 2; i++ {
		w.props = append(w.props, must(w.actors[1], NewProposal{Kind: KindText, Title: fmt.Sprint("p", i)})[0].Body.(*ProposalCreated).Proposal)
	}
	return w
}

func (w *civicWorld) date(days int) string {
	return w.clk.t.AddDate(0, 0, days).Format(dateLayout)
}

// step does one random thing; refusals are fine, they change nothing.
func (w *civicWorld) step(rt *rapid.T) (Actor, Command) {
	a := rapid.SampledFrom(w.actors).Draw(rt, "actor")
	pick := func(ids []uint64) uint64 {
		if len(ids) == 0 {
			return 1
		}
		return rapid.SampledFrom(ids).Draw(rt, "id")
	}
	switch rapid.IntRange(0, 12).Draw(rt, "op") {
	case 0:
		return a, CastVote{ID: pick(w.props), Ballot: yes(rapid.SampledFrom([]string{"yes", "no"}).Draw(rt, "c"))}
	case 1:
		from := rapid.IntRange(0, 40).Draw(rt, "from")
		return a, Book{Space: w.space, From: w.date(from), To: w.date(from + rapid.IntRange(1, 4).Draw(rt, "n")),
			Beds: rapid.IntRange(1, 2).Draw(rt, "beds"), Waitlist: rapid.Bool().Draw(rt, "wait")}
	case 2:
		return a, CancelBooking{ID: rapid.Uint64Range(1, 12).Draw(rt, "bk")}
	case 3:
		return a, Contribute{Asset: "EUR", Amount: rapid.Int64Range(1, 1000).Draw(rt, "amt")}
	case 4:
		return a, NewCampaign{Title: "Roof", Asset: "EUR", Goal: rapid.Int64Range(1, 3000).Draw(rt, "goal"),
			Deadline: w.clk.t.Add(time.Duration(rapid.IntRange(1, 10).Draw(rt, "d")) * 24 * time.Hour).UnixMilli()}
	case 5:
		return a, PledgeTo{Campaign: pick(w.camps), Amount: rapid.Int64Range(1, 1500).Draw(rt, "amt")}
	case 6:
		return a, Unpledge{Campaign: pick(w.camps)}
	case 7:
		return a, SetCountry{Country: rapid.SampledFrom([]string{"PT", "DE", "FR", "", "XX"}).Draw(rt, "cc")}
	case 8:
		return a, SetListed{Listed: rapid.Bool().Draw(rt, "listed")}
	case 9:
		return a, Leave{Anonymous: rapid.Bool().Draw(rt, "anon")}
	case 10:
		return a, Delegate{To: rapid.Uint64Range(1, 6).Draw(rt, "to")}
	default:
		w.clk.t = w.clk.t.Add(time.Duration(rapid.SampledFrom([]int{0, 1, 20, 24, 29*24 + 12, 30 * 24, 89 * 24, 90 * 24}).Draw(rt, "hours")) * time.Hour)
		w.h.CloseDue(context.Background())
		return a, nil
	}
}

// others snapshots what must survive someone else leaving: every other
// member's votes, and their bookings that hold beds.
func (w *civicWorld) others(leaver uint64) string {
	var b bytes.Buffer
	w.h.View(func(r Reader) error {
		for _, p := range ListProposals(r) {
			for _, v := range ListVotes(r, p.ID) {
				if v.Member != leaver {
					fmt.Fprintf(&b, "vote %d %d %s %d\n", p.ID, v.Member, v.Choice, v.Seq)
				}
			}
		}
		for _, bk := range ListBookings(r) {
			if bk.Member != leaver && bk.holds() {
				fmt.Fprintf(&b, "booking %d %s\n", bk.ID, bk.Status)
			}
		}
		return nil
	})
	return b.String()
}

// Leaving never loses anyone else's vote or booking; census counters equal
// a recount from the log and the records; a failed campaign moves no money.
func TestCivicProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newCivicWorld(t, rt)
		defer w.s.Close()
		for i, n := 0, rapid.IntRange(1, 60).Draw(rt, "steps"); i < n; i++ {
			a, c := w.step(rt)
			if c == nil {
				continue
			}
			m, _, _ := w.h.Whoami(a.Fingerprint)
			before := w.others(m.ID)
			evs, err := w.s.Submit(context.Background(), a, c)
			if err != nil {
				continue
			}
			switch b := evs[0].Body.(type) {
			case *CampaignCreated:
				w.camps = append(w.camps, b.Campaign)
			}
			if _, left := c.(Leave); left {
				after := w.others(m.ID)
				// A waitlisted booking may be promoted into the freed beds:
				// that adds lines, it never removes one.
				if !containsAll(after, before) {
					rt.Fatalf("leaving changed others:\nbefore\n%s\nafter\n%s", before, after)
				}
			}
		}
		var x bytes.Buffer
		if err := w.s.WriteExport(&x); err != nil {
			rt.Fatal(err)
		}
		exp, err := ReadExport(&x)
		if err != nil {
			rt.Fatal(err)
		}
		now := w.clk.t.UnixMilli()
		w.h.View(func(r Reader) error {
			got, want := ComputeCensus(r, now), recount(rt, r, exp, now)
			if !reflect.DeepEqual(got, want) {
				rt.Fatalf("census from counters\n%+v\nrecount\n%+v", got, want)
			}
			return nil
		})
	})
}

func containsAll(after, before string) bool {
	lines := bytes.Split([]byte(before), []byte("\n"))
	for _, l := range lines {
		if len(l) > 0 && !bytes.Contains([]byte(after), append(l, '\n')) {
			return false
		}
	}
	return true
}

// recount computes the census the slow way: from events and records, not
// from the counters Apply keeps. It also checks the treasury: every
// contribution, plus the pledges of succeeded campaigns and nothing of
// failed ones.
func recount(rt *rapid.T, r Reader, x *Export, now int64) CensusFigures {
	f := CensusFigures{Joined: []MonthCount{}, Left: []MonthCount{}, Countries: []CountryCount{}, Treasury: []AssetBalance{}}
	joined, left := map[string]int64{}, map[string]int64{}
	lastAct := map[uint64]int64{}
	var paidIn int64
	for _, b := range x.Events {
		ev, err := Decode(b)
		if err != nil {
			rt.Fatal(err)
		}
		switch body := ev.Body.(type) {
		case *MemberJoined:
			joined[month(ev.Time)]++
		case *MemberLeft:
			left[month(ev.Time)]++
		case *Contributed:
			paidIn += body.Amount
		case *CampaignClosed:
			c, _ := GetCampaign(r, body.Campaign)
			for _, p := range ListPledges(r, c.ID) {
				if body.Succeeded != (p.Entry != 0) {
					rt.Fatalf("campaign %d (succeeded %v): pledge %+v", c.ID, body.Succeeded, p)
				}
				if body.Succeeded {
					paidIn += p.Amount
				}
			}
		}
		if isActivity(ev.Body) {
			lastAct[ev.Actor] = ev.Time
		}
	}
	for _, m := range sortedKeys(joined) {
		f.Joined = append(f.Joined, MonthCount{m, joined[m]})
	}
	for _, m := range sortedKeys(left) {
		f.Left = append(f.Left, MonthCount{m, left[m]})
	}
	countries := map[string]int64{}
	var declared int64
	for _, m := range ListMembers(r) {
		if m.Gone() {
			continue
		}
		f.Members++
		if m.Country != "" {
			countries[m.Country]++
			declared++
		}
		if t, ok := lastAct[m.ID]; ok {
			age := dayOf(now) - dayOf(t)
			if age < ActiveShortDays {
				f.Active30++
			}
			if age < ActiveLongDays {
				f.Active90++
			}
		}
	}
	for _, cc := range sortedKeys(countries) {
		if n := countries[cc]; n >= CensusCountryMin {
			f.Countries = append(f.Countries, CountryCount{cc, n})
		} else {
			f.CountriesWithheld += n
		}
	}
	sort.SliceStable(f.Countries, func(i, j int) bool { return f.Countries[i].Count > f.Countries[j].Count })
	f.CountryUndeclared = f.Members - declared
	for _, s := range ListSpaces(r) {
		if !s.Retired {
			f.Spaces++
			f.Beds += int64(s.Beds)
		}
	}
	for _, bk := range ListBookings(r) {
		if bk.Status != BookConfirmed {
			continue
		}
		first, nights, _ := stayNights(bk.From, bk.To)
		for d := first; d < first+nights; d++ {
			if d < dayOf(now) {
				f.BedNightsUsed += int64(bk.Beds)
			} else {
				f.BedNightsAhead += int64(bk.Beds)
			}
		}
	}
	if bal := Balance(r, "EUR"); bal != paidIn {
		rt.Fatalf("treasury holds %d, contributions and succeeded pledges add to %d", bal, paidIn)
	}
	for _, a := range ListAssets(r) {
		if b := Balance(r, a.Code); b != 0 {
			f.Treasury = append(f.Treasury, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: b})
		}
	}
	return f
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
