package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// A command crosses a process boundary when an engine orders it elsewhere
// (a replicated hub's consensus carries it to every node as a transaction).
// Its wire form is its registered name and its fields as JSON: the same
// command decides the same way wherever it is decoded, so this is all a
// node needs to run a member's request that another node received.
//
// Only the commands here travel. A command's unexported fields (a draft's
// out-parameter) stay behind: Decide must not need them to decide.

var commandTypes = map[string]reflect.Type{}

func registerCommands(cs ...Command) {
	for _, c := range cs {
		t := reflect.TypeOf(c)
		if _, dup := commandTypes[t.Name()]; dup {
			panic("state: command registered twice: " + t.Name())
		}
		commandTypes[t.Name()] = t
	}
}

func init() {
	registerCommands(
		// members
		CreateHub{}, NameOrigin{}, AdmitAdmin{}, CreateInvite{}, RevokeInvite{}, Join{},
		ApplyToJoin{}, DecideApplication{}, AddKey{}, ConfirmKey{}, RemoveKey{}, RenameKey{},
		SetRole{}, Rename{}, Leave{}, SetListed{}, SetCountry{}, ChooseTheme{},
		// governance
		NewProposal{}, CancelProposal{}, CommentOn{}, CastVote{}, Delegate{}, Undelegate{},
		SetRules{}, CloseProposal{}, ApplyChange{}, SaveDraft{}, OpenDraft{}, DeleteDraft{},
		// treasury and allowances
		AddAsset{}, Contribute{}, ReverseContribution{}, SignPayout{}, SetPolicy{},
		SetRestitutionCap{}, SpendAllowance{}, ResetAllowance{},
		// housing
		AddSpace{}, RetireSpace{}, Book{}, CancelBooking{}, DecideBooking{},
		// disputes
		FileCase{}, CaseAction{}, AddStatement{}, Rule{}, CastJuryVote{}, DrawCaseJury{},
		AddPrivateNote{},
		// campaigns and charter
		NewCampaign{}, PledgeTo{}, Unpledge{}, CloseCampaign{}, TieCampaign{},
		SetCharter{}, Consent{},
		// witnesses
		WatchLog{}, UnwatchLog{}, UseWitness{}, DropWitness{},
		// replicated hubs
		SetValidators{},
	)
}

// EncodeCommand is c's wire form: its registered name and its fields.
func EncodeCommand(c Command) (name string, body []byte, err error) {
	t := reflect.TypeOf(c)
	if t == nil || commandTypes[t.Name()] != t {
		return "", nil, fmt.Errorf("command %T cannot travel", c)
	}
	body, err = json.Marshal(c)
	return t.Name(), body, err
}

// DecodeCommand reads a command's wire form. Unknown names, unknown
// fields and trailing bytes are refused: a node decides exactly what the
// sender meant or nothing.
func DecodeCommand(name string, body []byte) (Command, error) {
	t, ok := commandTypes[name]
	if !ok {
		return nil, fmt.Errorf("unknown command %q", name)
	}
	v := reflect.New(t)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, fmt.Errorf("command %s: %v", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("command %s: trailing data", name)
	}
	return v.Elem().Interface().(Command), nil
}
