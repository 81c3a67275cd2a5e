package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// longComment is a comment at the 5,000-character limit, of two-byte
// characters.
func longComment(i int) string {
	rs := []rune(fmt.Sprintf("n° %d : ", i) + strings.Repeat("é", MaxCommentLen))
	return string(rs[:MaxCommentLen])
}

// 300 members comment at once with 5,000 characters each: far more than
// one Badger transaction holds, so the sequencer cuts the batch by size,
// and every comment is accepted.
func TestManyBigCommentsAllAccepted(t *testing.T) {
	s := openTest(t, Options{CheckpointEvery: 1000})
	mustSubmit(t, s, SystemActor, CreateHub{Name: "big"})
	const members, comments = 30, 300
	actors := make([]Actor, members)
	for i := range actors {
		actors[i] = testActor(t, fmt.Sprint("c", i))
		mustSubmit(t, s, SystemActor, AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("c", i)})
	}
	evs := mustSubmit(t, s, actors[0], NewProposal{Kind: KindText, Title: "Long talk", Body: "Let us talk at length about it."})
	id := evs[0].Body.(*ProposalCreated).Proposal
	var wg sync.WaitGroup
	errs := make([]error, comments)
	start := make(chan struct{})
	for i := range comments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Submit(context.Background(), actors[i%members], CommentOn{ID: id, Body: longComment(i)})
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
	var p Proposal
	NewHub(s).View(func(r Reader) error { p, _ = GetProposal(r, id); return nil })
	if p.Comments != comments {
		t.Fatalf("%d comments stored, want %d", p.Comments, comments)
	}
}

// manyListings is one command with n events: far more than one transaction
// holds.
type manyListings struct{ n int }

func (c manyListings) Decide(r Reader, env Env) (uint64, []Body, error) {
	m, err := member(r, env)
	if err != nil {
		return 0, nil, err
	}
	var bs []Body
	for i := range c.n {
		bs = append(bs, &MemberListed{Member: m.ID, Listed: i%2 == 0})
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
			var c Command = Rename{Name: fmt.Sprintf("hwm %d", i)}
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
