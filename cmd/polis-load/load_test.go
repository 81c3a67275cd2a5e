package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The driver re-executes its own binary as the hub child; under `go test`
// that binary is the test binary, which must then act as the tool.
func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "hub" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestEveryScenarioTiny runs each scenario at a tiny size so that the tool
// cannot rot: every scenario must finish, do real work against a real hub
// child, and report it. Nothing here looks at how fast anything was.
func TestEveryScenarioTiny(t *testing.T) {
	dir := t.TempDir()
	jsonPath, outPath := filepath.Join(dir, "load.json"), filepath.Join(dir, "table.txt")
	var stdout, stderr bytes.Buffer
	cmd := rootCmd(&stdout, &stderr)
	cmd.SetArgs([]string{"all", "--clients", "2", "--sessions", "3", "--events", "300",
		"--duration", "5s", "--count", "40", "--rounds", "2", "--idle", "50ms",
		"--json", jsonPath, "--out", outPath})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %v", rep.Errors)
	}
	got := map[string]result{}
	for _, r := range rep.Results {
		got[r.Scenario] = r
	}
	for _, s := range scenarios {
		if _, ok := got[s]; !ok {
			t.Errorf("no result for %s", s)
		}
	}
	for _, s := range []string{"baseline", "store", "door", "votes", "bookings"} {
		r := got[s]
		if r.Ops == 0 || r.Errors != 0 || r.Latency == nil || r.Latency.N == 0 {
			t.Errorf("%s: %d ops, %d errors (%s), latency %+v", s, r.Ops, r.Errors, r.FirstError, r.Latency)
		}
		if r.Ops > 40 {
			t.Errorf("%s: %d ops, beyond --count 40", s, r.Ops)
		}
	}
	for _, s := range []string{"door", "votes", "bookings", "sessions"} {
		if h := got[s].Hub; h == nil || h.RSSMiB <= 0 {
			t.Errorf("%s: no hub figures: %+v", s, h)
		}
	}
	if b := got["bookings"].Bookings; b == nil || b.Attempts == 0 || b.OverbookedNights != 0 || !b.LedgerMatches {
		t.Errorf("bookings: %+v", b)
	}
	if s := got["sessions"].Screens; s == nil || s.Opened != 3 || s.Rounds != 2 || s.Missed != 0 || s.AckToLast.N != 2 || s.AckToEach.N != 6 {
		t.Errorf("sessions: %+v", s)
	}
	if s := got["startup"].Startup; s == nil || len(s.Runs) != startRuns || s.Runs[0].UpMS <= 0 || s.DataMiB <= 0 {
		t.Errorf("startup: %+v", s)
	}
	if len(rep.Goals) == 0 {
		t.Error("no goals worked out")
	}
	table, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"throughput", "bookings", "sessions", "start-up", "goals"} {
		if !bytes.Contains(table, []byte(want)) {
			t.Errorf("the table has no %s section:\n%s", want, table)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"vote"}, `unknown scenario "vote"`},
		{[]string{"--clients", "0"}, "--clients 0: want 1 to 4096"},
		{[]string{"--clients", "x"}, `invalid argument "x"`},
		{[]string{"--sessions", "-3"}, "--sessions -3: want 1 to 20000"},
		{[]string{"--events", "0"}, "--events 0: want 1 to 50000000"},
		{[]string{"--members", "-1"}, "--members -1: want 0 to 1000000"},
		{[]string{"--duration", "0s"}, "--duration must be positive"},
		{[]string{"--idle", "-1s"}, "--idle must be positive"},
		{[]string{"--count", "0"}, "--count 0: want at least 1"},
		{[]string{"--rounds", "0"}, "--rounds 0: want at least 1"},
		{[]string{"--beds", "0"}, "--beds 0: want 1 to 1000"},
		{[]string{"--nights", "400"}, "--nights 400: want 1 to 300"},
		{[]string{"--json", ""}, "--json needs a file name"},
		{[]string{"--out", ""}, "--out needs a file name or -"},
		{[]string{"--target", "127.0.0.1:2222"}, "--target and --key go together"},
		{[]string{"--key", "k"}, "--target and --key go together"},
		{[]string{"votes", "--target", "127.0.0.1", "--key", "k"}, "want HOST:PORT"},
		{[]string{"votes", "--target", "192.0.2.1:22", "--key", "k"}, "only loopback addresses may be targeted"},
		{[]string{"startup", "--target", "127.0.0.1:22", "--key", "k"}, "leave out --target"},
		{[]string{"votes", "--target", "127.0.0.1:22", "--key", filepath.Join(t.TempDir(), "none")}, "--key: open"},
	} {
		var stdout, stderr bytes.Buffer
		cmd := rootCmd(&stdout, &stderr)
		// Later flags win, so a case's own --json overrides this one.
		cmd.SetArgs(append([]string{"--json", filepath.Join(t.TempDir(), "x.json")}, tc.args...))
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.args, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: the error is not one line: %q", tc.args, err)
		}
	}
}

func TestSummarize(t *testing.T) {
	if l := summarize(nil); l.N != 0 {
		t.Errorf("empty: %+v", l)
	}
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	l := summarize(ds)
	if l.N != 100 || l.P50 != 50 || l.P95 != 95 || l.P99 != 99 || l.Max != 100 || l.Mean != 50.5 {
		t.Errorf("1..100 ms: %+v", l)
	}
}

// TestTarget drives a hub that was already running, as --target does: the
// bench members join through a steward's invite over SSH, and nothing of
// the hub's own memory or CPU is claimed.
func TestTarget(t *testing.T) {
	seed := []byte("polis-load-target-test")
	p, err := startHub(os.DevNull, "--seed", hexSeed(seed), "--members", "1")
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	block, err := gossh.MarshalPrivateKey(derivePrivate(seed, 0), "steward")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyPath, jsonPath := filepath.Join(dir, "steward"), filepath.Join(dir, "load.json")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := rootCmd(&stdout, &stderr)
	cmd.SetArgs([]string{"votes", "bookings", "sessions", "--target", p.ready.Addr, "--key", keyPath,
		"--clients", "2", "--sessions", "2", "--count", "20", "--rounds", "2", "--json", jsonPath})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d results, want 3: %s", len(rep.Results), b)
	}
	for _, r := range rep.Results {
		if r.Ops == 0 || r.Errors != 0 || r.Hub != nil {
			t.Errorf("%s: %d ops, %d errors (%s), hub figures %+v", r.Scenario, r.Ops, r.Errors, r.FirstError, r.Hub)
		}
	}
	// A key that is not a steward's cannot invite.
	block, _ = gossh.MarshalPrivateKey(derivePrivate([]byte("someone else"), 0), "")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd = rootCmd(&stdout, &stderr)
	cmd.SetArgs([]string{"votes", "--target", p.ready.Addr, "--key", keyPath, "--json", jsonPath})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "not a steward's key") {
		t.Errorf("a visitor's key: got %v", err)
	}
}
