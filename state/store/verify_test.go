package store

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/state"
)

// buildHub makes a small stopped hub with several checkpoints.
func buildHub(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, CheckpointEvery: 3})
	if err != nil {
		t.Fatal(err)
	}
	alice := testActor(t, "alice")
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "hub"})
	mustSubmit(t, s, state.SystemActor, state.AdmitAdmin{Key: alice.Key, Name: "alice"})
	h := state.NewHub(s)
	for i := 0; i < 6; i++ {
		code, _, err := h.CreateInviteCode(context.Background(), alice, 1, zeroTime)
		if err != nil {
			t.Fatal(err)
		}
		mustSubmit(t, s, testActor(t, fmt.Sprint("m", i)), state.Join{CodeHash: state.HashCode(code), Name: fmt.Sprint("member", i)})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyCleanHub(t *testing.T) {
	dir := buildHub(t)
	rep, err := VerifyDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 14 || rep.Checkpoints < 4 || rep.Unsealed != 0 {
		t.Fatalf("report %+v", rep)
	}
}

// tamper rewrites one stored value of a stopped hub.
func tamper(t *testing.T, dir, key string, change func([]byte) []byte) {
	t.Helper()
	db, err := openBadger(filepath.Join(dir, dbDir), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(key))
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		v, _ := it.ValueCopy(nil)
		return txn.Set([]byte(key), change(v))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func flipAt(i int) func([]byte) []byte {
	return func(b []byte) []byte {
		b = bytes.Clone(b)
		if i < 0 {
			i += len(b)
		}
		b[i] ^= 0x01
		return b
	}
}

func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

func TestVerifyTamper(t *testing.T) {
	cases := []struct {
		name   string
		key    string
		change func([]byte) []byte
		want   string
	}{
		// A flipped bit that breaks JSON or canonical form.
		{"event byte breaks encoding", state.EventKey(5), flipAt(0), "event 5:"},
		// A flipped bit that still decodes: caught by the stored hash.
		{"event byte still decodes", state.EventKey(7), replace(`"member2"`, `"member3"`), "event 7:"},
		{"checkpoint signature", state.CheckpointKey(2), flipAt(-10), "checkpoint 2"},
		{"checkpoint body", state.CheckpointKey(3), replace("time ", "time 1"), "checkpoint 3"},
		{"state value", "s/member/000000000003", replace(`"member1"`, `"member9"`), "state key"},
		{"digest accumulator", keyDigest, flipAt(3), "digest"},
		{"merkle hash", state.HashKey(4), flipAt(0), "event"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := buildHub(t)
			tamper(t, dir, c.key, c.change)
			_, err := VerifyDir(dir, nil)
			if err == nil {
				t.Fatal("verify passed on a tampered hub")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %q", err, c.want)
			}
		})
	}
}

func TestExportAndReceipt(t *testing.T) {
	dir := buildHub(t)
	s := openTest(t, Options{Dir: dir})
	var buf bytes.Buffer
	if err := s.WriteExport(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := state.ReadExport(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := state.VerifyExport(x, s.VerifierKey(), nil)
	if err != nil || rep.Events != s.Size() {
		t.Fatalf("verify export: %+v %v", rep, err)
	}
	// One changed byte in the export is caught.
	bad := bytes.Replace(buf.Bytes(), []byte(`"member4"`), []byte(`"member5"`), 1)
	x2, err := state.ReadExport(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := state.VerifyExport(x2, s.VerifierKey(), nil); err == nil {
		t.Fatal("tampered export verified")
	}
	for seq := uint64(0); seq < s.Size(); seq++ {
		rc, err := state.NewHub(s).Receipt(seq)
		if err != nil {
			t.Fatal(err)
		}
		if err := state.CheckReceipt(rc, s.VerifierKey()); err != nil {
			t.Fatalf("receipt %d: %v", seq, err)
		}
		rc.Event = strings.Replace(rc.Event, `"v":1`, `"v":2`, 1)
		if state.CheckReceipt(rc, s.VerifierKey()) == nil {
			t.Fatalf("forged receipt %d verified", seq)
		}
	}
	if _, err := state.NewHub(s).Receipt(s.Size()); err == nil {
		t.Fatal("receipt past the end")
	}
	for _, garbage := range []string{"", "hello\n", "polis-chain-export 1\nkey x\nevent 0 99999999\n", "polis-chain-export 1\nkey x\nevent 0 5\nab"} {
		if _, err := state.ReadExport(strings.NewReader(garbage)); err == nil {
			t.Fatalf("garbage export %q accepted", garbage)
		}
	}
}
