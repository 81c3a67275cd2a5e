// Command polis-load drives a polis hub over real SSH on loopback and
// reports throughput, latency and the hub's own memory and CPU.
//
// The hub runs as a child process (this binary, re-executed with a hidden
// `hub` command) so that what is measured of it is the server's alone.
// Every scenario is bounded by --count and --duration; results are printed
// as a table and written as JSON.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd(os.Stdout, os.Stderr).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "polis-load:", err)
		os.Exit(1)
	}
}

// scenarios in the order `all` runs them: the cheap baselines first, the
// memory-hungry sessions and the slow start-up build last.
var scenarios = []string{"baseline", "store", "door", "votes", "web", "bookings", "sessions", "startup"}

type config struct {
	clients, sessions, events []int
	members                   int
	duration, idle            time.Duration
	count, rounds             int
	readers, pairs            int
	viewRate, voteRate        float64
	beds, nights              int
	jsonPath, outPath         string
	target, keyPath           string
	cache, hubLog, profile    string
}

func rootCmd(stdout, stderr io.Writer) *cobra.Command {
	cfg := config{}
	cmd := &cobra.Command{
		Use:   "polis-load [votes|door|sessions|bookings|baseline|store|startup|all]...",
		Short: "Drive a polis hub over SSH on loopback and measure it",
		Long: `polis-load starts a polis hub as a child process on loopback (or targets a
running one with --target), creates bench members with real ed25519 keys and
drives the hub over real SSH. Scenarios:

  votes     N clients casting and changing votes as fast as acks come back
  door      the door's read ceiling: whoami round trips at the same client counts
  sessions  M idle app sessions on the Proposals tab while a writer votes:
            memory and CPU per session, and ack-to-all-screens latency
  web       the public web page under vote load: N clients vote alone, then
            while --readers fetch --view-rate pages a second, in --pairs
            alternating pairs: views/s and the votes' ack latency; then
            once with the readers unpaced, for the site's ceiling
  bookings  K clients racing for the same beds; checks that no night is overbooked
  baseline  raw Badger, SyncWrites, one key per transaction, same concurrency
  store     acked votes straight through the store, no SSH, same concurrency
  startup   hub start-up on data dirs of --events events
  all       every scenario (the default)

Every measurement stops at --count operations or --duration, whichever comes
first. Progress goes to stderr, the table to --out, everything to --json.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		ValidArgs:         append(slices.Clone(scenarios), "all"),
		// Scenario names are checked by pickScenarios; without Args cobra
		// would take them for unknown subcommands.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			todo, err := pickScenarios(args)
			if err != nil {
				return err
			}
			if err := cfg.check(todo); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runAll(ctx, cfg, todo, stdout, stderr)
		},
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	f := cmd.Flags()
	f.IntSliceVar(&cfg.clients, "clients", []int{1, 8, 64}, "concurrent clients for votes, door, bookings, store and baseline (a list runs each)")
	f.IntSliceVar(&cfg.sessions, "sessions", []int{100}, "concurrent app sessions (a list runs each)")
	f.IntSliceVar(&cfg.events, "events", []int{100_000}, "events in the start-up data dir (a list runs each)")
	f.IntVar(&cfg.members, "members", 0, "members in the hub child, at least as many as a scenario uses (to see cost grow with members)")
	f.DurationVar(&cfg.duration, "duration", 10*time.Second, "longest time of each measurement")
	f.IntVar(&cfg.count, "count", 200_000, "most operations of each measurement")
	f.IntVar(&cfg.rounds, "rounds", 20, "sessions: votes timed from ack to every screen")
	f.DurationVar(&cfg.idle, "idle", 5*time.Second, "sessions: the idle window in which the hub's CPU is measured")
	f.IntVar(&cfg.readers, "readers", 64, "web: concurrent page readers (keep-alive HTTP clients)")
	f.Float64Var(&cfg.viewRate, "view-rate", 2000, "web: page views per second the readers are held to (0: as fast as the site answers)")
	f.Float64Var(&cfg.voteRate, "vote-rate", 0, "web: votes per second in all (0: every client as fast as its acks come back)")
	f.IntVar(&cfg.pairs, "pairs", 3, "web: alternating pairs of runs, votes alone then votes with readers")
	f.IntVar(&cfg.beds, "beds", 4, "bookings: beds in the contested space")
	f.IntVar(&cfg.nights, "nights", 14, "bookings: nights, from tomorrow, that clients race for")
	f.StringVar(&cfg.jsonPath, "json", "polis-load.json", "write every figure here as JSON")
	f.StringVar(&cfg.outPath, "out", "-", "write the table here (- for stdout)")
	f.StringVar(&cfg.target, "target", "", "drive an already running hub at this loopback HOST:PORT instead of starting one")
	f.StringVar(&cfg.keyPath, "key", "", "with --target: a steward's private key file, used to invite the bench members")
	f.StringVar(&cfg.cache, "cache", "", "startup: keep built data dirs here and reuse them (default: build in a temp dir)")
	f.StringVar(&cfg.hubLog, "hub-log", os.DevNull, "append the hub child's log here")
	// Where a goal is missed, profile the hub child: PREFIX-SCENARIO-N.cpu.pprof
	// (and .heap.pprof for sessions), for `go tool pprof`.
	f.StringVar(&cfg.profile, "hub-profile", "", "write the hub child's CPU and heap profiles with this path prefix")
	_ = f.MarkHidden("hub-profile")
	cmd.AddCommand(hubCmd())
	return cmd
}

func pickScenarios(args []string) ([]string, error) {
	if len(args) == 0 {
		return scenarios, nil
	}
	want := map[string]bool{}
	for _, a := range args {
		switch {
		case a == "all":
			return scenarios, nil
		case slices.Contains(scenarios, a):
			want[a] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q (want %s or all)", a, strings.Join(scenarios, ", "))
		}
	}
	var out []string
	for _, s := range scenarios {
		if want[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

func (c config) check(todo []string) error {
	for _, l := range []struct {
		flag     string
		vs       []int
		min, max int
	}{
		{"--clients", c.clients, 1, 4096},
		{"--sessions", c.sessions, 1, 20_000},
		{"--events", c.events, 1, 50_000_000},
	} {
		if len(l.vs) == 0 {
			return fmt.Errorf("%s needs at least one number", l.flag)
		}
		for _, v := range l.vs {
			if v < l.min || v > l.max {
				return fmt.Errorf("%s %d: want %d to %d", l.flag, v, l.min, l.max)
			}
		}
	}
	switch {
	case c.members < 0 || c.members > 1_000_000:
		return fmt.Errorf("--members %d: want 0 to 1000000", c.members)
	case c.duration <= 0:
		return fmt.Errorf("--duration must be positive")
	case c.idle <= 0:
		return fmt.Errorf("--idle must be positive")
	case c.count < 1:
		return fmt.Errorf("--count %d: want at least 1", c.count)
	case c.rounds < 1:
		return fmt.Errorf("--rounds %d: want at least 1", c.rounds)
	case c.readers < 1 || c.readers > 1024:
		return fmt.Errorf("--readers %d: want 1 to 1024", c.readers)
	case c.viewRate < 0 || c.voteRate < 0:
		return fmt.Errorf("--view-rate and --vote-rate must not be negative")
	case c.pairs < 1 || c.pairs > 100:
		return fmt.Errorf("--pairs %d: want 1 to 100", c.pairs)
	case c.beds < 1 || c.beds > 1000:
		return fmt.Errorf("--beds %d: want 1 to 1000", c.beds)
	case c.nights < 1 || c.nights > 300:
		return fmt.Errorf("--nights %d: want 1 to 300", c.nights)
	case c.jsonPath == "":
		return fmt.Errorf("--json needs a file name")
	case c.outPath == "":
		return fmt.Errorf("--out needs a file name or -")
	case (c.target == "") != (c.keyPath == ""):
		return fmt.Errorf("--target and --key go together: the key must be a steward's of that hub")
	}
	if c.target != "" {
		if err := loopbackOnly(c.target); err != nil {
			return err
		}
		if slices.Contains(todo, "startup") || slices.Contains(todo, "web") {
			return fmt.Errorf("startup and web need their own hub child; leave out --target for them")
		}
	}
	return nil
}

// loopbackOnly refuses targets off this machine: the tool is a load
// generator and must not be pointed at someone else's hub.
func loopbackOnly(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("--target %q: want HOST:PORT", addr)
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("--target %q: cannot resolve %s", addr, host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("--target %q: only loopback addresses may be targeted", addr)
		}
	}
	return nil
}
