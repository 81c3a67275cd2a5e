package state

import "testing"

func TestProfileAndCensus(t *testing.T) {
	f := newGov(t)
	f.refuse("bob", SetCountry{Country: "Portugal"}, "two-letter")
	f.refuse("bob", SetCountry{Country: "pt"}, "two-letter")
	f.refuse("bob", SetCountry{Country: "ZZ"}, "two-letter")
	f.refuse("bob", SetCountry{Country: ""}, "not declared")
	f.refuse("bob", SetListed{Listed: false}, "already unlisted")
	for _, who := range []string{"alice", "bob", "carol"} {
		f.do(who, SetCountry{Country: "PT"})
	}
	f.do("dave", SetCountry{Country: "DE"})
	f.do("bob", SetListed{Listed: true})
	f.do("bob", Contribute{Asset: "EUR", Amount: 500})
	f.s.Close()
	h := f.h
	visitor, err := h.Census(false)
	if err != nil {
		t.Fatal(err)
	}
	if visitor.Count != 4 || len(visitor.Members) != 1 || visitor.Members[0].Name != "bob" || visitor.Unlisted != 3 {
		t.Fatalf("visitor census %+v", visitor)
	}
	if member, _ := h.Census(true); len(member.Members) != 4 {
		t.Fatalf("members see everyone: %+v", member.Members)
	}
	at := visitor.At
	if at == nil {
		t.Fatal("no census at the checkpoint sealed on close")
	}
	fg := at.Figures
	if fg.Members != 4 || fg.Active30 != 1 || len(fg.Countries) != 1 || fg.Countries[0] != (CountryCount{"PT", 3}) ||
		fg.CountriesWithheld != 1 || fg.CountryUndeclared != 0 || len(fg.Joined) != 1 || fg.Joined[0].Count != 4 {
		t.Fatalf("figures %+v", fg)
	}
	rep := f.verifies()
	if rep.Census == nil || CensusDiff(*rep.Census, *at) != "" {
		t.Fatalf("verify recomputed %+v, hub said %+v", rep.Census, at)
	}
}
