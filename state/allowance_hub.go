package state

// Allowances lists every allowance.
func (h *Hub) Allowances() (as []Allowance, err error) {
	err = h.View(func(r Reader) error { as = ListAllowances(r); return nil })
	return as, err
}
