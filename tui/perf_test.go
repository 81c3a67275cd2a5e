package tui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/tally"
)

// sim runs a model the way a Bubble Tea program does, without a terminal:
// every message goes through Update, View is called after each one (the
// program renders after every Update), and the commands that follow run to
// completion. It counts the View calls.
type sim struct {
	m     tea.Model
	views int
}

func (s *sim) send(msgs ...tea.Msg) {
	queue := append([]tea.Msg(nil), msgs...)
	for i := 0; len(queue) > 0 && i < 1000; i++ {
		msg := queue[0]
		queue = queue[1:]
		var cmd tea.Cmd
		s.m, cmd = s.m.Update(msg)
		s.m.View()
		s.views++
		queue = append(queue, runCmd(cmd)...)
	}
}

// runCmd runs cmd and everything it batches, returning their messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runCmd(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// startup is what a Bubble Tea program over SSH sends a new model before
// the member presses anything: the colour profile, the window size, the
// environment, and the terminal's replies to the program's queries.
func startup(w, h int) []tea.Msg {
	return []tea.Msg{
		tea.ColorProfileMsg{Profile: colorprofile.TrueColor},
		tea.WindowSizeMsg{Width: w, Height: h},
		tea.EnvMsg{"TERM=xterm-256color"},
		tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset},
		tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset},
	}
}

// benchHub is a hub with a steward, members plain members and proposals
// open yes/no proposals, and the identities of everyone.
func benchHub(tb testing.TB, members, proposals int) (*fixture, Identity, []Identity) {
	tb.Helper()
	f := newFixture(tb)
	alice := f.steward("alice")
	ids := make([]Identity, members)
	for i := range ids {
		ids[i] = f.member(alice, fmt.Sprintf("m%03d", i))
	}
	for i := range proposals {
		f.as(alice, state.NewProposal{Kind: state.KindText, Title: fmt.Sprintf("Proposal number %d", i+1),
			Body: "Something to decide.", Method: state.MethodYesNo})
	}
	return f, alice, ids
}

// openOnProposals opens one session per identity, on the Proposals tab.
func openOnProposals(f *fixture, ids []Identity) []*sim {
	out := make([]*sim, len(ids))
	for i, id := range ids {
		s := &sim{m: New(f.hub, id, WithSize(80, 24), pinned(propNow))}
		s.m.View()
		s.send(startup(80, 24)...)
		s.send(keyMsg("2"))
		out[i] = s
	}
	return out
}

// vote casts alice's vote on proposal 1, alternating yes and no.
func vote(tb testing.TB, f *fixture, alice Identity, n int) {
	choice := tally.ChoiceYes
	if n%2 == 1 {
		choice = tally.ChoiceNo
	}
	if _, err := f.hub.Submit(context.Background(), f.actor(alice), state.CastVote{ID: 1, Ballot: tally.Ballot{Choice: choice}}); err != nil {
		tb.Fatal(err)
	}
}

func (f *fixture) actor(who Identity) state.Actor {
	return who.Actor()
}

// BenchmarkViewIdle is one session's View with nothing changed, as Bubble
// Tea calls it after every message.
func BenchmarkViewIdle(b *testing.B) {
	f, _, ids := benchHub(b, 1, 5)
	s := openOnProposals(f, ids)[0]
	b.ReportAllocs()
	for b.Loop() {
		s.m.View()
	}
}

// BenchmarkVoteRefresh is what one vote costs the sessions watching:
// every session gets the hub's change notice, reads its snapshot and
// redraws, as a Bubble Tea program would drive it. The vote itself is not
// timed.
func BenchmarkVoteRefresh(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			f, alice, ids := benchHub(b, n, 5)
			ss := openOnProposals(f, ids)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				vote(b, f, alice, i)
				i++
				size := f.hub.Size()
				b.StartTimer()
				for _, s := range ss {
					s.send(changedMsg{size: size})
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/session")
		})
	}
}

// BenchmarkOpen is a session from New to the Proposals tab on screen, with
// the messages a real program sends on the way.
func BenchmarkOpen(b *testing.B) {
	f, _, ids := benchHub(b, 1, 5)
	b.ReportAllocs()
	for b.Loop() {
		s := &sim{m: New(f.hub, ids[0], WithSize(80, 24), pinned(propNow))}
		s.m.View()
		s.send(startup(80, 24)...)
		s.send(keyMsg("2"))
	}
}

// BenchmarkNew is building one session's app: B/op is its memory.
func BenchmarkNew(b *testing.B) {
	f, _, ids := benchHub(b, 1, 5)
	b.ReportAllocs()
	for b.Loop() {
		New(f.hub, ids[0], WithSize(80, 24))
	}
}
