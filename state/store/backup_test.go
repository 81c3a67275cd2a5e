package store

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/polis-hub/polis/state"
)

// busyHub is a hub with every kind of event: members, roles, proposals and
// votes, contributions and a payout, spaces and bookings, a dispute with a
// private note, invites.
func busyHub(t *testing.T) (*govFixture, uint64) {
	t.Helper()
	f := newGovWith(t, Options{CheckpointEvery: 5})
	f.do("alice", state.SetRole{Member: f.ids["carol"], Role: state.RoleModerator, Grant: true})
	f.do("alice", state.SetRole{Member: f.ids["bob"], Role: state.RoleTreasurer, Grant: true})
	pid := f.do("carol", state.NewProposal{Kind: state.KindText, Title: "Quiet hours", Body: "After ten."})[0].Body.(*state.ProposalCreated).Proposal
	f.do("alice", state.CastVote{ID: pid, Ballot: yes("yes")})
	f.do("bob", state.CastVote{ID: pid, Ballot: yes("no")})
	f.do("dave", state.Delegate{To: f.ids["alice"]})
	f.do("alice", state.Contribute{Asset: "EUR", Amount: 12345, Memo: "rent"})
	sp := addSpace(t, f, state.Space{Name: "Flat", Beds: 2, TZ: "UTC"})
	f.do("bob", state.Book{Space: sp, From: "2026-12-01", To: "2026-12-04"})
	f.do("dave", state.Book{Space: sp, From: "2026-12-02", To: "2026-12-03"})
	cid := f.do("bob", state.FileCase{Against: f.ids["dave"], Title: "Noise", Statement: "Loud."})[0].Body.(*state.CaseFiled).Case
	f.do("carol", state.CaseAction{ID: cid, Action: "claim"})
	f.do("carol", state.NewPrivateNote(cid, "Talk to both first."))
	if _, _, err := f.h.CreateInviteCode(f.ctx, f.ppl["alice"], 1, zeroTime); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		f.do([]string{"alice", "bob", "carol", "dave"}[i%4], state.Contribute{Asset: "USD", Amount: int64(i + 1), Memo: fmt.Sprint("c", i)})
	}
	return f, cid
}

// A backup taken while writers keep going restores into a hub that
// verifies, holds a prefix of the live log that includes everything
// acknowledged before the backup began, and keeps working.
func TestBackupUnderLoadRestores(t *testing.T) {
	f, cid := busyHub(t)
	if err := os.WriteFile(filepath.Join(f.dir, "ssh_host_ed25519_key"), []byte("host key bytes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A backup being written into the data dir is not part of the next.
	os.WriteFile(filepath.Join(f.dir, ".hub.backup.partial-1"), []byte("half"), 0o600)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			who := f.ppl[[]string{"alice", "bob", "carol", "dave"}[w]]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				f.s.Submit(context.Background(), who, state.Contribute{Asset: "EUR", Amount: 1, Memo: fmt.Sprint("load", w, "-", i)})
			}
		}(w)
	}
	before := f.s.Size()
	var buf bytes.Buffer
	var calls int
	info, err := f.s.Backup(&buf, func(done, total int64) { calls++ })
	after := f.s.Size()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Size < before || info.Size > after || calls == 0 {
		t.Fatalf("backup holds %d events; before %d, after %d; progress calls %d", info.Size, before, after, calls)
	}
	if info.Head.Height == 0 || info.Origin != f.s.signer.Name() {
		t.Fatalf("info %+v", info)
	}
	if _, err := CheckBackup(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "restored")
	rinfo, err := Restore(bytes.NewReader(buf.Bytes()), dir, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rinfo.Size != info.Size || rinfo.Head != info.Head {
		t.Fatalf("restore says %d/%+v, backup %d/%+v", rinfo.Size, rinfo.Head, info.Size, info.Head)
	}
	rep, err := VerifyDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != info.Size || rep.Head.Height != info.Head.Height {
		t.Fatalf("verify %+v, backup %+v", rep, info)
	}
	for _, name := range []string{formatFile, signKeyFile, VerifyKey, "ssh_host_ed25519_key"} {
		a, _ := os.ReadFile(filepath.Join(f.dir, name))
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s not restored: %v", name, err)
		}
		if fi, _ := os.Stat(filepath.Join(dir, name)); fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v", name, fi.Mode())
		}
	}

	if _, err := os.Stat(filepath.Join(dir, ".hub.backup.partial-1")); !os.IsNotExist(err) {
		t.Fatalf("a dot file was backed up: %v", err)
	}

	// The restored log is the live log's prefix, byte for byte, and its head
	// is the live hub's checkpoint of that height.
	live := rawKeys(t, f.s.db, info.Size, info.Head.Height)
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	r := openTest(t, Options{Dir: dir})
	got := rawKeys(t, r.db, info.Size, info.Head.Height)
	if len(got) != len(live) {
		t.Fatalf("restored %d events and checkpoints, live has %d", len(got), len(live))
	}
	for k, v := range live {
		if !bytes.Equal(got[k], v) {
			t.Fatalf("%s differs after restore", k)
		}
	}
	notes, err := state.NewHub(r).PrivateNotes(cid, f.ppl["carol"])
	if err != nil || len(notes) != 1 || notes[0].Text != "Talk to both first." {
		t.Fatalf("private notes %+v %v", notes, err)
	}
	// The restored hub takes new writes on top of what it loaded.
	mustSubmit(t, r, f.ppl["alice"], state.Contribute{Asset: "EUR", Amount: 7, Memo: "after restore"})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err = VerifyDir(dir, nil)
	if err != nil || rep.Events != info.Size+1 || rep.Unsealed != 0 {
		t.Fatalf("after a write on the restored hub: %+v %v", rep, err)
	}
}

