package state

import (
	"bytes"
	"strings"
	"testing"

	"github.com/polis-hub/polis/state/markdown"
)

// markdownBomb is issue #16's body: nested block quotes and lists that cost
// glamour tens of seconds and a gigabyte per render.
var markdownBomb = strings.Repeat("> - ", 55)

const bombRefused = "nests at least 64 levels deep (block quotes and lists; at most 8)"

// Every command that takes Markdown refuses the bomb with a one-line error
// that names the field, and writes nothing; the same text within the
// limits is accepted.
func TestMarkdownIsBoundedOnEveryField(t *testing.T) {
	f := newGov(t)
	legal := strings.Repeat("> - ", 4) + "deep but fine\n\n" + strings.Repeat("# h\n", 100)
	space := func(rules string) Space { return Space{Name: "Loft", Beds: 2, TZ: "UTC", Rules: rules} }

	f.refuse("bob", NewProposal{Kind: "text", Title: "t", Body: markdownBomb}, "body "+bombRefused)
	f.do("bob", NewProposal{Kind: "text", Title: "t", Body: legal})
	f.refuse("carol", CommentOn{ID: 1, Body: markdownBomb}, "comment "+bombRefused)
	f.do("carol", CommentOn{ID: 1, Body: legal})

	f.refuse("alice", SetCharter{Text: markdownBomb}, "charter "+bombRefused)
	f.do("alice", SetCharter{Text: legal})
	f.refuse("bob", NewProposal{Kind: KindCharter, Title: "c", Body: markdownBomb}, "body "+bombRefused)
	f.refuse("bob", NewProposal{Kind: KindCharter, Title: "c", Body: strings.Repeat("- ", 9) + "x"},
		"body nests 9 levels deep (block quotes and lists; at most 8)")
	f.do("bob", NewProposal{Kind: KindCharter, Title: "c", Body: legal})

	f.refuse("alice", AddSpace{Space: space(markdownBomb)}, "house rules "+bombRefused)
	f.do("alice", AddSpace{Space: space(legal)})
	f.refuse("bob", NewProposal{Kind: KindSpace, Title: "s", Action: Action{Space: ptr(space(markdownBomb))}}, "house rules "+bombRefused)
	f.do("carol", NewProposal{Kind: KindSpace, Title: "s", Action: Action{Space: ptr(space(legal))}})

	f.refuse("bob", FileCase{Against: f.ids["dave"], Title: "noise", Statement: markdownBomb}, "statement "+bombRefused)
	id := f.do("bob", FileCase{Against: f.ids["dave"], Title: "noise", Statement: legal})[0].Body.(*CaseFiled).Case
	f.refuse("bob", AddStatement{ID: id, Body: markdownBomb}, "statement "+bombRefused)
	f.refuse("dave", AddStatement{ID: id, Body: strings.Repeat("- w\n", 2600)},
		"statement has at least 5001 blocks (paragraphs, headings, list items, table cells; at most 5000)")
	f.do("dave", AddStatement{ID: id, Body: legal})
}

func ptr[T any](v T) *T { return &v }

// The bound is a command rule, not a rule of the log: events written before
// it, holding text it now refuses, still apply and verify.
func TestOldHeavyMarkdownStillApplies(t *testing.T) {
	f := newGov(t)
	f.do("bob", NewProposal{Kind: "text", Title: "t", Body: "fine"})
	f.do("carol", CommentOn{ID: 1, Body: "fine"})
	f.do("alice", SetCharter{Text: "fine"})
	f.do("alice", AddSpace{Space: Space{Name: "Loft", Beds: 2, TZ: "UTC", Rules: "fine"}})
	f.do("bob", FileCase{Against: f.ids["dave"], Title: "noise", Statement: "fine"})
	f.do("dave", AddStatement{ID: 1, Body: "fine"})
	var buf bytes.Buffer
	if err := f.s.WriteExport(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := ReadExport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	replay, swapped := NewMemState(), 0
	for i, b := range x.Events {
		ev, err := Decode(b)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		// As a log from before the rule could hold them.
		switch b := ev.Body.(type) {
		case *ProposalCreated:
			b.Body = markdownBomb
		case *ProposalCommented:
			b.Body = markdownBomb
		case *CharterAdopted:
			b.Text = markdownBomb
		case *SpaceAdded:
			b.Space.Rules = markdownBomb
		case *CaseFiled:
			b.Statement = markdownBomb
		case *CaseStatement:
			b.Body = markdownBomb
		default:
			swapped--
		}
		swapped++
		if err := Apply(replay, ev); err != nil {
			t.Fatalf("event %d (%T): %v", i, ev.Body, err)
		}
	}
	if swapped != 6 {
		t.Fatalf("swapped %d bodies, want 6", swapped)
	}
	if err := markdown.Check("body", markdownBomb); err == nil {
		t.Fatal("the bomb passes the check")
	}
}
