package state

import "fmt"

// A member's public profile: whether visitors see their name in the census,
// and the country they live in (optional, counted only in groups large
// enough not to point at anyone).

// MemberListed sets whether the member's name is public.
type MemberListed struct {
	Member uint64 `json:"member"`
	Listed bool   `json:"listed"`
}

// CountrySet records a member's self-declared country ("" clears it).
type CountrySet struct {
	Member  uint64 `json:"member"`
	Country string `json:"country"`
}

func (MemberListed) EventType() string { return "member.listed" }
func (CountrySet) EventType() string   { return "member.country" }

func init() {
	register(func() Body { return &MemberListed{} })
	register(func() Body { return &CountrySet{} })
}

// SetListed chooses whether visitors see the asking member's name.
type SetListed struct{ Listed bool }

func (c SetListed) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if m.Listed == c.Listed {
		return 0, nil, fmt.Errorf("you are already %s", listedWord(c.Listed))
	}
	return m.ID, []Body{&MemberListed{Member: m.ID, Listed: c.Listed}}, nil
}

func listedWord(l bool) string {
	if l {
		return "listed publicly"
	}
	return "unlisted (visitors do not see your name)"
}

// SetCountry declares (or with "" clears) the asking member's country.
type SetCountry struct{ Country string }

func (c SetCountry) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	if err := CheckCountry(c.Country); err != nil {
		return 0, nil, err
	}
	if m.Country == c.Country {
		if c.Country == "" {
			return 0, nil, fmt.Errorf("you have not declared a country")
		}
		return 0, nil, fmt.Errorf("your country is already %s", c.Country)
	}
	return m.ID, []Body{&CountrySet{Member: m.ID, Country: c.Country}}, nil
}

// profileAppliers fold what a member says about themselves.
var profileAppliers = []applier{
	on(applyMemberListed),
	on(applyCountrySet),
}

func applyMemberListed(w Writer, ev Event, b *MemberListed) error {
	m, ok := GetMember(w, b.Member)
	if !ok || m.Gone() || ev.Actor != m.ID {
		return fmt.Errorf("member %d cannot change their listing", b.Member)
	}
	m.Listed = b.Listed
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}

func applyCountrySet(w Writer, ev Event, b *CountrySet) error {
	m, ok := GetMember(w, b.Member)
	if !ok || m.Gone() || ev.Actor != m.ID || CheckCountry(b.Country) != nil {
		return fmt.Errorf("member %d cannot declare country %q", b.Member, b.Country)
	}
	censusCountry(w, m.Country, b.Country)
	m.Country = b.Country
	putJSON(w, idKey(prefixMember, m.ID), m)
	return nil
}
