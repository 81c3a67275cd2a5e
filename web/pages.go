package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/polis-hub/polis/state"
)

// A page is one view of the site and its JSON twin. reads names the kinds
// of data it shows; the site serves it only while the read rules let a
// visitor read every one of them.
type page struct {
	path  string // "/census"; its twin is path+".json" ("/index.json" for "/")
	name  string // its template
	title string
	reads []state.Readable
	// build computes what the page shows (view, for the template) and its
	// JSON twin (js, marshalled as is, or sent verbatim if []byte).
	build func(s *Site) (view, js any, err error)
}

// pages are the site's pages, in the order the navigation lists them.
var pages = []page{
	{"/", "home", "Home", []state.Readable{state.ReadCensus, state.ReadCharter, state.ReadCheckpoints}, (*Site).home},
	{"/census", "census", "Census", []state.Readable{state.ReadCensus}, (*Site).census},
	{"/charter", "charter", "Charter", []state.Readable{state.ReadCharter}, (*Site).charter},
	{"/dossier", "dossier", "Dossier", []state.Readable{state.ReadDossier}, (*Site).dossierPage},
	{"/decisions", "decisions", "Decisions", []state.Readable{state.ReadDossier}, (*Site).decisions},
	{"/treasury", "treasury", "Treasury", []state.Readable{state.ReadCensus, state.ReadDossier}, (*Site).treasury},
	{"/chain", "chain", "Chain", []state.Readable{state.ReadCheckpoints, state.ReadWitnessing}, (*Site).chainPage},
	{"/verify", "verify", "Verify", []state.Readable{state.ReadCheckpoints, state.ReadConsistency, state.ReadInclusion}, (*Site).verify},
}

// pagePaths lists every page and its twin, for the home page's twin.
var pagePaths []string

func init() {
	for _, p := range pages {
		pagePaths = append(pagePaths, p.path, p.jsonPath())
	}
}

// visitor is every reader of the site, as the read rules see them.
var visitor = state.Reading{}

// public reports whether a visitor may read everything reads names.
func public(reads []state.Readable) bool {
	for _, r := range reads {
		if !state.MayRead(r, visitor) {
			return false
		}
	}
	return true
}

// jsonPath is the path of p's JSON twin.
func (p page) jsonPath() string {
	if p.path == "/" {
		return "/index.json"
	}
	return p.path + ".json"
}

// homeJSON is the twin of the home page.
type homeJSON struct {
	Hub      string      `json:"hub"`
	Members  int         `json:"members"`
	Unlisted int         `json:"unlisted"`
	Events   uint64      `json:"events"`
	Charter  int         `json:"charter_version"`
	Head     *state.Head `json:"checkpoint"`
	Pages    []string    `json:"pages"`
}

func (s *Site) head() *state.Head {
	if h, ok := s.hub.Head(); ok {
		return &h
	}
	return nil
}

func (s *Site) home() (any, any, error) {
	cs, err := s.hub.Census(false)
	if err != nil {
		return nil, nil, err
	}
	ch, ok, err := s.hub.Charter(0)
	if err != nil {
		return nil, nil, err
	}
	js := homeJSON{Hub: cs.Hub, Members: cs.Count, Unlisted: cs.Unlisted, Events: cs.Events, Charter: cs.Charter, Head: s.head(), Pages: pagePaths}
	view := struct {
		Census  state.Census
		Charter *state.Charter
		Head    *state.Head
	}{Census: cs, Head: js.Head}
	if ok {
		view.Charter = &ch
	}
	return view, js, nil
}

func (s *Site) census() (any, any, error) {
	cs, err := s.hub.Census(false)
	if err != nil {
		return nil, nil, err
	}
	view := struct {
		Census    state.Census
		Joined    chart
		Left      chart
		Countries chart
		Active    chart
	}{Census: cs}
	if at := cs.At; at != nil {
		f := at.Figures
		view.Joined = monthChart(f.Joined)
		view.Left = monthChart(f.Left)
		var cc []bar
		for _, c := range f.Countries {
			cc = append(cc, bar{Label: c.Country, Value: c.Count})
		}
		if f.CountriesWithheld > 0 {
			cc = append(cc, bar{Label: fmt.Sprintf("countries with fewer than %d members", state.CensusCountryMin), Value: f.CountriesWithheld})
		}
		if f.CountryUndeclared > 0 {
			cc = append(cc, bar{Label: "undeclared", Value: f.CountryUndeclared})
		}
		view.Countries = newChart(cc)
		view.Active = newChart([]bar{
			{Label: "members", Value: f.Members},
			{Label: fmt.Sprintf("active in the last %d days", state.ActiveLongDays), Value: f.Active90},
			{Label: fmt.Sprintf("active in the last %d days", state.ActiveShortDays), Value: f.Active30},
		})
	}
	// The twin is what `ssh HUB census --json` tells a visitor.
	return view, cs, nil
}

