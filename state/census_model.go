package state

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/polis-hub/polis/state/countries"
)

// The census is how a community shows how big and how alive it is, to
// itself, to a landlord, to a city. Its figures are computed at a
// checkpoint from counters Apply keeps, so they cost the same to compute
// at any size, and anyone replaying the log to that checkpoint
// (`polis verify --census`) gets exactly the same numbers.

// CensusCountryMin is how many members must share a country before it is
// shown: fewer could identify them.
const CensusCountryMin = 3

// Activity windows, in days.
const (
	ActiveShortDays = 30
	ActiveLongDays  = 90
)

const (
	prefixCensus   = "s/cen/"
	prefixJoinedM  = prefixCensus + "joined/"  // <YYYY-MM>: members who joined that month
	prefixLeftM    = prefixCensus + "left/"    // <YYYY-MM>: members who left or were expelled
	prefixCountry  = prefixCensus + "country/" // <CC>: current members declaring it
	prefixActDay   = prefixCensus + "act/"     // <day>: members whose last activity was that day
	prefixBNMonth  = prefixCensus + "bnm/"     // <YYYY-MM>: confirmed bed-nights in that month
	prefixBNDay    = prefixCensus + "bnd/"     // <day>: confirmed bed-nights that night
	prefixLastAct  = "s/lastact/"              // <member>: day of their last activity
	censusDayWidth = 8                         // day numbers are zero-padded so they sort
)

// MonthCount is a count for one calendar month (UTC).
type MonthCount struct {
	Month string `json:"month"` // YYYY-MM
	Count int64  `json:"count"`
}

// CountryCount is how many members declared a country.
type CountryCount struct {
	Country string `json:"country"`
	Count   int64  `json:"count"`
}

// CensusFigures are the census numbers, all recomputable from the chain.
type CensusFigures struct {
	Members  int64        `json:"members"`
	Joined   []MonthCount `json:"joined"`
	Left     []MonthCount `json:"left"`
	Active30 int64        `json:"active_30d"`
	Active90 int64        `json:"active_90d"`
	// Countries lists countries shared by at least CensusCountryMin
	// members; the rest are summed in CountriesWithheld.
	Countries         []CountryCount `json:"countries"`
	CountriesWithheld int64          `json:"countries_withheld"`
	CountryUndeclared int64          `json:"country_undeclared"`
	Spaces            int64          `json:"spaces"`
	Beds              int64          `json:"beds"`
	BedNightsUsed     int64          `json:"bed_nights_used"`   // confirmed, before the census day
	BedNightsAhead    int64          `json:"bed_nights_booked"` // confirmed, from the census day on
	Treasury          []AssetBalance `json:"treasury"`
}

// CensusPoint is where figures were computed: a signed checkpoint.
type CensusPoint struct {
	Height int64  `json:"height"`
	Size   int64  `json:"size"`
	Time   int64  `json:"time"` // unix ms: the checkpoint's own time (its note counts seconds)
	Root   string `json:"root"` // base64, as in the checkpoint
}

// CensusAt is the census at one checkpoint.
type CensusAt struct {
	At      CensusPoint   `json:"at"`
	Figures CensusFigures `json:"figures"`
}

func month(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01") }

func dayOf(ms int64) int { return int(ms / (24 * 3600 * 1000)) }

func dayKey(prefix string, day int) string { return fmt.Sprintf("%s%0*d", prefix, censusDayWidth, day) }

func getCount(r Reader, key string) int64 {
	b, ok := r.Get(key)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: key, err: err})
	}
	return n
}

// CheckCountry accepts a code of the pinned ISO 3166-1 alpha-2 list
// (state/countries), or "" to clear.
func CheckCountry(cc string) error {
	if cc != "" && !countries.Valid(cc) {
		return fmt.Errorf("country must be a two-letter ISO 3166 code such as PT or DE, not %q", truncate(cc, 20))
	}
	return nil
}

func dayMonth(day int) string { return time.Unix(int64(day)*24*3600, 0).UTC().Format("2006-01") }

// ComputeCensus computes the figures at time at (unix ms) from state. It reads a
// bounded number of keys (months, countries, 90 days, spaces, assets), so
// the sequencer can afford it at every checkpoint.
func ComputeCensus(r Reader, at int64) CensusFigures {
	f := CensusFigures{Joined: []MonthCount{}, Left: []MonthCount{}, Countries: []CountryCount{}, Treasury: []AssetBalance{}}
	months := func(prefix string) (out []MonthCount, total int64) {
		out = []MonthCount{}
		r.Scan(prefix, func(k string, _ []byte) bool {
			n := getCount(r, k)
			out = append(out, MonthCount{Month: k[len(prefix):], Count: n})
			total += n
			return true
		})
		return out, total
	}
	var joined, left int64
	f.Joined, joined = months(prefixJoinedM)
	f.Left, left = months(prefixLeftM)
	f.Members = joined - left
	today := dayOf(at)
	for d := today - ActiveLongDays + 1; d <= today; d++ {
		n := getCount(r, dayKey(prefixActDay, d))
		f.Active90 += n
		if d > today-ActiveShortDays {
			f.Active30 += n
		}
	}
	var declared int64
	r.Scan(prefixCountry, func(k string, _ []byte) bool {
		n := getCount(r, k)
		declared += n
		if n >= CensusCountryMin {
			f.Countries = append(f.Countries, CountryCount{Country: k[len(prefixCountry):], Count: n})
		} else {
			f.CountriesWithheld += n
		}
		return true
	})
	sort.SliceStable(f.Countries, func(i, j int) bool { return f.Countries[i].Count > f.Countries[j].Count })
	f.CountryUndeclared = f.Members - declared
	for _, s := range ListSpaces(r) {
		if !s.Retired {
			f.Spaces++
			f.Beds += int64(s.Beds)
		}
	}
	thisMonth := dayMonth(today)
	r.Scan(prefixBNMonth, func(k string, _ []byte) bool {
		m, n := k[len(prefixBNMonth):], getCount(r, k)
		switch {
		case m < thisMonth:
			f.BedNightsUsed += n
		case m > thisMonth:
			f.BedNightsAhead += n
		}
		return true
	})
	// This month splits at today: at most 31 reads.
	t := time.Unix(int64(today)*24*3600, 0).UTC()
	start := today - t.Day() + 1
	for d := start; dayMonth(d) == thisMonth; d++ {
		n := getCount(r, dayKey(prefixBNDay, d))
		if d < today {
			f.BedNightsUsed += n
		} else {
			f.BedNightsAhead += n
		}
	}
	for _, a := range ListAssets(r) {
		if b := Balance(r, a.Code); b != 0 {
			f.Treasury = append(f.Treasury, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: b})
		}
	}
	return f
}