// rawKeys reads the first size events and the checkpoints up to height.
func rawKeys(t *testing.T, db *badger.DB, size uint64, height int64) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := db.View(func(txn *badger.Txn) error {
		for _, p := range []string{state.PrefixEvent, state.PrefixCheckpoint} {
			if err := scanRaw(txn, p, func(k, v []byte) error {
				out[string(k)] = append([]byte(nil), v...)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range out {
		if (strings.HasPrefix(k, state.PrefixEvent) && k >= state.EventKey(size)) || (strings.HasPrefix(k, state.PrefixCheckpoint) && k > state.CheckpointKey(height)) {
			delete(out, k)
		}
	}
	return out
}

func TestBackupDirOfStoppedHub(t *testing.T) {
	dir := buildHub(t)
	var buf bytes.Buffer
	info, err := BackupDir(dir, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 14 || info.Head.Size != 14 {
		t.Fatalf("info %+v", info)
	}
	out := filepath.Join(t.TempDir(), "r")
	if _, err := Restore(&buf, out, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyDir(out, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := BackupDir(t.TempDir(), &buf, nil); err == nil || !strings.Contains(err.Error(), "no polis data dir") {
		t.Fatalf("backup of an empty dir: %v", err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	var good bytes.Buffer
	if _, err := BackupDir(buildHub(t), &good, nil); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	var export bytes.Buffer
	s := openTest(t, Options{})
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "x"})
	s.WriteExport(&export)

	// One byte changed: in Badger's framing, in a value, in a key file.
	flip := func(at int) []byte {
		b := append([]byte(nil), g...)
		b[at] ^= 0x20
		return b
	}
	framing := flip(bytes.Index(g, []byte("e/0000000000000003")) + 20)
	value := flip(bytes.Index(g, []byte("member3")))
	key := flip(bytes.Index(g, []byte("PRIVATE+KEY")) + 12)

	cases := map[string]struct {
		in   []byte
		want string
	}{
		"empty":            {nil, "not a polis backup"},
		"random":           {bytes.Repeat([]byte("polis"), 400), "not a polis backup"},
		"an export":        {export.Bytes(), "not a polis backup"},
		"a foreign tar":    {tarOf(t, map[string]string{"README": "hi"}), "not a polis backup"},
		"newer":            {tarOf(t, map[string]string{entryHeader: "polis backup 2\norigin x\n"}), "newer than this polis reads"},
		"header only":      {tarOf(t, map[string]string{entryHeader: "polis backup 1\norigin x\n"}), "truncated"},
		"cut in a chunk":   {g[:len(g)/2], "truncated"},
		"cut before end":   {g[:bytes.LastIndex(g, []byte(entryEnd+"\x00\x00"))/512*512], "no end entry"},
		"changed framing":  {framing, "corrupt"},
		"changed value":    {value, "do not match its checksum"},
		"changed key file": {key, "do not match its checksum"},
		"no keys":          {tarOf(t, map[string]string{entryHeader: "polis backup 1\norigin x\n", prefixChunk + "00000000": ""}), "lacks the data dir's FORMAT, hub.key, hub.pub"},
		"escaping name":    {tarOf(t, map[string]string{entryHeader: "polis backup 1\norigin x\n", prefixDirFile + "../x": "a"}), "not a data dir file"},
		"a stranger entry": {tarOf(t, map[string]string{entryHeader: "polis backup 1\norigin x\n", "etc/passwd": "a"}), "out of place"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "data")
			_, err := Restore(bytes.NewReader(c.in), dir, RestoreOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err %v, want one line with %q", err, c.want)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatalf("a failed restore left %s behind", dir)
			}
			// An empty dir that was there stays, and stays empty.
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			Restore(bytes.NewReader(c.in), dir, RestoreOptions{})
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("a failed restore left %d files in %s", len(ents), dir)
			}
		})
	}

	// A dir with anything in it is never touched.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	if _, err := Restore(bytes.NewReader(g), dir, RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("restore into a non-empty dir: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Fatal("restore touched a non-empty dir")
	}
}

// tarOf builds a tar with the given entries, the header entry first.
func tarOf(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := []string{}
	if _, ok := entries[entryHeader]; ok {
		names = append(names, entryHeader)
	}
	for n := range entries {
		if n != entryHeader {
			names = append(names, n)
		}
	}
	for _, n := range names {
		if err := putEntry(tw, n, []byte(entries[n]), zeroTime); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	return buf.Bytes()
}
