package ssh

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
)

// BenchmarkVoteToScreens measures how long a vote takes to reach the
// screens of many open terminal sessions: N members sit on the detail view
// of one proposal while another member votes through the SSH command
// interface, alternating yes and no. Each iteration records the time from
// the vote's ack (the command's exit status arriving at the voter) to the
// first and to the last of the N screens showing the new tally.
//
// N is 100 unless POLIS_BENCH_SESSIONS says otherwise. Nothing here asserts
// on timing; the figures are only reported:
//
//	go test ./ssh -run '^$' -bench VoteToScreens -benchtime 20x
func BenchmarkVoteToScreens(b *testing.B) {
	n := 100
	if s := os.Getenv("POLIS_BENCH_SESSIONS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("POLIS_BENCH_SESSIONS=%q: want a positive number", s)
		}
		n = v
	}

	hub := newHub(b)
	ts := startServer(b, hub)
	admitTB := func(u *user) {
		b.Helper()
		if _, err := hub.Submit(context.Background(), state.SystemActor, state.AdmitAdmin{Key: u.authorizedKey(), Name: u.name}); err != nil {
			b.Fatal(err)
		}
	}
	writer := newUser(b, "writer")
	admitTB(writer)
	viewers := make([]*user, n)
	for i := range viewers {
		viewers[i] = newUser(b, fmt.Sprintf("m%03d", i))
		admitTB(viewers[i])
	}
	r := exec(b, ts.addr, []gossh.Signer{writer.signer}, cmdline("proposal", "new", "--title", "Bench door", "--kind", "text"), "Paint the door.\n")
	if r.code != 0 {
		b.Fatalf("proposal new: %+v", r)
	}
	id := lastLine(r.stdout)

	// Open the sessions and measure what they hold on the heap. Client and
	// server share this process, so the figure includes the client side:
	// the SSH client and the virtual terminal. The terminals, by far the
	// larger part, are weighed on their own first and reported apart.
	vtPerSession := heapPer(n, func() any {
		es := make([]*vt.SafeEmulator, n)
		for i := range es {
			es[i] = vt.NewSafeEmulator(80, 24)
		}
		return es
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	screens := make([]*ptyClient, n)
	for i, u := range viewers {
		screens[i] = openPTY(b, ts.addr, u.signer, 80, 24, nil)
	}
	for _, p := range screens {
		p.waitScreen("Good to see you")
		p.send("2")
	}
	for _, p := range screens {
		p.waitScreen("Bench door")
		p.send("\r")
	}
	for _, p := range screens {
		p.waitScreen("Turnout")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapPerSession := float64(int64(after.HeapInuse)-int64(before.HeapInuse))/float64(n)/1024 - vtPerSession

	// Find where each screen draws the tally, so that polling reads two
	// rows instead of rendering the whole screen.
	watch := make([]*tallyWatch, n)
	for i, p := range screens {
		w := &tallyWatch{p: p}
		if got, ok := w.read(); !ok || got != (yesNo{0, 0}) {
			b.Fatalf("screen %d does not show an empty tally (%v):\n%s", i, got, p.screen())
		}
		watch[i] = w
	}

	// The voter keeps one connection and opens a session per vote, as an
	// SSH client multiplexing commands would.
	client, err := dial(ts.addr, gossh.PublicKeys(writer.signer))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()

	var toLast, toFirst, rtt []time.Duration
	iter := 0
	for b.Loop() {
		choice, want := "yes", yesNo{1, 0}
		if iter%2 == 1 {
			choice, want = "no", yesNo{0, 1}
		}
		iter++

		// The poller starts before the vote: a screen may change before
		// the ack reaches the voter.
		seen := make([]time.Time, n)
		polled := make(chan error, 1)
		go func() { polled <- pollScreens(watch, want, seen, 30*time.Second) }()

		start := time.Now()
		if err := voteOn(client, "vote "+id+" "+choice); err != nil {
			b.Fatal(err)
		}
		ack := time.Now()
		if err := <-polled; err != nil {
			b.Fatal(err)
		}
		first, last := slices.MinFunc(seen, time.Time.Compare), slices.MaxFunc(seen, time.Time.Compare)
		rtt = append(rtt, ack.Sub(start))
		toFirst = append(toFirst, first.Sub(ack))
		toLast = append(toLast, last.Sub(ack))
	}

	if len(toLast) > 0 {
		slices.Sort(toLast)
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		b.ReportMetric(ms(toLast[len(toLast)/2]), "ack-to-last-p50-ms")
		b.ReportMetric(ms(toLast[len(toLast)-1]), "ack-to-last-max-ms")
		b.ReportMetric(ms(mean(toFirst)), "ack-to-first-mean-ms")
		b.ReportMetric(ms(mean(rtt)), "vote-rtt-mean-ms")
		b.ReportMetric(float64(n), "sessions")
		// After the loop: b.Loop's timer reset drops earlier metrics.
		b.ReportMetric(heapPerSession, "heapKB/session")
		b.ReportMetric(vtPerSession, "vtKB/session")
	}

	// Leave the app on every screen before the server closes.
	for _, p := range screens {
		_, _ = p.stdin.Write([]byte{0x03})
	}
}

// heapPer is the heap, in KB, that what build returns holds, per one of n.
func heapPer(n int, build func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(n) / 1024
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// voteOn runs one command in a new session on c and waits for its exit
// status: the ack.
func voteOn(c *gossh.Client, cmd string) error {
	sess, err := c.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	var out bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &out
	if err := sess.Run(cmd); err != nil {
		return fmt.Errorf("%q: %v: %s", cmd, err, out.String())
	}
	return nil
}

// pollScreens polls every screen every 2ms until each shows want, noting
// in seen when it first did.
func pollScreens(ws []*tallyWatch, want yesNo, seen []time.Time, limit time.Duration) error {
	pending := make([]int, len(ws))
	for i := range pending {
		pending[i] = i
	}
	deadline := time.Now().Add(limit)
	for len(pending) > 0 {
		now := time.Now()
		left := pending[:0]
		for _, i := range pending {
			if got, ok := ws[i].read(); ok && got == want {
				seen[i] = now
			} else {
				left = append(left, i)
			}
		}
		pending = left
		if len(pending) == 0 {
			return nil
		}
		if now.After(deadline) {
			w := ws[pending[0]]
			got, _ := w.read()
			return fmt.Errorf("%d screens never showed %v (one shows %v):\n%s", len(pending), want, got, w.p.screen())
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

type yesNo struct{ yes, no int }

// tallyWatch reads the tally off one screen. It remembers the rows where
// the tally was last found and reads only those cells, falling back to the
// whole screen when the layout moved.
type tallyWatch struct {
	p             *ptyClient
	yesRow, noRow int
	known         bool
	mu            sync.Mutex // the poller and the setup never overlap; this keeps -race quiet
}

func (w *tallyWatch) read() (yesNo, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.known {
		y, okY := parseTally(w.row(w.yesRow), "yes")
		n, okN := parseTally(w.row(w.noRow), "no")
		if okY && okN {
			return yesNo{y, n}, true
		}
	}
	lines := strings.Split(w.p.screen(), "\n")
	w.known = false
	var got yesNo
	foundY, foundN := false, false
	for i, l := range lines {
		if v, ok := parseTally(l, "yes"); ok && !foundY {
			got.yes, w.yesRow, foundY = v, i, true
		} else if v, ok := parseTally(l, "no"); ok && !foundN {
			got.no, w.noRow, foundN = v, i, true
		}
	}
	w.known = foundY && foundN
	return got, w.known
}

// row is the text of one screen row, read cell by cell.
func (w *tallyWatch) row(y int) string {
	var sb strings.Builder
	for x := range w.p.term.Width() {
		c := w.p.term.CellAt(x, y)
		switch {
		case c == nil:
			sb.WriteByte(' ')
		case c.Content == "" && c.Width == 0:
			// the tail of a wide character
		case c.Content == "":
			sb.WriteByte(' ')
		default:
			sb.WriteString(c.Content)
		}
	}
	return sb.String()
}

// parseTally finds the count on a tally row: the option's name, its bar
// (absent on a very narrow screen), the count, the share.
func parseTally(line, name string) (int, bool) {
	f := strings.Fields(line)
	for i := range f {
		if f[i] != name {
			continue
		}
		j := i + 1
		if j < len(f) && strings.Trim(f[j], "█▓▒░·") == "" {
			j++
		}
		if j+1 >= len(f) || (f[j+1] != "—" && !strings.HasSuffix(f[j+1], "%")) {
			continue
		}
		if v, err := strconv.Atoi(f[j]); err == nil {
			return v, true
		}
	}
	return 0, false
}
