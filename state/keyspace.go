package state

import (
	"reflect"
	"regexp"
	"strings"
)

// The keyspace: every family of state keys, its key bytes and its value
// bytes. docs/events.md prints this table (between its generated markers)
// and TestKeyspaceCoversState fails when a replayed log holds a key no row
// matches, or a value its row does not describe: so the specification a
// verifier implements cannot fall behind the keys Apply writes.

// ValueForm says what bytes a key's value holds.
type ValueForm string

const (
	// FormJSON is the compact JSON of the row's struct, as encoding/json
	// writes it, with every empty list written null (see normalizeLists).
	FormJSON ValueForm = "json"
	// FormDecimal is a base-10 integer without sign padding or leading
	// zeros (a "-" for a negative balance).
	FormDecimal ValueForm = "decimal"
	// FormEmpty is the empty byte string: the key's presence is the fact.
	FormEmpty ValueForm = "empty"
	// FormWord is one of the row's literal words.
	FormWord ValueForm = "word"
)

// KeyFamily is one row of the keyspace.
type KeyFamily struct {
	// Pattern is the key with its variable parts in angle brackets; see
	// keyParts for what each placeholder stands for.
	Pattern string
	Form    ValueForm
	// Type is the struct stored, for FormJSON.
	Type reflect.Type
	// Words lists the values of a FormWord key.
	Words []string
	// Doc says what the pair means and which events write it.
	Doc string
}

// keyParts are the placeholders of a pattern, with the regular expression
// each one matches and the words docs/events.md says about it.
var keyParts = []struct{ name, re, doc string }{
	{"<id>", `[0-9]{12}`, "an ID in decimal, zero-padded to 12 digits"},
	{"<n6>", `[0-9]{6}`, "a number in decimal, zero-padded to 6 digits"},
	{"<day>", `[0-9]{8}`, "a UTC day as days since 1970-01-01, zero-padded to 8 digits"},
	{"<num>", `[1-9][0-9]*`, "an ID in decimal, not padded"},
	{"<month>", `[0-9]{4}-[0-9]{2}`, "a UTC month, YYYY-MM"},
	{"<cc>", `[A-Z]{2}`, "an ISO 3166-1 alpha-2 country code"},
	{"<kind>", `[a-z]+`, "a proposal kind (see Governance events)"},
	{"<asset>", `[A-Z][A-Z0-9]{1,11}`, "an asset code"},
	{"<id-kind>", `[a-z]+`, "an ID kind: member, invite, application, proposal, space, booking, case, campaign, payout, allowance, entry, change"},
	{"<deleg-kind>", `(\*|[a-z]+)`, "a proposal kind, or `*` for every kind"},
	{"<fingerprint>", `SHA256:[A-Za-z0-9+/]{43}`, "an SSH key fingerprint, `SHA256:` and unpadded standard base64"},
	{"<hash>", `[0-9a-f]{64}`, "a SHA-256 in lowercase hex"},
	{"<name-key>", `.+`, "a name key of the name rule (see Member names)"},
	{"<time16>", `[0-9]{16}`, "unix milliseconds, zero-padded to 16 digits (0: at once)"},
	{"<due-kind>", `(change|proposal|allowance|campaign|jury)`, "what falls due: `change`, `proposal`, `allowance`, `campaign` or `jury`"},
	{"<stage>", `(ruling|jury)`, "which ruling of a case: the moderator's (`ruling`) or the jury's (`jury`)"},
	{"<effect-type>", `(member\.suspended|member\.expelled|payout\.created)`, "the event type of a ruling's effect"},
	{"<note-name>", `[^ +\n]+`, "a signed-note key name: a log's origin, or a witness's name"},
}

func typeOfT[T any]() reflect.Type { return reflect.TypeFor[T]() }

