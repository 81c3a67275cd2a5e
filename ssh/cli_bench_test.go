package ssh

import (
	"context"
	"io"
	"testing"
)

// go test ./ssh -run '^$' -bench Execute -benchmem
func BenchmarkExecuteWhoami(b *testing.B) {
	hub := newHub(b)
	u := newUser(b, "alice")
	admit(b, hub, u, "alice")
	who := Identity{Key: u.authorizedKey(), Fingerprint: u.fingerprint()}
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
