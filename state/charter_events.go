package state

// CharterAdopted sets a new charter version. The first is a steward's
// command; later ones are emitted when a charter proposal executes, inside
// the same command that closes it.
type CharterAdopted struct {
	Version  int    `json:"version"`
	Text     string `json:"text"`
	Proposal uint64 `json:"proposal"`
}

// ConsentGiven records that a member (or an applicant, before they are a
// member) consented to a charter version.
type ConsentGiven struct {
	Member      uint64 `json:"member"`
	Application uint64 `json:"application"`
	Version     int    `json:"version"`
	Sig         string `json:"sig,omitempty"`     // the member's armoured SSHSIG over ActBytes, or "" (attested by the hub)
	SigSeq      uint64 `json:"sig_seq,omitempty"` // the member's signed-act sequence number
}

func (CharterAdopted) EventType() string { return "charter.adopted" }
func (ConsentGiven) EventType() string   { return "consent.given" }

func init() {
	register(func() Body { return &CharterAdopted{} })
	register(func() Body { return &ConsentGiven{} })
}
