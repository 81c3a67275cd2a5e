package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
)

// identityFiles are the files a first start writes before any event.
var identityFiles = []string{formatFile, signKeyFile, VerifyKey, HostKeyFile, HostKeyFile + ".pub"}

// fsyncLog records, through durable.Hook, each step that makes a file
// durable and whether Badger had written anything (its dir exists) then.
type fsyncLog struct {
	steps []fsyncStep
}

type fsyncStep struct {
	op, path  string
	badgerYet bool
}

func watchFsyncs(t *testing.T, dir string) *fsyncLog {
	l := &fsyncLog{}
	durable.Hook = func(op, path string) error {
		_, err := os.Stat(filepath.Join(dir, dbDir))
		l.steps = append(l.steps, fsyncStep{op: op, path: path, badgerYet: err == nil})
		return nil
	}
	t.Cleanup(func() { durable.Hook = nil })
	return l
}

// durableBeforeBadger fails t unless name was written to a temporary file
// that was synced, renamed into place and its dir synced, all before
// Badger's first write in dir.
func (l *fsyncLog) durableBeforeBadger(t *testing.T, dir, name string) {
	t.Helper()
	stage := 0 // 0: want the temp file synced, 1: renamed, 2: dir synced
	for _, s := range l.steps {
		switch {
		case stage == 0 && s.op == "sync" && filepath.Dir(s.path) == dir && strings.HasPrefix(filepath.Base(s.path), "."+name+".tmp-"):
		case stage == 1 && s.op == "rename" && s.path == filepath.Join(dir, name):
		case stage == 2 && s.op == "syncdir" && s.path == dir:
		default:
			continue
		}
		if s.badgerYet {
			t.Fatalf("%s: %s of %s happened after Badger's first write", name, s.op, s.path)
		}
		if stage++; stage == 3 {
			return
		}
	}
	t.Fatalf("%s was never made durable (stopped at step %d of 3): %+v", name, stage, l.steps)
}

// A power loss in a hub's first seconds must never leave events signed by
// a key that is not on disk: every identity file is synced, file and dir,
// before Badger writes anything.
func TestIdentityDurableBeforeBadger(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l := watchFsyncs(t, dir)
	if _, err := PrepareDir(dir, "polis.test/hub"); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, Options{Dir: dir})
	mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "first minute"})
	if _, err := os.Stat(filepath.Join(dir, dbDir)); err != nil {
		t.Fatalf("Badger never wrote: the test saw nothing: %v", err)
	}
	for _, f := range identityFiles {
		l.durableBeforeBadger(t, dir, f)
	}
	// The new data dir's own entry is synced in its parent.
	if l.steps[0].op != "syncdir" || l.steps[0].path != filepath.Dir(dir) {
		t.Fatalf("first step %+v, want the parent dir synced", l.steps[0])
	}
	for _, f := range []string{signKeyFile, HostKeyFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi.Mode(), err)
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode %v", fi.Mode().Perm())
	}
	// The host key is what OpenSSH (and wish) read.
	b, _ := os.ReadFile(filepath.Join(dir, HostKeyFile))
	k, err := gossh.ParsePrivateKey(b)
	if err != nil || k.PublicKey().Type() != gossh.KeyAlgoED25519 || !strings.HasPrefix(string(b), "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Fatalf("host key: %v\n%s", err, b)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, HostKeyFile+".pub"))
	if string(pub) != string(gossh.MarshalAuthorizedKey(k.PublicKey())) {
		t.Fatalf("host key .pub %q", pub)
	}
}

// A first start cut short at any point starts again; a lost or mismatched
// key in a dir that has a database is refused, never replaced.
func TestPrepareDirAfterCrash(t *testing.T) {
	fresh := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "data")
		if _, err := PrepareDir(dir, "polis.test/hub"); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("only a temporary FORMAT", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ".FORMAT.tmp-123"), nil, 0o600)
		if _, err := PrepareDir(dir, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, ".FORMAT.tmp-123")); err == nil {
			t.Fatal("stale temporary file left")
		}
	})
	t.Run("hub.pub lost", func(t *testing.T) {
		dir := fresh(t)
		want, _ := os.ReadFile(filepath.Join(dir, VerifyKey))
		os.Remove(filepath.Join(dir, VerifyKey))
		if _, err := PrepareDir(dir, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, VerifyKey)); string(got) != string(want) {
			t.Fatalf("derived %q, want %q", got, want)
		}
	})
	t.Run("hub.pub of another key", func(t *testing.T) {
		dir := fresh(t)
		other := fresh(t)
		b, _ := os.ReadFile(filepath.Join(other, VerifyKey))
		os.WriteFile(filepath.Join(dir, VerifyKey), b, 0o600)
		if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "is not the verifier key of") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("hub.key lost after the first event", func(t *testing.T) {
		dir := fresh(t)
		s := openTest(t, Options{Dir: dir})
		mustSubmit(t, s, state.SystemActor, state.CreateHub{Name: "x"})
		s.Close()
		os.Remove(filepath.Join(dir, signKeyFile))
		if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "signing key is lost") {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, signKeyFile)); err == nil {
			t.Fatal("a new signing key was made for a log signed by the old one")
		}
	})
	t.Run("empty hub.key", func(t *testing.T) {
		dir := fresh(t)
		os.WriteFile(filepath.Join(dir, signKeyFile), nil, 0o600)
		if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty host key", func(t *testing.T) {
		dir := fresh(t)
		os.WriteFile(filepath.Join(dir, HostKeyFile), nil, 0o600)
		if _, err := PrepareDir(dir, ""); err == nil || !strings.Contains(err.Error(), "host key") {
			t.Fatalf("err = %v", err)
		}
	})
}

// A data dir or private key readable by others is made owner-only, and the
// steward is told which.
func TestPrepareDirTightensModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := PrepareDir(dir, ""); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Join(dir, signKeyFile), 0o644)
	os.Chmod(filepath.Join(dir, HostKeyFile), 0o640)
	lines, err := PrepareDir(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || !strings.Contains(lines[0], "data dir") || !strings.Contains(lines[1], signKeyFile) || !strings.Contains(lines[2], "-rw-r-----") {
		t.Fatalf("warnings %q", lines)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, signKeyFile): 0o600, filepath.Join(dir, HostKeyFile): 0o600} {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != want {
			t.Fatalf("%s is %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	if lines, _ := PrepareDir(dir, ""); len(lines) != 0 {
		t.Fatalf("second start warned again: %q", lines)
	}
}
