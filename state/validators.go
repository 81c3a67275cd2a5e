package state

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/state/sanitize"
	"github.com/polis-hub/polis/witness"
)

// Validators, as the log records them. A replicated hub (package replica)
// is run by several stewards' nodes; which nodes, and with what voting
// power, is in the log from its first block, so that anyone checking an
// export knows whose cosignatures make a checkpoint count: more than two
// thirds of the power in force. A single hub has no validators, and its
// checkpoints count by the hub's own signature.

// Limits on a validator set.
const (
	MaxValidators     = 64
	MaxValidatorPower = 1_000_000
)

// KeyValidators holds the validator set in force (a ValidatorSet).
const KeyValidators = "s/validators"

// KindValidator is the proposal kind that seats, re-weighs or unseats a
// validator of a replicated hub.
const KindValidator = "validator"

// ValidatorSeat is one validator: the name and cosignature/v1 key its
// cosignatures carry, and its voting power.
type ValidatorSeat struct {
	Name  string `json:"name"`
	Key   string `json:"key"`
	Power int64  `json:"power"`
}

// ValidatorSet is the set in force, and the event that set it.
type ValidatorSet struct {
	Seats []ValidatorSeat `json:"seats"`
	Since uint64          `json:"since"`
}

// ValidatorsSet records the validator set a replicated hub starts with.
type ValidatorsSet struct {
	Validators []ValidatorSeat `json:"validators"`
}

// ValidatorsChanged is a passed validator proposal's effect: Seat is
// seated (or its power changed), or with power 0 unseated.
type ValidatorsChanged struct {
	Seat     ValidatorSeat `json:"seat"`
	Proposal uint64        `json:"proposal"`
}

func (ValidatorsSet) EventType() string     { return "validators.set" }
func (ValidatorsChanged) EventType() string { return "validators.changed" }

func init() {
	register(func() Body { return &ValidatorsSet{} })
	register(func() Body { return &ValidatorsChanged{} })
}