// charterJSON is the twin of the charter page.
type charterJSON struct {
	Charter *state.Charter  `json:"charter"`
	History []state.Charter `json:"history"`
}

func (s *Site) charter() (any, any, error) {
	hist, err := s.hub.Charters()
	if err != nil {
		return nil, nil, err
	}
	js := charterJSON{History: hist}
	if js.History == nil {
		js.History = []state.Charter{}
	}
	if n := len(hist); n > 0 {
		js.Charter = &hist[n-1]
	}
	view := struct {
		Charter *state.Charter
		History []state.Charter
		Current bool
	}{js.Charter, hist, true}
	return view, js, nil
}

// errNoVersion is a charter version that does not exist.
var errNoVersion = errors.New("no such charter version")

func (s *Site) charterVersion(v int) (any, any, error) {
	ch, ok, err := s.hub.Charter(v)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, errNoVersion
	}
	hist, err := s.hub.Charters()
	if err != nil {
		return nil, nil, err
	}
	view := struct {
		Charter *state.Charter
		History []state.Charter
		Current bool
	}{&ch, hist, ch.Version == len(hist)}
	return view, ch, nil
}

// sealedDossier is the dossier at the latest checkpoint and its two files,
// as `polis dossier` writes them.
type sealedDossier struct {
	D        state.Dossier
	MD, JSON []byte
	// MDSig and JSONSig are the files' detached signatures, nil when the
	// site has no signer.
	MDSig, JSONSig []byte
}

