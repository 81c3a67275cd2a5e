// Package state is polis's domain: what a community's members can do, the
// events that record it, the state those events fold into, who may read
// what, and the Hub, the one door both doors (ssh/cmd and tui) use.
//
// # The spine
//
// Every write takes the same path, and nothing else writes state:
//
//	Command.Decide(Reader, Env)  pure: checks the command against state;
//	                             an error writes nothing, else events
//	Apply(Writer, Event)         deterministic: folds each event into
//	                             state, re-checking what the event claims
//	                             (a forged log fails here, not later)
//	engine                       decides and applies a batch of commands
//	                             inside one transaction, makes it durable,
//	                             then seals checkpoints over the log
//
// Time enters only as an event's own timestamp: deadlines (proposals,
// campaigns, scheduled changes, allowances, juries) close by events the hub
// submits as SystemActor, so a replay never reads the clock; the hub finds
// them in an index Apply keeps (due.go).
//
// One change, one event type, one applier: what a passed proposal, a
// scheduled change or a ruling does is not folded by the event that
// decided it but by the changed domain's own event, which follows it in
// the same command and names its cause (gov_effects.go,
// dispute_effects.go), so a change is checked by the same rules whichever
// way it comes.
//
// Private records (drafts, themes, note salts) are written beside the
// events by commands that implement privateWriter (private.go), outside
// the digest, the Merkle tree and the export.
//
// # The domains
//
// Each domain has one file set with the same names:
//
//	<domain>_events.go    event bodies: the canonical wire form (docs/events.md)
//	<domain>_model.go     the state it keeps: types, keys, getters
//	<domain>_commands.go  commands and their Decide
//	<domain>_apply.go     how its events fold into state
//	<domain>_hub.go       the Hub's queries over it
//	<domain>_test.go      its tests
//
// and, where a domain has more than one concept, <domain>_<concept>.go:
//
//	members     hub, members, keys, invites, applications, roles, names;
//	            _keyoffer, _leave, _profile, _prefs, _record, _name,
//	            _applications
//	gov         proposals, votes, delegation, rules of each kind;
//	            _tally, _guard (rule floors), _changes (scheduled changes),
//	            _effects (what a passed proposal does), _ballot, _drafts
//	treasury    assets, ledger, payouts, policy; _caps (restitution caps)
//	allowance   standing spending rights granted by proposal
//	housing     spaces, bookings, waitlists; _rules (stay rules, dates)
//	dispute     cases, statements, rulings, juries; _notes (private notes),
//	            _effects (what a ruling does)
//	campaign    crowdfunding pledges
//	charter     the charter and members' consent to it
//	census      counters Apply keeps and the figures computed from them
//
// # The rest of the package
//
//	apply.go              Apply and the one dispatch table: each event
//	                      type and its applier, listed by each domain in
//	                      its <domain>_apply.go; recovers panics, feeds
//	                      the census
//	command.go            Command, Actor, Env; membership and rights checks
//	readrules.go          who may read what: the one table of read rules
//	codec.go              the canonical event encoding and type registry
//	kv.go, kvjson.go      Reader, Writer, the overlay; JSON state values
//	objcache.go           decoded values shared between reads
//	batch.go              deciding a batch of commands over one base
//	engine.go             Sequencer, Engine, Published: what the Hub needs
//	memory.go             Memory, an in-memory Engine (tests, tools)
//	hub.go, hub_*.go      the Hub: Submit, View, shared read caches, the log
//	budget.go             members' write budgets
//	layout.go             the keyspace and FormatVersion
//	due.go                the index of what falls due (s/due/), which
//	                      Apply keeps and the deadline loop reads
//	checkpoint.go, digest.go, verify.go, since.go, export.go
//	                      sealing, the state digest, replay and proofs
//	dossier.go            the signed public dossier
//
// The Badger engine is package state/store; it implements Engine and sees
// the domain only through Batch and Apply. Sub-packages hold pure helpers
// with no domain state: money, names, sanitize, markdown, tally, zones,
// countries, durable.
package state
