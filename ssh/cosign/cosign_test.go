package cosign

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/ssh/cmd"
	"github.com/polis-hub/polis/ssh/internal/hubtest"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/witness"
)

// inProcess is a Transport to hub w's command tree, as a visitor.
func inProcess(w *state.Hub, down *bool) Transport {
	return func(ctx context.Context, addr string, body []byte) ([]byte, int, error) {
		if *down {
			return nil, 0, errors.New("connection refused")
		}
		var stdout, stderr bytes.Buffer
		code := cmd.Execute(ctx, w, cmd.Identity{}, []string{"witness", "add-checkpoint"}, bytes.NewReader(body), &stdout, &stderr)
		return stdout.Bytes(), code, nil
	}
}

func TestGatherer(t *testing.T) {
	logHub, wit := hubtest.NewHub(t), hubtest.NewHub(t)
	alice := hubtest.NewUser(t, "alice")
	hubtest.Admit(t, logHub, alice, "alice")
	hubtest.Admit(t, wit, alice, "alice")
	hubtest.SubmitAs(t, wit, alice, state.WatchLog{Key: logHub.VerifierKey()})
	wkey := wit.Witness().VerifierKey()
	hubtest.SubmitAs(t, logHub, alice, state.UseWitness{Addr: "witness.example:22", Key: wkey})

	down := false
	store := &MemStore{}
	g := &Gatherer{Hub: logHub, Store: store, Transport: inProcess(wit, &down), Retry: time.Nanosecond}
	g.status = map[string]*state.CosignatureStatus{}
	logHub.SetCosignatures(g.Statuses)
	if g.Round(context.Background()) {
		t.Fatalf("round failed: %+v", logHub.Cosignatures())
	}
	check := func() state.CosignatureStatus {
		t.Helper()
		head, _ := logHub.Head()
		sts := logHub.Cosignatures()
		if len(sts) != 1 || sts[0].Height != head.Height || sts[0].Error != "" {
			t.Fatalf("status %+v, head %d", sts, head.Height)
		}
		lv, _ := note.NewVerifier(logHub.VerifierKey())
		wv, _ := witness.NewVerifier(wkey)
		if _, err := note.Open([]byte(head.Note+sts[0].Line+"\n"), note.VerifierList(lv, wv)); err != nil {
			t.Fatalf("cosignature does not verify: %v", err)
		}
		return sts[0]
	}
	check()
	// The witness is away while the hub goes on sealing; it catches up.
	down = true
	hubtest.SubmitAs(t, logHub, alice, state.Rename{Name: "Alicia"})
	if !g.Round(context.Background()) || !strings.Contains(logHub.Cosignatures()[0].Error, "unreachable") {
		t.Fatalf("an absent witness: %+v", logHub.Cosignatures())
	}
	hubtest.SubmitAs(t, logHub, alice, state.Rename{Name: "Alice"})
	down = false
	if g.Round(context.Background()) {
		t.Fatalf("catching up: %+v", logHub.Cosignatures())
	}
	check()
	// A gatherer restarted from the store knows where the witness stands.
	g2 := &Gatherer{Hub: logHub, Store: store, Transport: inProcess(wit, &down), status: map[string]*state.CosignatureStatus{}}
	hubtest.SubmitAs(t, logHub, alice, state.Rename{Name: "Alicia"})
	logHub.SetCosignatures(g2.Statuses)
	if g2.Round(context.Background()) {
		t.Fatalf("after a restart: %+v", logHub.Cosignatures())
	}
	check()
}

// A witness that refuses the hub's history is shown as a refusal, not as
// a witness that is away.
func TestGathererShowsRefusal(t *testing.T) {
	logHub := hubtest.NewHub(t)
	alice := hubtest.NewUser(t, "alice")
	hubtest.Admit(t, logHub, alice, "alice")
	_, wkey, _ := witness.GenerateKey("w.example/witness")
	hubtest.SubmitAs(t, logHub, alice, state.UseWitness{Addr: "w.example:22", Key: wkey})
	for _, tc := range []struct {
		out  string
		code int
		want string
	}{
		{"", 42, "fork"},
		{"999999\n", 49, "beyond this hub's head"},
	} {
		g := &Gatherer{Hub: logHub, Store: &MemStore{}, status: map[string]*state.CosignatureStatus{},
			Transport: func(context.Context, string, []byte) ([]byte, int, error) { return []byte(tc.out), tc.code, nil }}
		logHub.SetCosignatures(g.Statuses)
		g.Round(context.Background())
		st := logHub.Cosignatures()[0]
		if !st.Refused || !strings.Contains(st.Error, tc.want) {
			t.Errorf("exit %d: %+v", tc.code, st)
		}
	}
}
