package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	polisssh "github.com/polis-hub/polis/ssh"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/store"
	"github.com/polis-hub/polis/web"
)

// processStart is as close to the child's exec as Go lets us note it: the
// start-up figure includes the runtime's own start and package init.
var processStart = time.Now()

// hubFlags configure the hub child.
type hubFlags struct {
	seed    string
	members int
	data    string
}

// readyMsg is the child's first line on stdout.
type readyMsg struct {
	Addr    string `json:"addr"`
	Web     string `json:"web"`      // the public web page's address
	HostKey string `json:"host_key"` // authorized_keys form, pinned by the driver
	Events  uint64 `json:"events"`
	// Start-up: store.Open alone; NewHub and the first Info(); process
	// start until that Info returned; process start until the SSH
	// listener is up (after admitting the bench keys, if any).
	OpenMS  float64 `json:"open_ms"`
	InfoMS  float64 `json:"info_ms"`
	UpMS    float64 `json:"up_ms"`
	ReadyMS float64 `json:"ready_ms"`
	AdmitMS float64 `json:"admit_ms"`
}

// memMsg answers "mem": the child's heap after a forced collection.
type memMsg struct {
	HeapInuse  uint64 `json:"heap_inuse"`
	HeapAlloc  uint64 `json:"heap_alloc"`
	StackInuse uint64 `json:"stack_inuse"`
	Sys        uint64 `json:"sys"`
	Goroutines int    `json:"goroutines"`
}

// hubCmd is the hidden child: a real hub, measured on its own. It is not a
// user command; the driver starts it and talks to it over stdin/stdout.
func hubCmd() *cobra.Command {
	f := &hubFlags{}
	cmd := &cobra.Command{
		Use:    "hub",
		Short:  "Run a bench hub on loopback (started by polis-load itself)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHubChild(cmd.InOrStdin(), cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().StringVar(&f.seed, "seed", "", "hex seed of the bench keys")
	cmd.Flags().IntVar(&f.members, "members", 0, "bench keys to admit (key 0 is the steward)")
	cmd.Flags().StringVar(&f.data, "data", "", "existing data dir to open (default: a fresh temp dir, removed at exit)")
	return cmd
}

func runHubChild(in io.Reader, out io.Writer, f *hubFlags) error {
	seed, err := hex.DecodeString(f.seed)
	if err != nil || (len(seed) == 0 && f.members > 0) {
		return fmt.Errorf("--seed must be hex")
	}
	dir := f.data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "polis-load-hub-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "data")
	}
	var ready readyMsg
	t0 := time.Now()
	st, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		return err
	}
	defer st.Close()
	ready.OpenMS = ms(time.Since(t0))
	t1 := time.Now()
	hub := state.NewHub(st)
	if _, err := hub.Info(); err != nil {
		return err
	}
	ready.InfoMS = ms(time.Since(t1))
	ready.UpMS = ms(time.Since(processStart))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if st.Size() == 0 {
		if _, err := hub.Submit(ctx, state.SystemActor, state.CreateHub{Name: "polis-load"}); err != nil {
			return err
		}
	}
	ta := time.Now()
	keys, err := deriveKeys(seed, f.members, "m")
	if err != nil {
		return err
	}
	if err := admitLocal(ctx, hub, keys); err != nil {
		return err
	}
	ready.AdmitMS = ms(time.Since(ta))

	srv, err := polisssh.New(hub, benchConfig(filepath.Join(dir, "ssh_host_ed25519_key")))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	// The public page, unlimited like the door: the web scenario reads it
	// from one address as fast as it answers. Idle, it costs nothing.
	site := web.New(hub, web.Options{RatePerIP: -1, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	wsrv, waddr, err := web.Listen("127.0.0.1:0", site, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		return err
	}
	defer wsrv.Close()
	ready.Web = waddr.String()
	go hub.RunDeadlines(ctx, time.Second)

	hk, err := os.ReadFile(filepath.Join(dir, "ssh_host_ed25519_key"))
	if err != nil {
		return err
	}
	ready.HostKey, err = hostPublicKey(hk)
	if err != nil {
		return err
	}
	ready.Addr = ln.Addr().String()
	ready.Events = st.Size()
	ready.ReadyMS = ms(time.Since(processStart))
	enc := json.NewEncoder(out)
	if err := enc.Encode(ready); err != nil {
		return err
	}
	return control(in, enc)
}

// benchConfig is the SSH door as a steward would run it, with no session
// or rate limits: the bench opens a thousand sessions from one address.
func benchConfig(hostKey string) polisssh.Config {
	return polisssh.Config{
		HostKeyPath: hostKey,
		// Negative: unlimited. Every bench connection comes from 127.0.0.1
		// and the sessions scenario opens a thousand at once.
		MaxSessions: -1, MaxSessionsPerKey: -1, MaxSessionsPerIP: -1,
		MaxStartups: -1, MaxStartupsPerIP: -1,
		MaxSessionless: -1, MaxSessionlessPerIP: -1,
		ConnRatePerIP: -1, ConnBurstPerIP: -1,
		// The writer's connection waits, sessionless, while the idle
		// sessions are measured: longer than the door's default allows.
		SessionlessTimeout: -1,
		// Connection logs go to stderr, which the driver points at
		// --hub-log or /dev/null: formatting them is part of the cost.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
}

// control answers the driver's requests, one line each, until "quit" or
// the driver goes away.
func control(in io.Reader, enc *json.Encoder) error {
	sc := bufio.NewScanner(in)
	var prof *os.File
	defer func() {
		if prof != nil {
			pprof.StopCPUProfile()
			prof.Close()
		}
	}()
	reply := func(err error) error {
		if err != nil {
			return enc.Encode(map[string]string{"error": err.Error()})
		}
		return enc.Encode(map[string]bool{"ok": true})
	}
	for sc.Scan() {
		op, arg, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		var err error
		switch op {
		case "mem":
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			err = enc.Encode(memMsg{HeapInuse: m.HeapInuse, HeapAlloc: m.HeapAlloc, StackInuse: m.StackInuse,
				Sys: m.Sys, Goroutines: runtime.NumGoroutine()})
			if err != nil {
				return err
			}
			continue
		case "cpuprofile":
			if prof != nil {
				err = fmt.Errorf("a CPU profile is already running")
				break
			}
			if prof, err = os.Create(arg); err == nil {
				if err = pprof.StartCPUProfile(prof); err != nil {
					prof.Close()
					prof = nil
				}
			}
		case "cpuprofile-stop":
			if prof == nil {
				err = fmt.Errorf("no CPU profile is running")
				break
			}
			pprof.StopCPUProfile()
			err = prof.Close()
			prof = nil
		case "heapprofile":
			var f *os.File
			if f, err = os.Create(arg); err == nil {
				runtime.GC()
				err = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		case "quit":
			return reply(nil)
		default:
			err = fmt.Errorf("unknown request %q", op)
		}
		if err := reply(err); err != nil {
			return err
		}
	}
	return sc.Err()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
