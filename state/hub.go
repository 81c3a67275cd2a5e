package state

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/witness"
)

// Hub is the one door to polis data for screens and commands: queries read a
// consistent snapshot, commands go through the sequencer. It sees its engine
// only through the Engine interface; nothing else touches storage.
type Hub struct {
	eng     Engine
	cache   shared
	ballots ballotCache
	budgets budgets

	vonce sync.Once // the checkpoints' verifier, made on first use
	v     note.Verifier
	verr  error

	witness atomic.Pointer[witness.Witness]            // see StartWitness
	cosigs  atomic.Pointer[func() []CosignatureStatus] // see SetCosignatures
}

// NewHub wraps an open engine.
func NewHub(e Engine) *Hub { return &Hub{eng: e} }

// Submit runs a command through the sequencer and waits until its events are
// durable. A member's write first passes their write budget (see
// WriteBudget): both doors submit here, so neither can go around it. The
// hub's own commands and visitors' (whose applications are capped in
// state) have none.
func (h *Hub) Submit(ctx context.Context, a Actor, c Command) ([]Event, error) {
	if a.System || a.Fingerprint == "" {
		return h.eng.Submit(ctx, a, c)
	}
	m, ok, err := h.Whoami(a.Fingerprint)
	if err != nil || !ok {
		return h.eng.Submit(ctx, a, c)
	}
	on, err := h.reserve(m.ID)
	if err != nil {
		return nil, err
	}
	evs, err := h.eng.Submit(ctx, a, c)
	if on {
		// A private write (a draft, a theme) costs the minimum too.
		_, private := c.(privateWriter)
		h.settle(m.ID, evs, err == nil && (len(evs) > 0 || private))
	}
	return evs, err
}

// View runs fn over one consistent snapshot of state.
func (h *Hub) View(fn func(r Reader) error) error { return h.eng.View(fn) }

// Subscribe returns a channel that receives the log size after every
// committed batch. Slow readers miss intermediate sizes but always get the
// latest: the channel holds one value and is overwritten.
func (h *Hub) Subscribe() (<-chan uint64, func()) { return h.eng.Subscribe() }

// Info returns the hub's own record.
func (h *Hub) Info() (hi HubInfo, err error) {
	err = h.View(func(r Reader) error { hi, _ = GetHub(r); return nil })
	return hi, err
}

// Day formats unix ms as a UTC calendar date.
func Day(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }
