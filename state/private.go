package state

import (
	"fmt"
	"strings"
)

// The private keyspace "p/" holds what belongs to one member (drafts,
// preferences) or to the moderators of a case (notes): data the hub keeps
// but the community's log must not carry, because every member reads the
// log. Keys under "p/" are outside the state digest and the export; the
// sequencer writes them in the same transaction as the command's events,
// or alone when the command has none, and answers only once they are
// durable. They are in the data dir and its backups.
const PrefixPriv = "p/"

// privateWriter is a command that writes to the private keyspace, beside
// its events (evs, numbered) or, with none, alone. env is the command's,
// actor the member Decide named. It runs after the events are applied,
// over the command's own overlay, so it reads what the command left and
// writes nothing a failed command would keep.
type privateWriter interface {
	private(w Writer, env Env, actor uint64, evs []Event)
}

// writePrivate runs c's private writes, if it has any. The writer it gets
// refuses any key outside "p/", so private code can never touch state the
// digest covers.
func writePrivate(w Writer, c Command, env Env, actor uint64, evs []Event) {
	if pw, ok := c.(privateWriter); ok {
		pw.private(privateOnly{w}, env, actor, evs)
	}
}

type privateOnly struct{ w Writer }

func (p privateOnly) Get(key string) ([]byte, bool) { return p.w.Get(key) }
func (p privateOnly) Scan(prefix string, fn func(string, []byte) bool) {
	p.w.Scan(prefix, fn)
}

func (p privateOnly) Set(key string, val []byte) { p.check(key); p.w.Set(key, val) }
func (p privateOnly) Delete(key string)          { p.check(key); p.w.Delete(key) }

func (p privateOnly) check(key string) {
	if !strings.HasPrefix(key, PrefixPriv) {
		panic(fmt.Sprintf("private write outside %q: %s", PrefixPriv, key))
	}
}

// privKey is a private key under prefix, for member (or case) id and an
// optional number n, at fixed widths so keys sort in number order.
func privKey(prefix string, id uint64, n ...uint64) string {
	k := fmt.Sprintf("%s%012d", prefix, id)
	for _, x := range n {
		k += fmt.Sprintf("/%012d", x)
	}
	return k
}
