package state

// Who may read what. This table is the one place the hub's read rules
// live: the SSH commands gate on it (ssh/cmd/audience.go), the app words its
// promises from it, and docs/events.md ("Who can read what") and the
// README repeat it. A rule that is not here is not kept.

// Audience is who may read a kind of data.
type Audience int

const (
	// Public is anyone, with any key or none: visitors, other hubs'
	// witnesses, a public web page.
	Public Audience = iota
	// Members is every current member: not a visitor, not one who left
	// or was expelled.
	Members
	// Owner is the one member the data belongs to.
	Owner
	// Moderators is the moderators of a case who are not parties to it.
	Moderators
)

func (a Audience) String() string {
	switch a {
	case Public:
		return "anyone"
	case Members:
		return "members"
	case Owner:
		return "only you"
	case Moderators:
		return "moderators who are not parties"
	}
	return "nobody"
}

// Readable is a kind of data the hub serves.
type Readable string

// The kinds of data, from most public to most private.
const (
	ReadCheckpoints Readable = "checkpoints"
	ReadConsistency Readable = "consistency"
	ReadInclusion   Readable = "inclusion"
	ReadCensus      Readable = "census"
	ReadCharter     Readable = "charter"
	ReadDossier     Readable = "dossier"
	ReadWitnessing  Readable = "witnessing"
	ReadSelf        Readable = "self"
	ReadLog         Readable = "log"
	ReadCommunity   Readable = "community"
	ReadDrafts      Readable = "drafts"
	ReadPreferences Readable = "preferences"
	ReadNotes       Readable = "notes"
)

// ReadRule is one row of the table: a kind of data, who may read it, and
// what it holds in words a person reads, short (the app) and long (the
// docs).
type ReadRule struct {
	What  Readable
	Who   Audience
	Short string
	Says  string
}

// ReadRules is the table. Public rows say everything a visitor can
// reach; anything a row does not name is the community's (Members).
var ReadRules = []ReadRule{
	{ReadCheckpoints, Public, "checkpoints", "the signed checkpoints and the hub's verifier key"},
	{ReadConsistency, Public, "proofs", "consistency proofs between two checkpoints' sizes"},
	{ReadInclusion, Public, "event hashes", "inclusion proofs as hashes: an event's number, its leaf hash and the proof, never the event"},
	{ReadCensus, Public, "the census, naming listed members only", "the census: how many members, the figures at the latest checkpoint, and the names of members who chose to be listed"},
	{ReadCharter, Public, "the charter", "the charter and its history"},
	{ReadDossier, Public, "the dossier", "the signed dossier (counts only)"},
	{ReadWitnessing, Public, "witnessing", "witnessing: the hub's witness key, the logs it cosigns and the witnesses it asks (their keys and addresses), and cosigning requests (add-checkpoint)"},
	{ReadSelf, Public, "their own application", "what concerns the asker alone: their own key, their own application, how to join"},
	{ReadLog, Members, "the log: every member's name and key", "the whole log, every event's bytes (chain export, the event in a receipt), so any member can verify everything"},
	{ReadCommunity, Members, "everything else", "everything else: members, their names, keys and roles, proposals and votes, treasury, housing, disputes, moderation"},
	{ReadDrafts, Owner, "your drafts", "a member's drafts, kept outside the log until they are opened"},
	{ReadPreferences, Owner, "your theme", "a member's preferences (the theme), kept outside the log"},
	{ReadNotes, Moderators, "case notes", "private notes on a case, kept outside the log (the log holds a salted hash of each)"},
}

// AudienceRules lists the rules of audience a, in table order.
func AudienceRules(a Audience) []ReadRule {
	var out []ReadRule
	for _, r := range ReadRules {
		if r.Who == a {
			out = append(out, r)
		}
	}
	return out
}

// RuleFor returns the rule for what. An unknown kind is read by nobody.
func RuleFor(what Readable) (ReadRule, bool) {
	for _, r := range ReadRules {
		if r.What == what {
			return r, true
		}
	}
	return ReadRule{What: what, Who: -1}, false
}

// Reading is a request to read: who asks, and whose data it is.
type Reading struct {
	// Member is the reader, nil for a visitor (an unknown key).
	Member *Member
	// Owner is the member Owner data belongs to.
	Owner uint64
	// Case is the case Moderators data belongs to.
	Case *Case
}

// MayRead reports whether the reading may see what, by the table.
func MayRead(what Readable, rd Reading) bool {
	rule, ok := RuleFor(what)
	if !ok {
		return false
	}
	if rule.Who == Public {
		return true
	}
	m := rd.Member
	if m == nil || m.Gone() {
		return false
	}
	switch rule.Who {
	case Members:
		return true
	case Owner:
		return m.ID == rd.Owner
	case Moderators:
		return rd.Case != nil && mayReadNotes(*m, *rd.Case)
	}
	return false
}

// ReaderOf is the reading of the key with fingerprint fp: a member, or
// (not found, left) a visitor.
func (h *Hub) ReaderOf(fp string) (Reading, error) {
	if fp == "" {
		return Reading{}, nil
	}
	m, ok, err := h.Whoami(fp)
	if err != nil || !ok {
		return Reading{}, err
	}
	return Reading{Member: &m}, nil
}
