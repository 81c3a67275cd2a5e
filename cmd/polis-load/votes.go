package main

import (
	"fmt"
	"strconv"

	gossh "golang.org/x/crypto/ssh"
)

// votes: every client casts and changes its vote on one open proposal, as
// fast as the acks come back (the night of a big vote).
func (r *runner) votes(clients int) (result, error) {
	return r.overSSH("votes", clients, func(h *benchHub, conns []*gossh.Client) (func(w, i int, c *gossh.Client) error, error) {
		id, err := newProposal(conns[0], "Load test: paint the door")
		if err != nil {
			return nil, err
		}
		return func(_, i int, c *gossh.Client) error {
			choice := "yes"
			if i%2 == 1 {
				choice = "no"
			}
			_, err := run(c, "vote "+id+" "+choice, "")
			return err
		}, nil
	})
}

// door: the read ceiling of the SSH door at the same client count, a
// read-only command over the same kept connections.
func (r *runner) door(clients int) (result, error) {
	return r.overSSH("door", clients, func(*benchHub, []*gossh.Client) (func(w, i int, c *gossh.Client) error, error) {
		return func(_, _ int, c *gossh.Client) error {
			_, err := run(c, "whoami --json", "")
			return err
		}, nil
	})
}

// overSSH runs one driven measurement against a fresh hub with clients
// connected members; setup prepares the hub and returns the operation.
func (r *runner) overSSH(name string, clients int, setup func(*benchHub, []*gossh.Client) (func(w, i int, c *gossh.Client) error, error)) (res result, err error) {
	h, err := r.openHub(clients)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := h.close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	conns, err := h.door.dialAll(h.members[:clients])
	if err != nil {
		return res, err
	}
	defer closeAll(conns)
	op, err := setup(h, conns)
	if err != nil {
		return res, err
	}
	res = result{Scenario: name, Clients: clients, Members: h.total}
	r.measure(h, &res, fmt.Sprintf("%s-%d", name, clients), func() {
		st := r.drive(fmt.Sprintf("%s, %d clients", name, clients), conns, op)
		res.fill(st)
	})
	r.prog.say("%s, %d clients: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors", name, clients, res.PerSec,
		res.Latency.P50, res.Latency.P99, res.Errors)
	return res, nil
}

// newProposal opens a yes/no text proposal and returns its ID.
func newProposal(c *gossh.Client, title string) (string, error) {
	out, err := run(c, "proposal new --title '"+title+"' --kind text", "Opened by polis-load to measure the hub.\n")
	if err != nil {
		return "", err
	}
	id := lastLine(out)
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", fmt.Errorf("proposal new printed %q, not an ID last", out)
	}
	return id, nil
}
