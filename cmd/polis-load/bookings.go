package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

type bookingStats struct {
	Beds             int     `json:"beds"`
	Nights           int     `json:"nights"`
	Attempts         int64   `json:"attempts"`
	Confirmed        int64   `json:"confirmed"`
	Full             int64   `json:"refused_full"`
	Cancels          int64   `json:"cancels"`
	ConfirmedPerSec  float64 `json:"bookings_per_s"`
	MaxHeld          int     `json:"max_held"`
	OverbookedNights int     `json:"overbooked_nights"`
	// LedgerMatches: the beds the hub says are held each night equal the
	// sum of the stays the clients were told are confirmed and did not
	// cancel.
	LedgerMatches bool `json:"ledger_matches"`
}

// stay is a booking a client holds: nights [from, to) as offsets from the
// first night of the window.
type stay struct {
	id       string
	from, to int
}

// bookings: K clients race for the beds of one space over the same few
// nights. Each books a random stay of one to three nights; once it holds
// two it cancels the older, so the race goes on. A refusal because a night
// is full is the expected outcome of losing a race, not an error.
func (r *runner) bookings(clients int) (res result, err error) {
	h, err := r.openHub(clients)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := h.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	sc, err := h.door.dial(h.steward)
	if err != nil {
		return res, err
	}
	defer sc.Close()
	out, err := run(sc, fmt.Sprintf("housing space add --name 'Load test house' --beds %d", r.cfg.beds), "Quiet after ten.\n")
	if err != nil {
		return res, err
	}
	space := lastLine(out)
	if _, err := strconv.ParseUint(space, 10, 64); err != nil {
		return res, fmt.Errorf("housing space add printed %q, not an ID last", out)
	}
	conns, err := h.door.dialAll(h.members[:clients])
	if err != nil {
		return res, err
	}
	defer closeAll(conns)

	first := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	day := func(off int) string { return first.AddDate(0, 0, off).Format(time.DateOnly) }
	held := make([][]stay, clients)
	rngs := make([]*rand.Rand, clients)
	for w := range rngs {
		rngs[w] = rand.New(rand.NewPCG(uint64(w), uint64(clients)))
	}
	bs := &bookingStats{Beds: r.cfg.beds, Nights: r.cfg.nights}
	attempts, confirmed, full, cancels := make([]int64, clients), make([]int64, clients), make([]int64, clients), make([]int64, clients)
	op := func(w, _ int, c *gossh.Client) error {
		if len(held[w]) >= 2 {
			if _, err := run(c, "housing cancel "+held[w][0].id, ""); err != nil {
				return err
			}
			held[w] = held[w][1:]
			cancels[w]++
			return nil
		}
		from := rngs[w].IntN(r.cfg.nights)
		to := from + 1 + rngs[w].IntN(min(3, r.cfg.nights-from))
		attempts[w]++
		out, err := run(c, fmt.Sprintf("housing book %s --from %s --to %s", space, day(from), day(to)), "")
		var rf refused
		if errors.As(err, &rf) && strings.Contains(rf.stderr, "full on the night") {
			full[w]++
			return nil
		}
		if err != nil {
			return err
		}
		held[w] = append(held[w], stay{id: lastLine(out), from: from, to: to})
		confirmed[w]++
		return nil
	}
	res = result{Scenario: "bookings", Clients: clients, Members: h.total}
	r.measure(h, &res, fmt.Sprintf("bookings-%d", clients), func() {
		st := r.drive(fmt.Sprintf("bookings, %d clients", clients), conns, op)
		res.fill(st)
	})
	for w := range clients {
		bs.Attempts += attempts[w]
		bs.Confirmed += confirmed[w]
		bs.Full += full[w]
		bs.Cancels += cancels[w]
	}
	bs.ConfirmedPerSec = float64(bs.Confirmed) / res.Seconds
	res.PerSec = float64(bs.Attempts) / res.Seconds
	res.Bookings = bs
	if err := r.checkNights(sc, space, day(0), day(r.cfg.nights), held, bs); err != nil {
		return res, err
	}
	r.prog.say("bookings, %d clients: %.0f bookings/s of %.0f attempts/s; %d overbooked nights; ledger %s",
		clients, bs.ConfirmedPerSec, res.PerSec, bs.OverbookedNights, okText(bs.LedgerMatches))
	return res, nil
}

// checkNights reads the hub's own count of held beds per night and checks
// it against capacity and against what the clients were told.
func (r *runner) checkNights(c *gossh.Client, space, from, to string, held [][]stay, bs *bookingStats) error {
	out, err := run(c, fmt.Sprintf("housing show %s --from %s --to %s --json", space, from, to), "")
	if err != nil {
		return err
	}
	var av struct {
		Nights []struct {
			Date string `json:"date"`
			Held int    `json:"held"`
			Free int    `json:"free"`
		} `json:"nights"`
	}
	if err := json.Unmarshal([]byte(out), &av); err != nil {
		return fmt.Errorf("housing show --json: %w", err)
	}
	if len(av.Nights) != bs.Nights {
		return fmt.Errorf("housing show returned %d nights, want %d", len(av.Nights), bs.Nights)
	}
	want := make([]int, bs.Nights)
	for _, hs := range held {
		for _, s := range hs {
			for n := s.from; n < s.to; n++ {
				want[n]++
			}
		}
	}
	bs.LedgerMatches = true
	for i, n := range av.Nights {
		bs.MaxHeld = max(bs.MaxHeld, n.Held)
		if n.Held > bs.Beds || n.Free < 0 {
			bs.OverbookedNights++
		}
		if n.Held != want[i] {
			bs.LedgerMatches = false
		}
	}
	return nil
}