// Keyspace is the table, in key order.
var Keyspace = []KeyFamily{
	{"s/allowance/<id>", FormJSON, typeOfT[Allowance](), nil, "an allowance granted by a passed spend proposal with a period"},
	{"s/app/<id>", FormJSON, typeOfT[Application](), nil, "an application (`application.submitted`, `application.decided`)"},
	{"s/appkey/<fingerprint>", FormDecimal, nil, nil, "the ID of that key's latest application"},
	{"s/apppend/<id>", FormDecimal, nil, nil, "the application's own ID, while it is pending"},
	{"s/asset/<asset>", FormJSON, typeOfT[Asset](), nil, "an asset the treasury counts (`asset.added`)"},
	{"s/balance/<asset>", FormDecimal, nil, nil, "the treasury's balance of the asset, in minor units"},
	{"s/booking/<id>", FormJSON, typeOfT[Booking](), nil, "a booking and its status"},
	{"s/campaign/<id>", FormJSON, typeOfT[Campaign](), nil, "a pledge campaign"},
	{"s/case/<id>", FormJSON, typeOfT[Case](), nil, "a dispute case"},
	{"s/casenote/<id>/<n6>", FormJSON, typeOfT[noteRecord](), nil, "a moderator note's public commitment (`case.noted`)"},
	{"s/cen/act/<day>", FormDecimal, nil, nil, "members whose last activity was that day"},
	{"s/cen/bnd/<day>", FormDecimal, nil, nil, "confirmed bed-nights on that night"},
	{"s/cen/bnm/<month>", FormDecimal, nil, nil, "confirmed bed-nights in that month"},
	{"s/cen/country/<cc>", FormDecimal, nil, nil, "current members who declared that country"},
	{"s/cen/joined/<month>", FormDecimal, nil, nil, "members who joined that month"},
	{"s/cen/left/<month>", FormDecimal, nil, nil, "members who left or were expelled that month"},
	{"s/change/<id>", FormJSON, typeOfT[Change](), nil, "a scheduled (time-locked) change, until applied or cancelled"},
	{"s/charter", FormDecimal, nil, nil, "the current charter version"},
	{"s/charter/<id>", FormJSON, typeOfT[Charter](), nil, "a charter version (`charter.adopted`)"},
	{"s/charterby/<num>", FormDecimal, nil, nil, "the charter version a passed charter proposal adopted"},
	{"s/code/<hash>", FormDecimal, nil, nil, "the invite whose code hashes to that"},
	{"s/comment/<id>/<n6>", FormJSON, typeOfT[Comment](), nil, "comment n on proposal id"},
	{"s/consent/<id>", FormDecimal, nil, nil, "the charter version application id consented to"},
	{"s/cosigner/<note-name>", FormJSON, typeOfT[Cosigner](), nil, "a witness this hub asks to cosign its checkpoints (`witness.used`)"},
	{"s/deleg/<id>/<deleg-kind>", FormDecimal, nil, nil, "the member this member delegates that kind to"},
	{"s/due/<time16>/<due-kind>/<id>", FormEmpty, nil, nil, "what falls due at that time (see \"What falls due\")"},
	{"s/effect/case/<id>/<stage>/<effect-type>", FormWord, nil, []string{"member.suspended", "member.expelled", "payout.created"}, "that effect of the case's ruling has been applied (value: its event type), so it is applied once"},
	{"s/effect/proposal/<id>", FormWord, nil, []string{"role.granted", "role.revoked", "member.expelled", "space.added", "space.retired", "payout.created", "allowance.granted", "rules.set", "treasury.policy", "validators.changed"}, "the passed proposal's effect has been applied (value: its event type), so it is applied once"},
	{"s/entry/<id>", FormJSON, typeOfT[Entry](), nil, "a ledger entry; IDs count all entries hub-wide"},
	{"s/evidence/<id>/<n6>", FormJSON, typeOfT[Statement](), nil, "statement n in case id"},
	{"s/expelled/<num>", FormDecimal, nil, nil, "the case that expelled the member (0: an expel proposal)"},
	{"s/gone/<num>", FormWord, nil, []string{"left", "expelled"}, "the member no longer counts, and why"},
	{"s/hub", FormJSON, typeOfT[HubInfo](), nil, "the community (`hub.created`; `origin` from `hub.origin`)"},
	{"s/invite/<id>", FormJSON, typeOfT[Invite](), nil, "an invite (`invite.created`, `invite.revoked`, uses)"},
	{"s/key/<fingerprint>", FormDecimal, nil, nil, "the member holding that key"},
	{"s/keycode/<hash>", FormDecimal, nil, nil, "the member whose pending key offer has that code hash"},
	{"s/keyoffer/<id>", FormJSON, typeOfT[KeyOffer](), nil, "the member's pending key offer (`key.offered`)"},
	{"s/lastact/<id>", FormDecimal, nil, nil, "the day (days since 1970-01-01) of the member's last activity"},
	{"s/member/<id>", FormJSON, typeOfT[Member](), nil, "a member"},
	{"s/name/<name-key>", FormDecimal, nil, nil, "the member holding that name key"},
	{"s/next/<id-kind>", FormDecimal, nil, nil, "the next free ID of that kind (absent: 1)"},
	{"s/night/<id>/<day>", FormDecimal, nil, nil, "beds held in space id that night, by pending and confirmed bookings"},
	{"s/payout/<id>", FormJSON, typeOfT[Payout](), nil, "a payout awaiting co-signatures, or its outcome"},
	{"s/pledge/<id>/<id>", FormJSON, typeOfT[Pledge](), nil, "a member's pledge to a campaign: the campaign's ID, then the member's"},
	{"s/pledgeby/<id>/<id>", FormEmpty, nil, nil, "a member has an open pledge to a campaign: the member's ID, then the campaign's; gone when the campaign closes or the pledge is withdrawn"},
	{"s/prop/<id>", FormJSON, typeOfT[Proposal](), nil, "a proposal, its rules at opening and, once closed, its final count"},
	{"s/restcap/<asset>", FormJSON, typeOfT[RestitutionCap](), nil, "the cap on restitution a ruling may order in that asset"},
	{"s/reversed/<id>", FormDecimal, nil, nil, "the entry that reversed ledger entry id"},
	{"s/rules/<kind>", FormJSON, typeOfT[KindRules](), nil, "the rules of a proposal kind, once set (absent: the defaults)"},
	{"s/sigseq/<id>", FormDecimal, nil, nil, "the sequence number of the member's last signed act (see \"Member-signed acts\")"},
	{"s/space/<id>", FormJSON, typeOfT[Space](), nil, "a shared space"},
	{"s/treasury/policy", FormJSON, typeOfT[TreasuryPolicy](), nil, "the co-signature policy, once set"},
	{"s/validators", FormJSON, typeOfT[ValidatorSet](), nil, "a replicated hub's validator set (`validators.set`); absent on a single hub"},
	{"s/vote/<id>/<id>", FormJSON, typeOfT[Vote](), nil, "member's vote on proposal id (proposal first)"},
	{"s/wait/<id>/<id>", FormEmpty, nil, nil, "a waitlisted booking of a space: the space's ID, then the booking's; gone when it is promoted or cancelled"},
	{"s/watch/<note-name>", FormJSON, typeOfT[WatchedLog](), nil, "a log this hub's witness cosigns (`witness.watched`)"},
}

var keyspaceRE = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(Keyspace))
	for i, f := range Keyspace {
		re := regexp.QuoteMeta(f.Pattern)
		for _, p := range keyParts {
			re = strings.ReplaceAll(re, regexp.QuoteMeta(p.name), p.re)
		}
		out[i] = regexp.MustCompile("^" + re + "$")
	}
	return out
}()

// FamilyOf returns the row whose pattern key matches, or false.
func FamilyOf(key string) (KeyFamily, bool) {
	for i, re := range keyspaceRE {
		if re.MatchString(key) {
			return Keyspace[i], true
		}
	}
	return KeyFamily{}, false
}
