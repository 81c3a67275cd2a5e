package state

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
)

// Asset is a currency the treasury holds, counted in integer minor units.
type Asset struct {
	Code     string `json:"code"`
	Decimals int    `json:"decimals"`
}

// builtinAssets exist on every hub; stewards add others.
var builtinAssets = map[string]Asset{
	"USD": {Code: "USD", Decimals: 2},
	"EUR": {Code: "EUR", Decimals: 2},
	"BTC": {Code: "BTC", Decimals: 8},
}

var assetCodeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)

// Line is one leg of a double-entry ledger entry. The legs of an entry sum
// to zero per asset. Accounts: "treasury" (what the community holds),
// "member/<id>/in" (what a member contributed), "member/<id>/out" (what was
// paid to a member).
type Line struct {
	Account string `json:"account"`
	Delta   int64  `json:"delta"`
}

// Entry kinds.
const (
	EntryContribution = "contribution"
	EntryReversal     = "reversal"
	EntryPayout       = "payout"
)

// TreasuryDelta is what the entry did to the treasury's holding of its
// asset: positive for money in, negative for money out. It is the sum of
// the entry's treasury legs; an entry without legs is read by its kind (a
// contribution brings money in, every other kind takes it out).
func (e Entry) TreasuryDelta() int64 {
	var d int64
	legs := false
	for _, l := range e.Lines {
		if l.Account == "treasury" {
			d, legs = d+l.Delta, true
		}
	}
	switch {
	case legs:
		return d
	case e.Kind == EntryContribution:
		return e.Amount
	}
	return -e.Amount
}

// Entry is one ledger entry; the ledger is append-only.
type Entry struct {
	ID       uint64 `json:"id"`
	Kind     string `json:"kind"`
	Member   uint64 `json:"member"` // who contributed or was paid
	Asset    string `json:"asset"`
	Amount   int64  `json:"amount"` // minor units, always positive
	Memo     string `json:"memo"`
	Lines    []Line `json:"lines"`
	Reverses uint64 `json:"reverses,omitempty"`
	Payout   uint64 `json:"payout,omitempty"`
	// Allowance names the allowance an allowance entry was paid from.
	Allowance uint64 `json:"allowance,omitempty"`
	By        uint64 `json:"by"` // the member whose command made it
	Time      int64  `json:"time"`
	Seq       uint64 `json:"seq"`
}

// Payout is an order created by a passed spend proposal, paid once enough
// treasurers co-sign it.
type Payout struct {
	ID       uint64   `json:"id"`
	Proposal uint64   `json:"proposal"`
	Author   uint64   `json:"author"` // the proposal's author, who may not sign
	To       uint64   `json:"to"`
	Asset    string   `json:"asset"`
	Amount   int64    `json:"amount"`
	Memo     string   `json:"memo"`
	Needed   int      `json:"needed"` // M, fixed when the order is created
	Signers  []uint64 `json:"signers"`
	Status   string   `json:"status"` // pending, paid
	Entry    uint64   `json:"entry,omitempty"`
	Created  int64    `json:"created"`
}

// Payout statuses.
const (
	PayoutPending = "pending"
	PayoutPaid    = "paid"
)

// TreasuryPolicy is how many treasurer signatures a payout needs.
type TreasuryPolicy struct {
	Signers int `json:"signers"`
}

var defaultPolicy = TreasuryPolicy{Signers: 2}

const (
	prefixAsset   = "s/asset/"
	prefixBalance = "s/balance/"
	prefixEntry   = "s/entry/"
	prefixPayout  = "s/payout/"
	keyPolicy     = "s/treasury/policy"
	prefixReverse = "s/reversed/"
)

// GetAsset returns an asset by code: built-in or added.
func GetAsset(r Reader, code string) (Asset, bool) {
	var a Asset
	if getJSON(r, prefixAsset+code, &a) {
		return a, true
	}
	a, ok := builtinAssets[code]
	return a, ok
}

// ListAssets returns every asset, built-in first, in code order.
func ListAssets(r Reader) []Asset {
	seen := map[string]bool{}
	var out []Asset
	for _, c := range []string{"BTC", "EUR", "USD"} {
		out = append(out, builtinAssets[c])
		seen[c] = true
	}
	r.Scan(prefixAsset, func(k string, v []byte) bool {
		var a Asset
		if err := json.Unmarshal(v, &a); err != nil {
			panic(corruptError{key: k, err: err})
		}
		if !seen[a.Code] {
			out = append(out, a)
		}
		return true
	})
	return out
}

// Balance is what the treasury holds of an asset, in minor units.
func Balance(r Reader, asset string) int64 {
	b, ok := r.Get(prefixBalance + asset)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: prefixBalance + asset, err: err})
	}
	return n
}

func setBalance(w Writer, asset string, n int64) {
	w.Set(prefixBalance+asset, []byte(strconv.FormatInt(n, 10)))
}

// GetEntry returns ledger entry id.
func GetEntry(r Reader, id uint64) (Entry, bool) {
	var e Entry
	ok := getJSON(r, idKey(prefixEntry, id), &e)
	return e, ok
}

// ListEntries returns the ledger in order.
func ListEntries(r Reader) []Entry {
	var out []Entry
	r.Scan(prefixEntry, func(k string, v []byte) bool {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, e)
		return true
	})
	return out
}

// GetPayout returns payout order id.
func GetPayout(r Reader, id uint64) (Payout, bool) {
	var p Payout
	ok := getJSON(r, idKey(prefixPayout, id), &p)
	return p, ok
}

// ListPayouts returns every payout order.
func ListPayouts(r Reader) []Payout {
	var out []Payout
	r.Scan(prefixPayout, func(k string, v []byte) bool {
		var p Payout
		if err := json.Unmarshal(v, &p); err != nil {
			panic(corruptError{key: k, err: err})
		}
		out = append(out, p)
		return true
	})
	return out
}

// Policy returns the treasury's signing policy.
func Policy(r Reader) TreasuryPolicy {
	var p TreasuryPolicy
	if getJSON(r, keyPolicy, &p) {
		return p
	}
	return defaultPolicy
}

func memberAccount(id uint64, dir string) string { return fmt.Sprintf("member/%d/%s", id, dir) }
