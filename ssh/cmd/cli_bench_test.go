package cmd

import (
	"context"
	"io"
	"testing"

	"github.com/polis-hub/polis/ssh/internal/hubtest"
)

// go test ./ssh/cmd -run '^$' -bench Execute -benchmem
func BenchmarkExecuteWhoami(b *testing.B) {
	hub := newHub(b)
	u := hubtest.NewUser(b, "alice")
	hubtest.Admit(b, hub, u, "alice")
	who := identityOf(u)
	b.Run("one-subtree", func(b *testing.B) {
		for b.Loop() {
			if Execute(context.Background(), hub, who, []string{"whoami", "--json"}, nil, io.Discard, io.Discard) != 0 {
				b.Fatal("whoami failed")
			}
		}
	})
	b.Run("whole-tree", func(b *testing.B) {
		for b.Loop() {
			Commands(hub, who)
		}
	})
}
