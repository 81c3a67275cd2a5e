package state

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/witness"
)

// Witnessing, as the log records it. Whom a hub vouches for (the logs it
// watches) and whom it asks to vouch for it (its cosigners) are decisions
// of its stewards that members see: both are events. The cosigning itself,
// and the cosignatures gathered, are outside the log (a witness's record
// is its own; see the witness package and docs/events.md "Witnesses").

// Limits on the witnessing tables: each entry costs a connection or a
// check per checkpoint.
const (
	MaxWatched   = 32
	MaxCosigners = 16
)

// WatchedLog is a log this hub's witness cosigns.
type WatchedLog struct {
	Origin string `json:"origin"`
	Key    string `json:"key"` // the log's note verifier key
	By     uint64 `json:"by"`
	Since  int64  `json:"since"`
}

// Cosigner is a witness this hub asks to cosign its checkpoints.
type Cosigner struct {
	Name  string `json:"name"`
	Key   string `json:"key"`  // cosignature/v1 verifier key
	Addr  string `json:"addr"` // host:port of its SSH door
	By    uint64 `json:"by"`
	Since int64  `json:"since"`
}

const (
	prefixWatch    = "s/watch/"
	prefixCosigner = "s/cosigner/"
)

// WitnessWatched starts the hub's witness cosigning a log.
type WitnessWatched struct {
	Origin string `json:"origin"`
	Key    string `json:"key"`
}

// WitnessUnwatched stops it.
type WitnessUnwatched struct {
	Origin string `json:"origin"`
}

// WitnessUsed makes the hub ask a witness for cosignatures.
type WitnessUsed struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Addr string `json:"addr"`
}

// WitnessDropped stops asking it.
type WitnessDropped struct {
	Name string `json:"name"`
}

func (WitnessWatched) EventType() string   { return "witness.watched" }
func (WitnessUnwatched) EventType() string { return "witness.unwatched" }
func (WitnessUsed) EventType() string      { return "witness.used" }
func (WitnessDropped) EventType() string   { return "witness.dropped" }

func init() {
	register(func() Body { return &WitnessWatched{} })
	register(func() Body { return &WitnessUnwatched{} })
	register(func() Body { return &WitnessUsed{} })
	register(func() Body { return &WitnessDropped{} })
}

// checkLogKey is the rule for a watched log's key: an Ed25519 note
// verifier key, whose name is the log's origin.
func checkLogKey(vkey string) (origin string, err error) {
	if len(vkey) > 512 || sanitize.Line(vkey) != vkey {
		return "", fmt.Errorf("a log key is one line of printable text")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return "", fmt.Errorf("%q is not a log's verifier key (name+hash+key, as 'ssh HUB chain key' prints it): %v", sanitize.Line(vkey), err)
	}
	return v.Name(), nil
}

// checkCosignerKey is the rule for a cosigner's key: a cosignature/v1
// verifier key.
func checkCosignerKey(vkey string) (name string, err error) {
	if len(vkey) > 512 || sanitize.Line(vkey) != vkey {
		return "", fmt.Errorf("a witness key is one line of printable text")
	}
	v, err := witness.NewVerifier(vkey)
	if err != nil {
		return "", fmt.Errorf("%q is not a witness's key (as 'ssh HUB witness key' prints it): %v", sanitize.Line(vkey), err)
	}
	return v.Name(), nil
}

// checkAddr is the rule for a witness's address: host:port, port 1-65535.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || len(addr) > 260 || strings.ContainsAny(addr, " \t/@") || sanitize.Line(addr) != addr {
		return fmt.Errorf("%q is not HOST:PORT", sanitize.Line(addr))
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", sanitize.Line(port))
	}
	return nil
}

// WatchLog is `witness watch LOG-VKEY` (stewards).
type WatchLog struct{ Key string }

