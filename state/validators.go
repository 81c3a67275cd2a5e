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

const keyValidators = "s/validators"

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

func (ValidatorsSet) EventType() string { return "validators.set" }

func init() { register(func() Body { return &ValidatorsSet{} }) }

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
			return err
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

var validatorAppliers = []applier{on(applyValidatorsSet)}

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
	putJSON(w, keyValidators, ValidatorSet{Seats: b.Validators, Since: ev.Seq})
	return nil
}

// Validators is the validator set in force, if the hub is replicated.
func Validators(r Reader) (ValidatorSet, bool) {
	var s ValidatorSet
	ok := getJSON(r, keyValidators, &s)
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
// after it to be cosigned by more than two thirds of their power.
func checkQuorums(st Reader, cs *checkpointSet, cosigned map[int64][]byte) error {
	set, ok := Validators(st)
	if !ok {
		return nil
	}
	for _, c := range cs.list {
		if uint64(c.Size) <= set.Since {
			continue
		}
		if _, ok := set.QuorumCosigned(string(c.Text()), cosigned[c.Height]); !ok {
			return fmt.Errorf("checkpoint %d is not cosigned by more than two thirds of the validators' power: a replicated hub's checkpoint counts only so (export again once its cosignatures are gathered)", c.Height)
		}
	}
	return nil
}
