package state

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// A recognition dossier is what a community hands to a city or a country:
// its charter, its census, how it decides, what it holds, where it lives
// and how it settles disputes. Everything in it is computed from the state
// at one signed checkpoint, so an official with the chain can recompute
// every figure; the files are signed with the hub's key.

// Dossier is the dossier's content (its JSON twin is this struct).
type Dossier struct {
	Hub         string         `json:"hub"`
	Founded     string         `json:"founded"` // YYYY-MM-DD
	VerifierKey string         `json:"verifier_key"`
	Checkpoint  CensusPoint    `json:"checkpoint"`
	Note        string         `json:"checkpoint_note"` // the signed checkpoint, verbatim
	Charter     *Charter       `json:"charter"`
	Charters    int            `json:"charter_versions"`
	Census      CensusFigures  `json:"census"`
	Governance  GovRecord      `json:"governance"`
	Treasury    TreasuryRecord `json:"treasury"`
	Spaces      []SpaceRecord  `json:"spaces"`
	Disputes    DisputeRecord  `json:"disputes"`
}

// GovRecord counts decided proposals and their turnout.
type GovRecord struct {
	Decided    int            `json:"decided"`
	ByKind     map[string]int `json:"by_kind"`    // decided proposals per kind
	ByOutcome  map[string]int `json:"by_outcome"` // passed, rejected, expired, executed
	Open       int            `json:"open"`
	TurnoutBP  int            `json:"turnout_bp"` // mean participants/eligible, basis points
	Delegating int            `json:"delegating"` // members delegating their vote now
}

// TreasuryRecord sums the ledger.
type TreasuryRecord struct {
	Balances      []AssetBalance `json:"balances"`
	Contributions map[string]int `json:"contributions"` // entries per asset
	Contributed   []AssetBalance `json:"contributed"`   // net of reversals
	PaidOut       []AssetBalance `json:"paid_out"`      // payouts and allowances
	Campaigns     map[string]int `json:"campaigns"`     // per state
}

// SpaceRecord is one shared space, without anything about who stays there.
type SpaceRecord struct {
	Name    string `json:"name"`
	City    string `json:"city,omitempty"`
	Country string `json:"country,omitempty"`
	Beds    int    `json:"beds"`
	Retired bool   `json:"retired,omitempty"`
}

// DisputeRecord counts cases; no names, no statements.
type DisputeRecord struct {
	Filed     int            `json:"filed"`
	ByState   map[string]int `json:"by_state"`
	ByOutcome map[string]int `json:"by_outcome"`
	Appealed  int            `json:"appealed"`
}

// BuildDossier reads the dossier from r, the state at checkpoint c (whose
// signed note is signed).
func BuildDossier(r Reader, c chain.Checkpoint, signed []byte, vkey string) Dossier {
	hi, _ := GetHub(r)
	d := Dossier{Hub: hi.Name, Founded: Day(hi.Created), VerifierKey: vkey, Note: string(signed),
		Checkpoint: censusPoint(c.Height, c.Size, c.Root[:], c.Time), Census: ComputeCensus(r, c.Time*1000)}
	if ch, ok := CurrentCharter(r); ok {
		d.Charter = &ch
	}
	d.Charters = len(ListCharters(r))
	g := GovRecord{ByKind: map[string]int{}, ByOutcome: map[string]int{}}
	var turnout int64
	for _, p := range ListProposals(r) {
		switch p.State {
		case PropActive:
			g.Open++
		case PropPassed, PropRejected, PropExpired, PropExecuted:
			g.Decided++
			g.ByKind[p.Kind]++
			g.ByOutcome[p.State]++
			if p.Outcome != nil && p.Outcome.Eligible > 0 {
				turnout += int64(p.Outcome.Participants) * 10000 / int64(p.Outcome.Eligible)
			}
		}
	}
	if g.Decided > 0 {
		g.TurnoutBP = int(turnout / int64(g.Decided))
	}
	from := map[uint64]bool{}
	for _, dl := range ListDelegations(r) {
		from[dl.From] = true
	}
	g.Delegating = len(from)
	d.Governance = g

	t := TreasuryRecord{Balances: d.Census.Treasury, Contributions: map[string]int{}, Campaigns: map[string]int{}}
	in, out := map[string]int64{}, map[string]int64{}
	for _, e := range ListEntries(r) {
		switch e.Kind {
		case EntryContribution:
			t.Contributions[e.Asset]++
			in[e.Asset] += e.Amount
		case EntryReversal:
			in[e.Asset] -= e.Amount
		case EntryPayout, EntryAllowance:
			out[e.Asset] += e.Amount
		}
	}
	for _, a := range ListAssets(r) {
		if in[a.Code] != 0 {
			t.Contributed = append(t.Contributed, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: in[a.Code]})
		}
		if out[a.Code] != 0 {
			t.PaidOut = append(t.PaidOut, AssetBalance{Asset: a.Code, Decimals: a.Decimals, Balance: out[a.Code]})
		}
	}
	for _, cp := range ListCampaigns(r) {
		t.Campaigns[cp.State]++
	}
	d.Treasury = t
	d.Spaces = []SpaceRecord{}
	for _, s := range ListSpaces(r) {
		d.Spaces = append(d.Spaces, SpaceRecord{Name: s.Name, City: s.City, Country: s.Country, Beds: s.Beds, Retired: s.Retired})
	}
	ds := DisputeRecord{ByState: map[string]int{}, ByOutcome: map[string]int{}}
	for _, cs := range ListCases(r) {
		ds.Filed++
		ds.ByState[cs.State]++
		if cs.Outcome != "" {
			ds.ByOutcome[cs.Outcome]++
		}
		if cs.AppealSeq != 0 {
			ds.Appealed++
		}
	}
	d.Disputes = ds
	return d
}

// Dossier signatures are detached signed notes, one per file, so the
// Markdown and the JSON stay exactly as written and either can be checked
// alone.
const dossierSigHeader = "polis dossier signature v1"

// SignDossierFile returns the signature note for a dossier file's bytes.
func SignDossierFile(name string, content []byte, c CensusPoint, signer note.Signer) ([]byte, error) {
	sum := sha256.Sum256(content)
	text := fmt.Sprintf("%s\nfile %s\nsha256 %s\ncheckpoint %d %d\n", dossierSigHeader, name, hex.EncodeToString(sum[:]), c.Height, c.Size)
	return note.Sign(&note.Note{Text: text}, signer)
}

// CheckDossierFile verifies a dossier file against its signature note and
// the hub's verifier key, and returns the checkpoint the signature names.
func CheckDossierFile(content, sig []byte, vkey string) (height, size int64, err error) {
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return 0, 0, fmt.Errorf("verifier key: %w", err)
	}
	n, err := note.Open(sig, note.VerifierList(v))
	if err != nil {
		return 0, 0, fmt.Errorf("signature: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) != 4 || lines[0] != dossierSigHeader || !strings.HasPrefix(lines[2], "sha256 ") {
		return 0, 0, errors.New("signature: not a polis dossier signature")
	}
	sum := sha256.Sum256(content)
	if lines[2] != "sha256 "+hex.EncodeToString(sum[:]) {
		return 0, 0, errors.New("the file differs from what the hub signed (its SHA-256 does not match)")
	}
	if _, err := fmt.Sscanf(lines[3], "checkpoint %d %d", &height, &size); err != nil {
		return 0, 0, errors.New("signature: bad checkpoint line")
	}
	return height, size, nil
}

// sortedCounts lists a count map in key order, for stable Markdown.
func sortedCounts(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s %d", k, m[k]))
	}
	return out
}
