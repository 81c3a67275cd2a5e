package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/polis-hub/polis/state"
)

// Many writers racing through group commit, pipelined batches and the
// sequencer's caches: afterwards the stored state must equal a replay of
// the log byte for byte (VerifyDir checks every key, the digest and every
// checkpoint), whatever order the batches formed in.
func TestConcurrentStormReplays(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, CheckpointEvery: 7, MaxBatch: 16})
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "storm"})
	const writers = 24
	actors := make([]state.Actor, writers)
	for i := range actors {
		actors[i] = testActor(t, fmt.Sprint("storm", i))
		mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("s", i)})
	}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ctx := context.Background()
			extra := testActor(t, fmt.Sprint("extra", w))
			for i := 0; i < 40; i++ {
				var c state.Command
				actor := actors[w]
				switch i % 5 {
				case 0:
					c = state.ChooseTheme{Theme: []string{"dark", "light", "dusk"}[i%3]}
				case 1:
					c = state.Rename{Name: fmt.Sprintf("s%d-%d", w, i)}
				case 2:
					code := state.HashKeyCode(fmt.Sprint(w, "-", i))
					s.Submit(ctx, actors[w], state.AddKey{Key: extra.Key, Name: fmt.Sprint("k", i), CodeHash: code})
					actor, c = extra, state.ConfirmKey{CodeHash: code}
				case 3:
					c = state.RemoveKey{Ref: extra.Fingerprint}
				default:
					// Race for the same name: exactly one may win each round.
					c = state.Rename{Name: fmt.Sprintf("contested-%d", i)}
				}
				s.Submit(ctx, actor, c) // refusals are part of the storm
			}
		}(w)
	}
	wg.Wait()
	live := s.StateDigest()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Digest != live {
		t.Fatal("replayed digest differs from the live one")
	}
	// Names stay unique even when raced.
	s2 := openTest(t, Options{Dir: dir})
	seen := map[string]bool{}
	ms, _ := state.NewHub(s2).Members()
	for _, m := range ms {
		if seen[m.Name] {
			t.Fatalf("name %q held twice", m.Name)
		}
		seen[m.Name] = true
	}
}
