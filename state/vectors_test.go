package state

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The conformance vectors in testdata/conformance (at the repository's
// root) are what an independent verifier written from docs/events.md
// checks itself against. The scenarios in vectors_scenarios_test.go write
// them; this test keeps them and the hub in agreement, and checks each
// vector from its files alone, as an outside verifier would.

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/conformance from the scenarios")

const vectorsDir = "../testdata/conformance"

// vectorEvery is the checkpoint interval of the scenarios: small, so
// every log has several checkpoints to check.
const vectorEvery = 7

// script runs one scenario on a Memory engine with a pinned clock.
type script struct {
	t   *testing.T
	m   *Memory
	h   *Hub
	clk *fakeClock
	ctx context.Context
	ppl map[string]Actor
	ids map[string]uint64
	// validators cosign every checkpoint of a replicated vector.
	validators []vectorValidator
}

func newScript(t *testing.T) *script {
	clk := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	m, err := NewMemory(MemoryOptions{Clock: clk.now, CheckpointEvery: vectorEvery, Origin: "vectors.polis.example/hub"})
	if err != nil {
		t.Fatal(err)
	}
	return &script{t: t, m: m, h: NewHub(m), clk: clk, ctx: context.Background(), ppl: map[string]Actor{}, ids: map[string]uint64{}}
}

// who is the actor of a name: "" is the hub itself, anyone else a key
// derived from the name.
func (s *script) who(name string) Actor {
	if name == "" {
		return SystemActor
	}
	a, ok := s.ppl[name]
	if !ok {
		a = testActor(s.t, name)
		s.ppl[name] = a
	}
	return a
}

// do submits c, which must succeed, and returns its events.
func (s *script) do(name string, c Command) []Event {
	s.t.Helper()
	evs, err := s.h.Submit(s.ctx, s.who(name), c)
	if err != nil {
		s.t.Fatalf("%s %T: %v", name, c, err)
	}
	return evs
}

// join admits name with an invite from inviter; it becomes the next ID.
func (s *script) join(inviter, name string) uint64 {
	s.t.Helper()
	// Vectors are byte-exact, so nothing may be drawn at random: the code
	// is derived from the name.
	code := HashCode("code-for-" + name)
	s.do(inviter, CreateInvite{CodeHash: code, Uses: 1})
	evs := s.do(name, Join{CodeHash: code, Name: name})
	id := evs[len(evs)-1].Body.(*MemberJoined).Member
	s.ids[name] = id
	return id
}

// wait moves the clock on and runs what fell due, as the hub's timer does.
func (s *script) wait(d time.Duration) {
	s.clk.t = s.clk.t.Add(d)
	s.h.CloseDue(s.ctx)
}

// vector is one scenario's files.
type vector struct {
	log, state, expect []byte
}

// expectFile is expect.json: what a verifier must reach.
type expectFile struct {
	Key         string          `json:"key"`
	Events      int             `json:"events"`
	EventTypes  []string        `json:"event_types"`
	Checkpoints []expectCheck   `json:"checkpoints"`
	Digest      string          `json:"digest"` // hex, the state digest after the last event
	Census      *CensusAt       `json:"census"`
	Doc         string          `json:"doc"`
	Pairs       int             `json:"pairs"`
	Families    []string        `json:"key_families"`
	_           json.RawMessage `json:"-"`
}

type expectCheck struct {
	Height int64  `json:"height"`
	Size   int64  `json:"size"`
	Root   string `json:"root"`  // base64
	State  string `json:"state"` // base64
	Time   int64  `json:"time"`
}

func runScenario(t *testing.T, sc scenario) vector {
	s := newScript(t)
	sc.run(s)
	if err := s.m.Close(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := s.m.WriteExport(&log); err != nil {
		t.Fatal(err)
	}
	x, err := ReadExport(bytes.NewReader(log.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.validators) > 0 {
		log.Reset()
		if err := s.m.WriteExportTo(&log, s.m.Size(), s.cosignFrames(x.Checkpoints)...); err != nil {
			t.Fatal(err)
		}
		if x, err = ReadExport(bytes.NewReader(log.Bytes())); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := VerifyExport(x, s.m.VerifierKey(), nil)
	if err != nil {
		t.Fatalf("%s: the scenario's own log: %v", sc.name, err)
	}
	st := rep.rp.State()
	var dump bytes.Buffer
	families := map[string]bool{}
	for _, k := range st.Keys(PrefixState) {
		v, _ := st.Get(k)
		fmt.Fprintf(&dump, "%s\t%s\n", k, v)
		if f, ok := FamilyOf(k); ok {
			families[f.Pattern] = true
		}
	}
	e := expectFile{Key: x.Key, Events: len(x.Events), Digest: hex.EncodeToString(rep.Digest[:]), Census: rep.Census,
		Doc: sc.doc, Pairs: st.Len()}
	types := map[string]bool{}
	for _, b := range x.Events {
		ev, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		types[ev.Body.EventType()] = true
	}
	e.EventTypes = sortedKeys(types)
	e.Families = sortedKeys(families)
	for _, signed := range x.Checkpoints {
		c := openVectorNote(t, x.Key, signed)
		e.Checkpoints = append(e.Checkpoints, expectCheck{Height: c.Height, Size: c.Size, Root: b64(c.Root[:]), State: b64(c.State[:]), Time: c.Time})
	}
	ej, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return vector{log: log.Bytes(), state: dump.Bytes(), expect: append(ej, '\n')}
}

func TestConformanceVectors(t *testing.T) {
	covered := map[string]bool{}
	written := map[string]bool{} // keyspace patterns some replay wrote
	ran := 0
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			ran++
			v := runScenario(t, sc)
			dir := filepath.Join(vectorsDir, "valid", sc.name)
			files := map[string][]byte{"log.polis": v.log, "state.tsv": v.state, "expect.json": v.expect}
			if *updateVectors {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, b := range files {
					if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			for name, b := range files {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || !bytes.Equal(got, b) {
					t.Fatalf("%s/%s is not what the hub writes now (%v): if the format changed on purpose, change docs/events.md and run go test ./state -run TestConformanceVectors -update-vectors", sc.name, name, err)
				}
			}
			checkValidVector(t, dir)
			for _, b := range mustExport(t, v.log).Events {
				ev, _ := Decode(b)
				covered[ev.Body.EventType()] = true
			}
			for k := range replayWrites(t, v.log) {
				f, ok := FamilyOf(k)
				if !ok {
					t.Errorf("the replay writes %q, which no row of state/keyspace.go matches", k)
					continue
				}
				written[f.Pattern] = true
			}
		})
	}
	if ran != len(scenarios) || t.Failed() {
		return // a -run that picks some scenarios proves no coverage
	}
	// Together the vectors hold every event type, and their replays write
	// a key of every family the keyspace names: a verifier checked against
	// them has met each one.
	for _, typ := range EventTypes() {
		if !covered[typ] {
			t.Errorf("no valid vector holds a %s event: add it to a scenario", typ)
		}
	}
	for _, f := range Keyspace {
		if !written[f.Pattern] {
			t.Errorf("no valid vector's replay writes a key of the family %s: add it to a scenario, or drop the row if no event writes it", f.Pattern)
		}
	}
}

// keyRecorder is a Writer that notes every state key written through it,
// deleted keys included: a family whose keys a replay writes and later
// deletes (a pending application, an open pledge) is still exercised.
// Every value written is held to its row as it is written, not only the
// ones left at the end.
type keyRecorder struct {
	*MemState
	keys  map[string]bool
	check func(key string, val []byte)
}

func (w keyRecorder) Set(key string, val []byte) {
	if strings.HasPrefix(key, PrefixState) {
		w.keys[key] = true
		w.check(key, val)
	}
	w.MemState.Set(key, val)
}

func (w keyRecorder) Delete(key string) {
	if strings.HasPrefix(key, PrefixState) {
		w.keys[key] = true
	}
	w.MemState.Delete(key)
}

// replayWrites applies a log's events one by one, as a verifier does, and
// returns every state key Apply wrote or deleted on the way.
func replayWrites(t *testing.T, log []byte) map[string]bool {
	t.Helper()
	w := keyRecorder{MemState: NewMemState(), keys: map[string]bool{}, check: func(k string, v []byte) { checkPair(t, k, v) }}
	for i, b := range mustExport(t, log).Events {
		ev, err := Decode(b)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := Apply(w, ev); err != nil {
			t.Fatalf("event %d does not apply: %v", i, err)
		}
	}
	return w.keys
}

func mustExport(t *testing.T, b []byte) *Export {
	t.Helper()
	x, err := ReadExport(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// checkValidVector reads a vector's files the way an outside verifier
// would, and checks that polis agrees with every figure in them.
func checkValidVector(t *testing.T, dir string) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var e expectFile
	if err := json.Unmarshal(read("expect.json"), &e); err != nil {
		t.Fatal(err)
	}
	x := mustExport(t, read("log.polis"))
	rep, err := VerifyExport(x, e.Key, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if rep.Unsealed != 0 || int(rep.Events) != e.Events || len(x.Checkpoints) != len(e.Checkpoints) || hex.EncodeToString(rep.Digest[:]) != e.Digest {
		t.Fatalf("report %+v differs from expect.json", rep)
	}
	if !reflect.DeepEqual(rep.Census, e.Census) {
		t.Fatalf("census %+v, expect.json %+v", rep.Census, e.Census)
	}
	st := rep.rp.State()
	lines := strings.Split(strings.TrimSuffix(string(read("state.tsv")), "\n"), "\n")
	keys := st.Keys(PrefixState)
	if len(lines) != len(keys) {
		t.Fatalf("state.tsv has %d pairs, the replay %d", len(lines), len(keys))
	}
	for i, line := range lines {
		k, v, ok := strings.Cut(line, "\t")
		got, _ := st.Get(keys[i])
		if !ok || k != keys[i] || v != string(got) {
			t.Fatalf("state.tsv line %d: %q, the replay has %q = %q", i+1, line, keys[i], got)
		}
		checkPair(t, k, []byte(v))
	}
}

// checkPair holds a state pair to its row of the keyspace: the key matches
// exactly one pattern and the value is what the row says, in its one
// canonical form.
func checkPair(t *testing.T, k string, v []byte) {
	t.Helper()
	n := 0
	for _, re := range keyspaceRE {
		if re.MatchString(k) {
			n++
		}
	}
	f, ok := FamilyOf(k)
	if !ok || n != 1 {
		t.Fatalf("state key %q matches %d rows of the keyspace (docs/events.md, state/keyspace.go)", k, n)
	}
	switch f.Form {
	case FormEmpty:
		if len(v) != 0 {
			t.Fatalf("%s: value %q, the keyspace says empty", k, v)
		}
	case FormWord:
		if !slices.Contains(f.Words, string(v)) {
			t.Fatalf("%s: value %q is none of %v", k, v, f.Words)
		}
	case FormDecimal:
		if !decimalRE.Match(v) {
			t.Fatalf("%s: value %q is not a decimal", k, v)
		}
	case FormJSON:
		p := reflect.New(f.Type)
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		again, err := json.Marshal(p.Interface())
		if err != nil || !bytes.Equal(normalizeLists(again), v) {
			t.Fatalf("%s: value is not the canonical JSON of %s:\n%s\n%s", k, f.Type, v, again)
		}
	default:
		t.Fatalf("%s: form %q", k, f.Form)
	}
}

// TestKeyspaceRowsDistinct: no two rows of the keyspace share a pattern,
// and the table is in key order, as docs/events.md prints it.
func TestKeyspaceRowsDistinct(t *testing.T) {
	for i, f := range Keyspace {
		if i > 0 && Keyspace[i-1].Pattern >= f.Pattern {
			t.Errorf("%q is not after %q", f.Pattern, Keyspace[i-1].Pattern)
		}
		if (f.Form == FormJSON) != (f.Type != nil) || (f.Form == FormWord) != (len(f.Words) > 0) || f.Doc == "" {
			t.Errorf("row %q is incomplete", f.Pattern)
		}
	}
}
