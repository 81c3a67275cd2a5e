package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/polis-hub/polis/state"
)

// longComment is a comment at the 5,000-character limit, of two-byte
// characters.
func longComment(i int) string {
	rs := []rune(fmt.Sprintf("n° %d : ", i) + strings.Repeat("é", state.MaxCommentLen))
	return string(rs[:state.MaxCommentLen])
}

// 300 members comment at once with 5,000 characters each: far more than
// one Badger transaction holds, so the sequencer cuts the batch by size,
// and every comment is accepted.
func TestManyBigCommentsAllAccepted(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000})
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "big"})
	const members, comments = 30, 300
	actors := make([]state.Actor, members)
	for i := range actors {
		actors[i] = testActor(t, fmt.Sprint("c", i))
		mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("c", i)})
	}
	evs := mustSubmit(t, s, actors[0], state.NewProposal{Kind: state.KindText, Title: "Long talk", Body: "Let us talk at length about it."})
	id := evs[0].Body.(*state.ProposalCreated).Proposal
	var wg sync.WaitGroup
	errs := make([]error, comments)
	start := make(chan struct{})
	for i := range comments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Submit(context.Background(), actors[i%members], state.CommentOn{ID: id, Body: longComment(i)})
		}()
	}
	close(start)
	wg.Wait()
	// Each comment is written twice (the event and the comment record):
	// together far more than one transaction.
	if n := int64(2 * comments * len(longComment(7))); n < 2*s.db.MaxBatchSize() {
		t.Fatalf("the comments weigh only %d bytes; the test needs more than a transaction", n)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("comment %d refused: %v", i, err)
		}
	}
	var p state.Proposal
	state.NewHub(s).View(func(r state.Reader) error { p, _ = state.GetProposal(r, id); return nil })
	if p.Comments != comments {
		t.Fatalf("%d comments stored, want %d", p.Comments, comments)
	}
}

// manyListings is one command with n events: far more than one transaction
// holds.
type manyListings struct{ n int }

func (c manyListings) Decide(r state.Reader, env state.Env) (uint64, []state.Body, error) {
	m, ok := state.MemberByFingerprint(r, env.Actor.Fingerprint)
	if !ok {
		return 0, nil, state.ErrVisitor
	}
	var bs []state.Body
	for i := range c.n {
		bs = append(bs, &state.MemberListed{Member: m.ID, Listed: i%2 == 0})
	}
	return m.ID, bs, nil
}

// A command too big for a transaction of its own is refused alone, with a
// clear error; the commands around it in the same batch are not.
func TestTooBigCommandRefusedAlone(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000})
	fillHub(t, s, 0)
	a := testActor(t, "hwm")
	var wg sync.WaitGroup
	errs := make([]error, 40)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var c state.Command = state.Rename{Name: fmt.Sprintf("hwm %d", i)}
			if i == 20 {
				c = manyListings{n: 20000}
			}
			_, errs[i] = s.Submit(context.Background(), a, c)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 20 && (!errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "the most one write can hold")):
			t.Fatalf("the oversized command: %v", err)
		case i != 20 && err != nil:
			t.Fatalf("command %d refused beside an oversized one: %v", i, err)
		}
	}
	if s.Size() != 2+39 {
		t.Fatalf("log size %d, want 41", s.Size())
	}
}
