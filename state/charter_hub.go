package state

// Queries for the civic parts: charter, campaigns, a member's own record.

// Charter returns charter version v, or the one in force when v is 0.
func (h *Hub) Charter(v int) (c Charter, ok bool, err error) {
	err = h.View(func(r Reader) error {
		if v == 0 {
			c, ok = CurrentCharter(r)
		} else {
			c, ok = GetCharter(r, v)
		}
		return nil
	})
	return c, ok, err
}

// Charters lists every charter version, oldest first.
func (h *Hub) Charters() (cs []Charter, err error) {
	err = h.View(func(r Reader) error { cs = ListCharters(r); return nil })
	return cs, err
}
