package state

// Housing event bodies; see docs/events.md.

// SpaceAdded opens a space for booking: a steward's command (Proposal 0),
// or the effect of space proposal Proposal, right after its
// proposal.executed.
type SpaceAdded struct {
	Space    Space  `json:"space"`
	Proposal uint64 `json:"proposal"`
}

// SpaceRetired closes a space to new bookings, by a steward or as a space
// proposal's effect (as SpaceAdded).
type SpaceRetired struct {
	Space    uint64 `json:"space"`
	Proposal uint64 `json:"proposal"`
}

// BookingRequested is a member's stay: confirmed, pending approval (both
// hold their beds), or waitlisted (holds none).
type BookingRequested struct {
	Booking uint64 `json:"booking"`
	Space   uint64 `json:"space"`
	From    string `json:"from"`
	To      string `json:"to"`
	Beds    int    `json:"beds"`
	Status  string `json:"status"`
	Sig     string `json:"sig,omitempty"`     // the member's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq  uint64 `json:"sig_seq,omitempty"` // the member's signed-act sequence number
}

// BookingCancelled frees a booking's beds (by its member or a steward).
type BookingCancelled struct {
	Booking uint64 `json:"booking"`
}

// BookingDecided is a steward approving or declining a pending booking.
type BookingDecided struct {
	Booking  uint64 `json:"booking"`
	Approved bool   `json:"approved"`
}

// BookingPromoted moves a waitlisted booking in once beds are free. It
// follows, in the same command, the cancellation or decline that freed them.
type BookingPromoted struct {
	Booking uint64 `json:"booking"`
	Status  string `json:"status"` // confirmed, or pending where approval is needed
}

func (SpaceAdded) EventType() string       { return "space.added" }
func (SpaceRetired) EventType() string     { return "space.retired" }
func (BookingRequested) EventType() string { return "booking.requested" }
func (BookingCancelled) EventType() string { return "booking.cancelled" }
func (BookingDecided) EventType() string   { return "booking.decided" }
func (BookingPromoted) EventType() string  { return "booking.promoted" }

func init() {
	register(func() Body { return &SpaceAdded{} })
	register(func() Body { return &SpaceRetired{} })
	register(func() Body { return &BookingRequested{} })
	register(func() Body { return &BookingCancelled{} })
	register(func() Body { return &BookingDecided{} })
	register(func() Body { return &BookingPromoted{} })
}