func (s *Site) sealedDossier() (*sealedDossier, error) {
	d, ok, err := s.dossier.Latest()
	if err != nil || !ok {
		return nil, err
	}
	js, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	out := &sealedDossier{D: d, MD: []byte(d.Markdown()), JSON: append(js, '\n')}
	if sg := s.opts.DossierSigner; sg != nil {
		if out.MDSig, err = state.SignDossierFile("dossier.md", out.MD, d.Checkpoint, sg); err != nil {
			return nil, err
		}
		if out.JSONSig, err = state.SignDossierFile("dossier.json", out.JSON, d.Checkpoint, sg); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Site) dossierPage() (any, any, error) {
	sd, err := s.memoDossier()
	if err != nil {
		return nil, nil, err
	}
	if sd == nil {
		return struct{ D *sealedDossier }{}, json.RawMessage("null"), nil
	}
	return struct {
		D  *sealedDossier
		MD string
	}{sd, string(sd.MD)}, sd.JSON, nil
}

// decisionsJSON is the twin of the decisions page.
type decisionsJSON struct {
	Checkpoint *state.CensusPoint `json:"checkpoint"`
	Governance *state.GovRecord   `json:"governance"`
}

func (s *Site) decisions() (any, any, error) {
	d, ok, err := s.dossier.Latest()
	if err != nil {
		return nil, nil, err
	}
	var js decisionsJSON
	view := struct {
		G         *state.GovRecord
		At        *state.CensusPoint
		Outcomes  chart
		Kinds     chart
		TurnoutPC string
	}{}
	if ok {
		js = decisionsJSON{&d.Checkpoint, &d.Governance}
		view.G, view.At = js.Governance, js.Checkpoint
		view.Outcomes, view.Kinds = mapChart(d.Governance.ByOutcome), mapChart(d.Governance.ByKind)
		view.TurnoutPC = fmt.Sprintf("%d.%02d%%", d.Governance.TurnoutBP/100, d.Governance.TurnoutBP%100)
	}
	return view, js, nil
}

// treasuryJSON is the twin of the treasury page.
type treasuryJSON struct {
	// Balances and Events are now, as the census tells a visitor.
	Balances []state.AssetBalance `json:"balances"`
	Events   uint64               `json:"events"`
	// Checkpoint and Record are the dossier's, at the latest checkpoint.
	Checkpoint *state.CensusPoint    `json:"checkpoint"`
	Record     *state.TreasuryRecord `json:"record"`
}

func (s *Site) treasury() (any, any, error) {
	cs, err := s.hub.Census(false)
	if err != nil {
		return nil, nil, err
	}
	d, ok, err := s.dossier.Latest()
	if err != nil {
		return nil, nil, err
	}
	js := treasuryJSON{Balances: cs.Treasury, Events: cs.Events}
	if ok {
		js.Checkpoint, js.Record = &d.Checkpoint, &d.Treasury
	}
	view := struct {
		J         treasuryJSON
		Campaigns chart
	}{J: js}
	if ok {
		view.Campaigns = mapChart(d.Treasury.Campaigns)
	}
	return view, js, nil
}

// chainJSON is the twin of the chain page.
type chainJSON struct {
	Head        *state.Head `json:"head"`
	VerifierKey string      `json:"verifier_key"`
	// Cosignatures are the witnesses' cosignature lines of the head
	// (C2SP tlog-cosignature): append them to head.note for the
	// checkpoint as witnessed.
	Cosignatures []string `json:"cosignatures"`
	// Witnesses is each witness the hub asks, and what it last cosigned.
	Witnesses []state.CosignatureStatus `json:"witnesses"`
}

func (s *Site) chainPage() (any, any, error) {
	js := chainJSON{Head: s.head(), VerifierKey: s.hub.VerifierKey(), Cosignatures: []string{}, Witnesses: []state.CosignatureStatus{}}
	for _, c := range s.hub.Cosignatures() {
		if js.Head != nil && c.Height == js.Head.Height && c.Line != "" {
			js.Cosignatures = append(js.Cosignatures, c.Line)
		}
		js.Witnesses = append(js.Witnesses, c)
	}
	return js, js, nil
}

// step is one line of the "how to verify" page.
type step struct {
	What    string `json:"what"`
	Command string `json:"command"`
}

func (s *Site) verify() (any, any, error) {
	key := s.hub.VerifierKey()
	ssh := s.opts.SSH
	steps := []step{
		{"Keep the hub's verifier key (once; compare it with one a member gave you)", ssh + " chain key > hub.pub"},
		{"Keep the latest signed checkpoint", ssh + " chain head > head.txt"},
		{"Later: prove the hub's new head extends the one you kept, from a proof alone", ssh + " chain consistency OLD NEW --json > proof.json && polis verify --since head.txt --consistency proof.json --key \"$(cat hub.pub)\""},
		{"Check the dossier on this site (download dossier.md and dossier.md.sig)", "polis verify --dossier dossier.md --key \"$(cat hub.pub)\""},
		{"Check a receipt for one event (hashes only for visitors)", ssh + " chain receipt SEQ --json > receipt.json && polis verify --receipt receipt.json --key \"$(cat hub.pub)\""},
		{"Members: replay the whole log, recomputing every checkpoint and the census", ssh + " chain export > log.export && polis verify --file log.export --key \"$(cat hub.pub)\" --census"},
		{"Any C2SP tlog-tiles client: the checkpoint and the Merkle tree's hash tiles", "curl -s SITE/checkpoint; curl -s SITE/tile/0/000.p/N | xxd"},
	}
	js := struct {
		VerifierKey string `json:"verifier_key"`
		Steps       []step `json:"steps"`
	}{key, steps}
	return js, js, nil
}

// bar is one row of a chart.
type bar struct {
	Label string
	Value int64
	Pct   float64 // of the chart's largest value, 0-100
}

// chart is a list of bars drawn to one scale.
type chart struct{ Bars []bar }

func newChart(bs []bar) chart {
	var top int64
	for _, b := range bs {
		top = max(top, b.Value)
	}
	for i := range bs {
		if top > 0 {
			bs[i].Pct = float64(bs[i].Value) * 100 / float64(top)
		}
	}
	return chart{Bars: bs}
}

func monthChart(ms []state.MonthCount) chart {
	bs := make([]bar, 0, len(ms))
	for _, m := range ms {
		bs = append(bs, bar{Label: m.Month, Value: m.Count})
	}
	return newChart(bs)
}

func mapChart(m map[string]int) chart {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bs := make([]bar, 0, len(keys))
	for _, k := range keys {
		bs = append(bs, bar{Label: k, Value: int64(m[k])})
	}
	return newChart(bs)
}
