package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// blockingFault fails one commit, chosen by arm, after Badger applied it:
// committed is closed then, and the failure is reported once release is
// closed.
type blockingFault struct {
	armed     atomic.Bool
	committed chan struct{}
	release   chan struct{}
	once      sync.Once
}

// unblock reports the failure; a test defers it so that a test that fails
// early does not leave the store's Close waiting on the commit.
func (f *blockingFault) unblock() { f.once.Do(func() { close(f.release) }) }

func newBlockingFault() *blockingFault {
	return &blockingFault{committed: make(chan struct{}), release: make(chan struct{})}
}

func (f *blockingFault) fault() error {
	if !f.armed.CompareAndSwap(true, false) {
		return nil
	}
	close(f.committed)
	<-f.release
	return errors.New("injected: fsync failed")
}

// logRecords collects what the store logs.
type logRecords struct {
	mu   sync.Mutex
	recs []string
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r.Level.String()+" "+r.Message)
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }
func (l *logRecords) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.recs, "\n")
}

// A failed commit stops the store for good: it is logged at error level
// and reported, every later write and read fails, and every write that
// was acknowledged is on disk.
func TestFailedCommitIsFatal(t *testing.T) {
	dir := t.TempDir()
	logs := &logRecords{}
	var commits atomic.Int64
	o := Options{Dir: dir, CheckpointEvery: 20, Log: slog.New(logs)}
	o.commitFault = func() error {
		if commits.Add(1) == 40 {
			return errors.New("injected: fsync failed")
		}
		return nil
	}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "fail"})
	a := testActor(t, "steward")
	mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: a.Key, Name: "steward"})
	h := state.NewHub(s)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				code, _, err := h.CreateInviteCode(context.Background(), a, 1, zeroTime)
				if err != nil {
					if !errors.Is(err, ErrStorageFailed) {
						t.Errorf("write failed with %v, want ErrStorageFailed", err)
					}
					return
				}
				mu.Lock()
				acked = append(acked, code)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	select {
	case <-s.Failed():
	default:
		t.Fatal("Failed not closed")
	}
	if !s.Stats().Failed {
		t.Fatal("Stats.Failed not set")
	}
	if !strings.Contains(logs.String(), "ERROR storage failed") {
		t.Fatalf("the failure was not logged at error level:\n%s", logs)
	}
	if _, err := h.Invites(); !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("read after the failure: %v", err)
	}
	if _, err := s.Submit(context.Background(), a, state.Rename{Name: "after the failure"}); !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("write after the failure: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What the next start finds holds every acknowledged write.
	s2 := openTest(t, Options{Dir: dir})
	invs, err := state.NewHub(s2).Invites()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, inv := range invs {
		have[inv.CodeHash] = true
	}
	for _, c := range acked {
		if !have[state.HashCode(c)] {
			t.Fatalf("acknowledged invite lost (%d acked, %d present)", len(acked), len(invs))
		}
	}
	if len(acked) < 30 {
		t.Fatalf("only %d writes acknowledged before the failure", len(acked))
	}
}

var errSawFailedWrite = errors.New("a reader saw the failed batch's write")

// Badger makes a batch readable as soon as its commit returns, failed or
// not; a reader must never see it: it waits until the sequencer knows, and
// then fails.
func TestFailedBatchNeverReadable(t *testing.T) {
	bf := newBlockingFault()
	waiting := make(chan struct{}, 1)
	o := Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour}
	o.commitFault = bf.fault
	o.onSnapshotWait = func() { waiting <- struct{}{} }
	s := openTest(t, o)
	defer bf.unblock()
	fillHub(t, s, 0)
	a := testActor(t, "hwm")
	bf.armed.Store(true)
	wrote := make(chan error, 1)
	go func() { _, err := s.Submit(context.Background(), a, state.Rename{Name: "ghost"}); wrote <- err }()
	<-bf.committed // applied in Badger, its failure not yet reported
	read := make(chan error, 1)
	go func() {
		read <- s.View(func(r state.Reader) error {
			if m, _ := state.MemberByFingerprint(r, a.Fingerprint); m.Name == "ghost" {
				return errSawFailedWrite
			}
			return nil
		})
	}()
	// The reader's snapshot holds the batch: it must wait, not read.
	select {
	case err := <-read:
		t.Fatalf("a read while the failed commit was being reported: %v", err)
	case <-waiting:
	}
	bf.unblock()
	if err := <-read; !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("read during the failed commit: %v, want ErrStorageFailed", err)
	}
	if err := <-wrote; !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("the failed write: %v", err)
	}
}

// A refusal may rest on a batch still in flight (the name is taken by a
// rename not yet durable), so it is answered only once everything before
// it is durable - and if that fails, it fails with it.
func TestRefusalsWaitForEarlierBatches(t *testing.T) {
	bf := newBlockingFault()
	decided := make(chan int, 64)
	o := Options{CheckpointEvery: 1000, CheckpointInterval: time.Hour}
	o.commitFault = bf.fault
	o.onDecided = func(n int) { decided <- n }
	s := openTest(t, o)
	defer bf.unblock()
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "refuse"})
	const others = minPipelined
	actors := make([]state.Actor, others+1)
	for i := range actors {
		actors[i] = testActor(t, fmt.Sprint("m", i))
		mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: actors[i].Key, Name: fmt.Sprint("m", i)})
	}
	for len(decided) > 0 {
		<-decided
	}
	bf.armed.Store(true)
	first := make(chan error, 1)
	go func() { _, err := s.Submit(context.Background(), actors[0], state.Rename{Name: "zed"}); first <- err }()
	<-bf.committed
	<-decided
	// The same name, refused on the state the blocked rename leaves.
	refused := make(chan error, others)
	for _, a := range actors[1:] {
		go func() { _, err := s.Submit(context.Background(), a, state.Rename{Name: "zed"}); refused <- err }()
	}
	for n := 0; n < others; {
		select {
		case k := <-decided:
			n += k
		case err := <-refused:
			t.Fatalf("a refusal was answered before the batch before it was durable: %v", err)
		}
	}
	select {
	case err := <-refused:
		t.Fatalf("a refusal was answered before the batch before it was durable: %v", err)
	default:
	}
	bf.unblock()
	if err := <-first; !errors.Is(err, ErrStorageFailed) {
		t.Fatalf("the blocked rename: %v", err)
	}
	for range others {
		if err := <-refused; !errors.Is(err, ErrStorageFailed) {
			t.Fatalf("a refusal resting on a failed batch: %v, want ErrStorageFailed", err)
		}
	}
}
