package state

import (
	"encoding/base64"
	"fmt"
	"runtime/debug"

	"github.com/polis-hub/polis/chain"
)

// CensusMember is the public face of a member.
type CensusMember struct {
	ID     uint64 `json:"id"`
	Name   string `json:"name"`
	Joined string `json:"joined"` // YYYY-MM-DD, UTC
}

// Census is the community's public count: who may be named, and the
// figures at the latest checkpoint.
type Census struct {
	Hub   string `json:"hub"`
	Count int    `json:"count"`
	// Members lists the members a reader may see by name: to visitors,
	// only those who chose to be listed; Unlisted counts the others.
	Members  []CensusMember `json:"members"`
	Unlisted int            `json:"unlisted"`
	Events   uint64         `json:"events"`
	// Treasury holds what the community has pooled, per asset with a
	// balance: a public sign of how real the community is.
	Treasury []AssetBalance `json:"treasury"`
	// Charter is the version in force, 0 when the hub has none.
	Charter int `json:"charter_version"`
	// At is the census figures at the latest checkpoint, nil until the
	// first checkpoint after start-up is sealed.
	At *CensusAt `json:"census"`
}

// Census is public: visitors may read it. asMember shows every member's
// name; visitors see only members who chose to be listed.
func (h *Hub) Census(asMember bool) (c Census, err error) {
	err = h.View(func(r Reader) error {
		hi, _ := GetHub(r)
		c.Hub = hi.Name
		c.Charter = CharterVersion(r)
		for _, m := range ListMembers(r) {
			if m.Gone() {
				continue
			}
			c.Count++
			if !asMember && !m.Listed {
				c.Unlisted++
				continue
			}
			c.Members = append(c.Members, CensusMember{ID: m.ID, Name: m.Name, Joined: Day(m.Joined)})
		}
		c.Treasury = []AssetBalance{}
		for _, a := range ListAssets(r) {
			if b := Balance(r, a.Code); b != 0 {
				c.Treasury = append(c.Treasury, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: b})
			}
		}
		return nil
	})
	if c.Members == nil {
		c.Members = []CensusMember{}
	}
	pub := h.eng.Published()
	c.Events, c.At = pub.Size, pub.Census
	return c, err
}

// censusPoint names a checkpoint for the census.
func censusPoint(height, size int64, root []byte, unix int64) CensusPoint {
	return CensusPoint{Height: height, Size: size, Time: unix * 1000, Root: base64.StdEncoding.EncodeToString(root)}
}

// CensusDiff compares two censuses computed at the same checkpoint and
// names the first figure that differs, "" when they agree.
func CensusDiff(a, b CensusAt) string {
	if a.At != b.At {
		return fmt.Sprintf("computed at different checkpoints (%d and %d)", a.At.Height, b.At.Height)
	}
	fa, fb := a.Figures, b.Figures
	switch {
	case fa.Members != fb.Members:
		return "members"
	case fa.Active30 != fb.Active30:
		return "active_30d"
	case fa.Active90 != fb.Active90:
		return "active_90d"
	case fmt.Sprint(fa.Joined) != fmt.Sprint(fb.Joined):
		return "joined"
	case fmt.Sprint(fa.Left) != fmt.Sprint(fb.Left):
		return "left"
	case fmt.Sprint(fa.Countries) != fmt.Sprint(fb.Countries) || fa.CountriesWithheld != fb.CountriesWithheld || fa.CountryUndeclared != fb.CountryUndeclared:
		return "countries"
	case fa.Spaces != fb.Spaces || fa.Beds != fb.Beds:
		return "beds"
	case fa.BedNightsUsed != fb.BedNightsUsed || fa.BedNightsAhead != fb.BedNightsAhead:
		return "bed_nights"
	case fmt.Sprint(fa.Treasury) != fmt.Sprint(fb.Treasury):
		return "treasury"
	}
	return ""
}

// CensusAtSeal computes the census at checkpoint c from r, the state the
// checkpoint covers. Figures come from counters, so this costs the same at
// any state size; a corrupt counter costs the census, never the seal: the
// census is nil and the error, an *InternalError with the stack of the
// panic, is for the steward's log.
func CensusAtSeal(r Reader, c chain.Checkpoint) (out *CensusAt, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &InternalError{Err: fmt.Errorf("census at checkpoint %d: %v", c.Height, p), Stack: debug.Stack()}
		}
	}()
	return &CensusAt{At: censusPoint(c.Height, c.Size, c.Root[:], c.Time), Figures: ComputeCensus(r, c.Time*1000)}, nil
}