func (c WatchLog) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "choose which logs this hub witnesses")
	if err != nil {
		return 0, nil, err
	}
	origin, err := checkLogKey(c.Key)
	if err != nil {
		return 0, nil, err
	}
	if w, ok := GetWatched(r, origin); ok {
		if w.Key == c.Key {
			return m.ID, nil, nil
		}
		return 0, nil, fmt.Errorf("this hub already witnesses %s under another key: unwatch it first", sanitize.Line(origin))
	}
	if len(WatchedLogs(r)) >= MaxWatched {
		return 0, nil, fmt.Errorf("this hub already witnesses %d logs, the most it may", MaxWatched)
	}
	return m.ID, []Body{&WitnessWatched{Origin: origin, Key: c.Key}}, nil
}

// UnwatchLog is `witness unwatch ORIGIN|LOG-VKEY` (stewards).
type UnwatchLog struct{ Origin string }

func (c UnwatchLog) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "choose which logs this hub witnesses")
	if err != nil {
		return 0, nil, err
	}
	origin := c.Origin
	if o, err := checkLogKey(c.Origin); err == nil {
		origin = o
	}
	if _, ok := GetWatched(r, origin); !ok {
		return 0, nil, notFound("this hub does not witness %q", sanitize.Line(origin))
	}
	return m.ID, []Body{&WitnessUnwatched{Origin: origin}}, nil
}

// UseWitness is `witness use HOST:PORT COSIGNER-VKEY` (stewards).
type UseWitness struct{ Addr, Key string }

func (c UseWitness) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "choose this hub's witnesses")
	if err != nil {
		return 0, nil, err
	}
	if err := checkAddr(c.Addr); err != nil {
		return 0, nil, err
	}
	name, err := checkCosignerKey(c.Key)
	if err != nil {
		return 0, nil, err
	}
	if w, ok := GetCosigner(r, name); ok && w.Key == c.Key && w.Addr == c.Addr {
		return m.ID, nil, nil
	} else if ok && w.Key != c.Key {
		return 0, nil, fmt.Errorf("witness %s is already used with another key: drop it first", sanitize.Line(name))
	} else if !ok && len(Cosigners(r)) >= MaxCosigners {
		return 0, nil, fmt.Errorf("this hub already uses %d witnesses, the most it may", MaxCosigners)
	}
	return m.ID, []Body{&WitnessUsed{Name: name, Key: c.Key, Addr: c.Addr}}, nil
}

// DropWitness is `witness drop NAME|COSIGNER-VKEY` (stewards).
type DropWitness struct{ Name string }

func (c DropWitness) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := require(r, env, RightRoles, "choose this hub's witnesses")
	if err != nil {
		return 0, nil, err
	}
	name := c.Name
	if n, err := checkCosignerKey(c.Name); err == nil {
		name = n
	}
	if _, ok := GetCosigner(r, name); !ok {
		return 0, nil, notFound("this hub does not use a witness %q", sanitize.Line(name))
	}
	return m.ID, []Body{&WitnessDropped{Name: name}}, nil
}

// witnessAppliers fold the four witnessing events; like every applier
// they re-check what the bytes must hold, so a forged event fails here too.
var witnessAppliers = []applier{
	on(applyWitnessWatched),
	on(applyWitnessUnwatched),
	on(applyWitnessUsed),
	on(applyWitnessDropped),
}

func applyWitnessWatched(w Writer, ev Event, b *WitnessWatched) error {
	if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not choose what this hub witnesses", ev.Actor)
	}
	origin, err := checkLogKey(b.Key)
	if err != nil || origin != b.Origin {
		return fmt.Errorf("witness.watched: key %q does not name origin %q", b.Key, b.Origin)
	}
	putJSON(w, prefixWatch+b.Origin, WatchedLog{Origin: b.Origin, Key: b.Key, By: ev.Actor, Since: ev.Time})
	return nil
}

func applyWitnessUnwatched(w Writer, ev Event, b *WitnessUnwatched) error {
	if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not choose what this hub witnesses", ev.Actor)
	}
	if _, ok := GetWatched(w, b.Origin); !ok {
		return fmt.Errorf("witness.unwatched: %q is not watched", b.Origin)
	}
	w.Delete(prefixWatch + b.Origin)
	return nil
}

func applyWitnessUsed(w Writer, ev Event, b *WitnessUsed) error {
	if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not choose this hub's witnesses", ev.Actor)
	}
	name, err := checkCosignerKey(b.Key)
	if err != nil || name != b.Name || checkAddr(b.Addr) != nil {
		return fmt.Errorf("witness.used: key %q, name %q, address %q do not agree", b.Key, b.Name, b.Addr)
	}
	putJSON(w, prefixCosigner+b.Name, Cosigner{Name: b.Name, Key: b.Key, Addr: b.Addr, By: ev.Actor, Since: ev.Time})
	return nil
}

func applyWitnessDropped(w Writer, ev Event, b *WitnessDropped) error {
	if !byRight(w, ev, RightRoles) {
		return fmt.Errorf("member %d may not choose this hub's witnesses", ev.Actor)
	}
	if _, ok := GetCosigner(w, b.Name); !ok {
		return fmt.Errorf("witness.dropped: %q is not used", b.Name)
	}
	w.Delete(prefixCosigner + b.Name)
	return nil
}

// GetWatched returns the watched log of origin.
func GetWatched(r Reader, origin string) (WatchedLog, bool) {
	var l WatchedLog
	ok := getJSON(r, prefixWatch+origin, &l)
	return l, ok
}

// WatchedLogs lists the logs this hub witnesses, by origin.
func WatchedLogs(r Reader) []WatchedLog {
	var out []WatchedLog
	r.Scan(prefixWatch, func(k string, _ []byte) bool {
		if l, ok := GetWatched(r, strings.TrimPrefix(k, prefixWatch)); ok {
			out = append(out, l)
		}
		return true
	})
	return out
}

// GetCosigner returns the witness named name.
func GetCosigner(r Reader, name string) (Cosigner, bool) {
	var c Cosigner
	ok := getJSON(r, prefixCosigner+name, &c)
	return c, ok
}

// Cosigners lists the witnesses this hub asks, by name.
func Cosigners(r Reader) []Cosigner {
	var out []Cosigner
	r.Scan(prefixCosigner, func(k string, _ []byte) bool {
		if c, ok := GetCosigner(r, strings.TrimPrefix(k, prefixCosigner)); ok {
			out = append(out, c)
		}
		return true
	})
	return out
}

// Witnessing is what `witness list` shows.
type Witnessing struct {
	Watched   []WatchedLog `json:"watched"`
	Cosigners []Cosigner   `json:"cosigners"`
}

// Witnessing reads both tables.
func (h *Hub) Witnessing() (out Witnessing, err error) {
	err = h.View(func(r Reader) error {
		out = Witnessing{Watched: WatchedLogs(r), Cosigners: Cosigners(r)}
		return nil
	})
	return out, err
}

// WatchedVerifier is the witness's view of the watched logs: origin's
// verifier, if this hub witnesses it.
func (h *Hub) WatchedVerifier(origin string) (note.Verifier, bool) {
	var v note.Verifier
	_ = h.View(func(r Reader) error {
		if l, ok := GetWatched(r, origin); ok {
			v, _ = note.NewVerifier(l.Key)
		}
		return nil
	})
	return v, v != nil
}

// StartWitness gives the hub its witness, signing with skey and keeping
// its record in store, watching the logs the hub's state names; the doors
// serve it. A hub without one answers that it does not witness.
func (h *Hub) StartWitness(skey string, store witness.Store) error {
	w, err := witness.New(skey, store, h.WatchedVerifier)
	if err != nil {
		return err
	}
	h.witness.Store(w)
	return nil
}

// Witness is the hub's witness, or nil.
func (h *Hub) Witness() *witness.Witness { return h.witness.Load() }