// Changed is the set with seat applied: a new name is seated, a known one
// takes seat's key and power, and power 0 unseats it. The result must be
// a valid set (checkSeats): the last validator cannot be unseated.
func (s ValidatorSet) Changed(seat ValidatorSeat) ([]ValidatorSeat, error) {
	var out []ValidatorSeat
	found := false
	for _, old := range s.Seats {
		if old.Name != seat.Name {
			out = append(out, old)
			continue
		}
		found = true
		if seat.Power > 0 {
			out = append(out, seat)
		}
	}
	if !found {
		if seat.Power == 0 {
			return nil, fmt.Errorf("%q is not a validator", sanitize.Line(seat.Name))
		}
		out = append(out, seat)
	}
	if err := checkSeats(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkValidatorAction is a validator proposal's check when it is opened.
func checkValidatorAction(r Reader, method string, a Action) (Action, error) {
	if method != MethodYesNo {
		return a, fmt.Errorf("validator proposals are decided yes/no")
	}
	set, ok := Validators(r)
	if !ok {
		return a, errors.New("this hub is not replicated: it has no validators to change")
	}
	if a.Validator == nil {
		return a, errors.New("a validator proposal names a validator (its cosignature/v1 key, and a power; 0 unseats it)")
	}
	seat := *a.Validator
	if seat.Power == 0 && seat.Key == "" {
		for _, s := range set.Seats {
			if s.Name == seat.Name {
				seat.Key = s.Key
			}
		}
	}
	if _, err := set.Changed(seat); err != nil {
		return a, err
	}
	return Action{Validator: &seat}, nil
}

// SetValidators is the genesis of a replicated hub naming its validators
// (the hub only, once).
type SetValidators struct{ Validators []ValidatorSeat }

func (c SetValidators) Decide(r Reader, env Env) (uint64, []Body, error) {
	if !env.Actor.System {
		return 0, nil, forbidden("only the hub names its validators, at its genesis")
	}
	if err := checkSeats(c.Validators); err != nil {
		return 0, nil, err
	}
	if _, ok := Validators(r); ok {
		return 0, nil, errors.New("the validators are already named")
	}
	return 0, []Body{&ValidatorsSet{Validators: c.Validators}}, nil
}

// checkSeats is the rule for a validator set: 1 to MaxValidators seats,
// each a cosignature/v1 key whose name the seat carries, a power from 1
// to MaxValidatorPower, and no name twice.
func checkSeats(seats []ValidatorSeat) error {
	if len(seats) == 0 || len(seats) > MaxValidators {
		return fmt.Errorf("a validator set has 1 to %d validators", MaxValidators)
	}
	seen := map[string]bool{}
	for _, s := range seats {
		name, err := checkCosignerKey(s.Key)
		if err != nil {
			return fmt.Errorf("%q is not a validator's key (name+hash+key, as `polis replica join` prints it)", sanitize.Line(s.Key))
		}
		if name != s.Name {
			return fmt.Errorf("validator %q: its key names %q", sanitize.Line(s.Name), sanitize.Line(name))
		}
		if s.Power < 1 || s.Power > MaxValidatorPower {
			return fmt.Errorf("validator %q: power must be 1 to %d", sanitize.Line(s.Name), MaxValidatorPower)
		}
		if seen[s.Name] {
			return fmt.Errorf("validator %q is named twice", sanitize.Line(s.Name))
		}
		seen[s.Name] = true
	}
	return nil
}

var validatorAppliers = []applier{on(applyValidatorsSet), on(applyValidatorsChanged)}

func applyValidatorsChanged(w Writer, ev Event, b *ValidatorsChanged) error {
	set, ok := Validators(w)
	if !ok {
		return errors.New("validators.changed on a hub with no validators")
	}
	if _, err := takeEffect(w, ev, b.Proposal, KindValidator, func(a Action) bool {
		return a.Validator != nil && *a.Validator == b.Seat
	}); err != nil {
		return err
	}
	seats, err := set.Changed(b.Seat)
	if err != nil {
		return fmt.Errorf("validators.changed: %v", err)
	}
	putJSON(w, KeyValidators, ValidatorSet{Seats: seats, Since: ev.Seq})
	return nil
}

func applyValidatorsSet(w Writer, ev Event, b *ValidatorsSet) error {
	if ev.Actor != 0 {
		return fmt.Errorf("validators.set by member %d: only the hub names validators", ev.Actor)
	}
	if _, ok := Validators(w); ok {
		return errors.New("validators.set: the validators are already named")
	}
	if err := checkSeats(b.Validators); err != nil {
		return fmt.Errorf("validators.set: %v", err)
	}
	putJSON(w, KeyValidators, ValidatorSet{Seats: b.Validators, Since: ev.Seq})
	return nil
}

// Validators is the validator set in force, if the hub is replicated.
func Validators(r Reader) (ValidatorSet, bool) {
	var s ValidatorSet
	ok := getJSON(r, KeyValidators, &s)
	return s, ok
}

// QuorumCosigned is the rule that makes a replicated hub's checkpoint
// count: cosignature/v1 lines (as an export's cosigned frame holds them)
// over checkpoint text, by validators holding more than two thirds of
// the set's power. It returns who signed; a line by anyone else, or not
// verifying, counts for nothing.
func (s ValidatorSet) QuorumCosigned(text string, lines []byte) (signers []string, ok bool) {
	var total, signed int64
	vs := make([]note.Verifier, 0, len(s.Seats))
	power := map[string]int64{}
	for _, seat := range s.Seats {
		total += seat.Power
		if v, err := witness.NewVerifier(seat.Key); err == nil {
			vs = append(vs, v)
			power[seat.Name] = seat.Power
		}
	}
	n, err := note.Open([]byte(text+"\n"+string(lines)), note.VerifierList(vs...))
	if err != nil {
		return nil, false
	}
	for _, sig := range n.Sigs {
		signers = append(signers, sig.Name)
		signed += power[sig.Name]
	}
	return signers, 3*signed > 2*total
}

// checkQuorums requires, once the log names validators, every checkpoint
// to be cosigned by more than two thirds of the power of the set in force
// at it.
func (rp *Replayer) checkQuorums(cosigned map[int64][]byte) error {
	for _, c := range rp.cs.list {
		set, ok := rp.valsAt[c.Height]
		if !ok {
			continue
		}
		if _, ok := set.QuorumCosigned(string(c.Text()), cosigned[c.Height]); !ok {
			return fmt.Errorf("checkpoint %d is not cosigned by more than two thirds of the validators' power: a replicated hub's checkpoint counts only so (export again once its cosignatures are gathered)", c.Height)
		}
	}
	return nil
}
