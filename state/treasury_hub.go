package state

// AssetBalance is the treasury's holding of one asset.
type AssetBalance struct {
	Asset    string `json:"asset"`
	Decimals int    `json:"decimals"`
	Balance  int64  `json:"balance"` // minor units
}

// Balances lists every asset with what the treasury holds of it.
func (h *Hub) Balances() (out []AssetBalance, err error) {
	err = h.View(func(r Reader) error {
		for _, a := range ListAssets(r) {
			out = append(out, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: Balance(r, a.Code)})
		}
		return nil
	})
	return out, err
}

// Assets lists the assets the treasury can hold.
func (h *Hub) Assets() (as []Asset, err error) {
	err = h.View(func(r Reader) error { as = ListAssets(r); return nil })
	return as, err
}

// Ledger returns the entries with fromMS <= time < toMS (0: unbounded), in
// order, all of them: members reconcile against it.
func (h *Hub) Ledger(fromMS, toMS int64) (out []Entry, err error) {
	err = h.View(func(r Reader) error {
		for _, e := range ListEntries(r) {
			if (fromMS == 0 || e.Time >= fromMS) && (toMS == 0 || e.Time < toMS) {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// Payouts lists every payout order.
func (h *Hub) Payouts() (ps []Payout, err error) {
	err = h.View(func(r Reader) error { ps = ListPayouts(r); return nil })
	return ps, err
}

// TreasuryPolicy returns how many signatures a payout needs.
func (h *Hub) TreasuryPolicy() (p TreasuryPolicy, err error) {
	err = h.View(func(r Reader) error { p = Policy(r); return nil })
	return p, err
}