// AddCheckpointRequest is the tlog-witness add-checkpoint body for the
// hub's latest checkpoint, to a witness whose last cosigned size of this
// log is old (0: never): the consistency proof from old, then the note.
func (h *Hub) AddCheckpointRequest(old int64) ([]byte, Head, error) {
	head, ok := h.Head()
	if !ok {
		return nil, head, notFound("no checkpoint yet")
	}
	if old < 0 || old > head.Size {
		return nil, head, fmt.Errorf("the witness has cosigned size %d, beyond this hub's head (%d): it saw another history of this log", old, head.Size)
	}
	var proof tlog.TreeProof
	if old > 0 && old < head.Size {
		err := h.View(func(r Reader) error {
			p, err := chain.ProveConsistency(head.Size, old, HashReader(r))
			proof = tlog.TreeProof(p)
			return err
		})
		if err != nil {
			return nil, head, err
		}
	}
	return witness.FormatRequest(old, proof, []byte(head.Note)), head, nil
}

// CosignatureStatus is what the hub knows of one witness it asks: the
// latest of its checkpoints that witness cosigned, and how the last
// request went.
type CosignatureStatus struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	Addr   string `json:"addr"`
	Height int64  `json:"height"` // the checkpoint cosigned; 0: none yet
	Size   int64  `json:"size"`
	Time   int64  `json:"time"` // unix ms: the cosignature's own timestamp
	Line   string `json:"line"` // the cosignature line, for the signed note
	// Error is the last request's failure, if it failed.
	Error string `json:"error,omitempty"`
	// Refused: the witness refused this hub's history (the checkpoint does
	// not extend what it cosigned). That is evidence of a fork, or of a
	// hub restored from an old backup; it does not resolve by retrying.
	Refused bool `json:"refused,omitempty"`
	// Validator: this is one of a replicated hub's validators, not a
	// witness; its cosignature is what makes the checkpoint count.
	Validator bool `json:"validator,omitempty"`
}

// Role is what the doors call c: "validator" or "witness".
func (c CosignatureStatus) Role() string {
	if c.Validator {
		return "validator"
	}
	return "witness"
}

// SetCosignatures tells the hub where its witnesses' statuses come from
// (the gatherer that asks them).
func (h *Hub) SetCosignatures(f func() []CosignatureStatus) { h.cosigs.Store(&f) }

// CosignaturesChanged tells the app and the doors to look again: a
// witness cosigned, or refused, after the checkpoint was published.
func (h *Hub) CosignaturesChanged() { h.eng.Nudge() }

// Cosignatures lists the statuses of the witnesses the hub asks, by name;
// none when no gatherer runs.
func (h *Hub) Cosignatures() []CosignatureStatus {
	if f := h.cosigs.Load(); f != nil {
		return (*f)()
	}
	return nil
}

// Standing is where a witness stands on the hub's head.
type Standing int

const (
	StandingNone     Standing = iota // nothing cosigned yet
	StandingBehind                   // cosigned an earlier checkpoint
	StandingCosigned                 // cosigned the head
	StandingAlarm                    // refuses this hub's history
)

// Standing says where c stands on the checkpoint at height head, in the
// words every door shows (the commands, the app, the public page): one
// rule, so a refusal reads as an alarm everywhere. The text holds the
// witness's last error unsanitised; the door sanitises it.
func (c CosignatureStatus) Standing(head int64) (Standing, string) {
	switch {
	case c.Refused:
		return StandingAlarm, "refuses this history: " + c.Error
	case c.Height == head && c.Height > 0 && c.Error == "":
		return StandingCosigned, "cosigned this checkpoint"
	case c.Height > 0:
		s := fmt.Sprintf("cosigned checkpoint %d, not this one yet", c.Height)
		if c.Error != "" {
			s += " (" + c.Error + ")"
		}
		return StandingBehind, s
	case c.Error != "":
		return StandingNone, "nothing cosigned yet (" + c.Error + ")"
	}
	return StandingNone, "nothing cosigned yet"
}
