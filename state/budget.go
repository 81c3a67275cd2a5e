package state

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Write budgets. Every write a member makes stays in the signed log for
// good, so one member must not be able to fill the disk or the sequencer
// (a script flipping a vote thousands of times, 20,000-character
// statements on a loop). Each member has a token bucket of log bytes in
// front of the sequencer: a write is refused while the bucket is short of
// MinCost, and costs the bytes its events take (at least MinCost). A
// refusal writes nothing and is no event; time here is the wall clock
// (budgets.clock), which only decides whether a command is taken, never
// what it does, and is read apart from the sequencer's event clock.
//
// The numbers are generous on purpose: the bucket holds enough for tens of
// thousands of small writes at once (a member's scripts, the load tool's
// ten seconds of one voter as fast as acks come back), and refills at a
// few writes a second for as long as anyone keeps going.

// WriteBudget is the bucket every member gets.
type WriteBudget struct {
	Burst     int64 // bytes the bucket holds
	PerSecond int64 // bytes it refills each second
	MinCost   int64 // bytes a write costs at least, whatever its size
}

// DefaultWriteBudget: 16 MiB at once (65,536 small writes), then 4 KiB a
// second (16 small writes a second, about 340 MiB a day at most).
var DefaultWriteBudget = WriteBudget{Burst: 16 << 20, PerSecond: 4 << 10, MinCost: 256}

// ErrTooFast is a write refused by the member's budget.
var ErrTooFast = errors.New("too fast")

// bucket is one member's budget: tokens (bytes) at time last (unix ms).
type bucket struct {
	tokens, last int64
}

// refill brings the bucket to time now.
func (b *bucket) refill(wb WriteBudget, now int64) {
	if now > b.last {
		b.tokens = min(wb.Burst, b.tokens+(now-b.last)*wb.PerSecond/1000)
		b.last = now
	}
}

// take reserves MinCost for a write at now, or says how long until it may.
func (b *bucket) take(wb WriteBudget, now int64) error {
	b.refill(wb, now)
	if b.tokens < wb.MinCost {
		rate := max(wb.PerSecond, 1)
		waitMS := ((wb.MinCost-b.tokens)*1000 + rate - 1) / rate
		secs, unit := (waitMS+999)/1000, "seconds"
		if secs == 1 {
			unit = "second"
		}
		return fmt.Errorf("%w: you have written more than the hub takes from one member (%s at once, then %s a second); try again in %d %s",
			ErrTooFast, bytesText(wb.Burst), bytesText(wb.PerSecond), secs, unit)
	}
	b.tokens -= wb.MinCost
	return nil
}

// settle charges what a write's events took beyond the reserve, or gives
// the reserve back when nothing was written.
func (b *bucket) settle(wb WriteBudget, bytes int64, wrote bool) {
	if !wrote {
		b.tokens = min(wb.Burst, b.tokens+wb.MinCost)
		return
	}
	if extra := bytes - wb.MinCost; extra > 0 {
		b.tokens -= extra
	}
}

// budgets holds the members' buckets; one per member who has written
// since the hub started, so it is bounded by the membership.
type budgets struct {
	mu    sync.Mutex
	wb    WriteBudget
	set   bool
	by    map[uint64]*bucket
	clock func() time.Time // nil: time.Now; tests pin it
}

func (bs *budgets) now() int64 {
	if bs.clock != nil {
		return bs.clock().UnixMilli()
	}
	return time.Now().UnixMilli()
}

func (bs *budgets) config() WriteBudget {
	if !bs.set {
		return DefaultWriteBudget
	}
	return bs.wb
}

// SetWriteBudget replaces the members' write budget; Burst 0 or less turns
// budgets off. Buckets start full.
func (h *Hub) SetWriteBudget(wb WriteBudget) {
	h.budgets.mu.Lock()
	defer h.budgets.mu.Unlock()
	h.budgets.wb, h.budgets.set, h.budgets.by = wb, true, nil
}

// reserve takes a write's minimum cost from member id's bucket. It returns
// false when budgets are off.
func (h *Hub) reserve(id uint64) (bool, error) {
	bs := &h.budgets
	bs.mu.Lock()
	defer bs.mu.Unlock()
	now := bs.now()
	wb := bs.config()
	if wb.Burst <= 0 {
		return false, nil
	}
	if bs.by == nil {
		bs.by = map[uint64]*bucket{}
	}
	b := bs.by[id]
	if b == nil {
		b = &bucket{tokens: wb.Burst, last: now}
		bs.by[id] = b
	}
	return true, b.take(wb, now)
}

// settle charges member id for the events a write made; wrote is false
// for a write that was refused or changed nothing.
func (h *Hub) settle(id uint64, evs []Event, wrote bool) {
	var n int64
	for _, ev := range evs {
		if b, eerr := Encode(ev); eerr == nil {
			n += int64(len(b))
		}
	}
	bs := &h.budgets
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b := bs.by[id]; b != nil {
		b.settle(bs.config(), n, wrote)
	}
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
