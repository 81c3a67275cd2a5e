package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/durable"
	"github.com/polis-hub/polis/witness"
)

// The data dir's identity files (FORMAT, the checkpoint key pair, the SSH
// host key) are written whole and synced, file and directory, before Badger
// writes anything: a hub whose database holds events signed by a key must
// never be found without that key after a power loss.

// HostKeyFile is the SSH host key in the data dir, in OpenSSH format, with
// its public half beside it (HostKeyFile + ".pub").
const HostKeyFile = "ssh_host_ed25519_key"

// WitnessKeyFile is the hub's witness identity, a note signer key kept
// apart from the log's key and the SSH host key: what it cosigns vouches
// for other logs, and losing or rotating one must not touch the others.
// Its verifier key (cosignature/v1) is beside it in WitnessKeyFile+".pub".
// WitnessDir holds the witness's record of each log it cosigned.
const (
	WitnessKeyFile = "witness.key"
	WitnessDir     = "witness"
)

// Modes the data dir and its private keys are kept at: nobody but the hub's
// user may read the signing key, or list and read the log.
const (
	dirMode  os.FileMode = 0o700
	fileMode os.FileMode = 0o600
)

// PrepareDir makes dir ready for Open and for the SSH door: it creates a
// fresh data dir with its FORMAT, checkpoint key pair and SSH host key, or
// checks an existing one, completes a first start a crash cut short, and
// tightens a data dir or private key readable by others. Each file is
// durable before PrepareDir returns, so before Open's first write. It
// returns one line for each mode it tightened, for the steward's log.
func PrepareDir(dir, origin string) (tightened []string, err error) {
	o := Options{Origin: origin}
	o.defaults()
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	if _, _, err := loadOrCreateKey(dir, o.Origin); err != nil {
		return nil, err
	}
	if err := ensureHostKey(filepath.Join(dir, HostKeyFile)); err != nil {
		return nil, err
	}
	if _, _, err := LoadWitnessKey(dir, o.Origin); err != nil {
		return nil, err
	}
	return tightenModes(dir)
}

// prepareDir creates a fresh data dir, or checks that an existing one is a
// polis data dir of a format this binary reads.
func prepareDir(dir string) error {
	if dir == "" {
		return errors.New("no data dir given")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && onlyTemporary(entries)) {
		if err := durable.MkdirAll(dir, dirMode); err != nil {
			return err
		}
		for _, e := range entries {
			os.Remove(filepath.Join(dir, e.Name()))
		}
		return durableWrite(filepath.Join(dir, formatFile), []byte(fmt.Sprintf("polis %d\n", state.FormatVersion)))
	}
	if err != nil {
		return err
	}
	return checkFormat(dir)
}

// onlyTemporary reports a dir that holds nothing but the temporary files
// of writes a crash interrupted (see durable.WriteFile): a first start cut
// short before FORMAT was in place, which may start again.
func onlyTemporary(entries []os.DirEntry) bool {
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "."+formatFile+".tmp-") {
			return false
		}
	}
	return true
}

func checkFormat(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, formatFile))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is not empty and is not a polis data dir (no %s file); refusing to touch it", dir, formatFile)
	}
	if err != nil {
		return err
	}
	var v int
	if _, err := fmt.Sscanf(string(b), "polis %d\n", &v); err != nil {
		return fmt.Errorf("%s: unreadable format marker %q", filepath.Join(dir, formatFile), strings.TrimSpace(string(b)))
	}
	if v > state.FormatVersion {
		return fmt.Errorf("%s was written by a newer polis (format %d; this binary reads up to %d): upgrade polis", dir, v, state.FormatVersion)
	}
	if v < state.FormatVersion {
		return fmt.Errorf("%s was written by an older, pre-release polis (format %d; this binary reads %d) and cannot be upgraded in place: keep its log with an older polis's 'checkpoint export', then start a new hub", dir, v, state.FormatVersion)
	}
	return nil
}

// loadOrCreateKey returns the hub's checkpoint key pair, creating it on a
// first start. A key is created only while the dir has no database: once
// Badger holds anything, a missing key is a lost identity, never replaced.
func loadOrCreateKey(dir, origin string) (skey, vkey string, err error) {
	sp, vp := filepath.Join(dir, signKeyFile), filepath.Join(dir, VerifyKey)
	sb, err := os.ReadFile(sp)
	if err == nil {
		skey = strings.TrimSpace(string(sb))
		derived, err := verifierOf(skey)
		if err != nil {
			return "", "", fmt.Errorf("%s: %v: the hub's signing key is damaged; restore the data dir from a backup", sp, err)
		}
		vb, err := os.ReadFile(vp)
		if errors.Is(err, os.ErrNotExist) {
			// A first start cut short between the two files.
			return skey, derived, durableWrite(vp, []byte(derived+"\n"))
		}
		if err != nil {
			return "", "", err
		}
		if vkey = strings.TrimSpace(string(vb)); vkey != derived {
			return "", "", fmt.Errorf("%s is not the verifier key of %s (%s): put the right one back, or remove %s to have it made again", vp, sp, derived, vp)
		}
		return skey, vkey, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", "", err
	}
	if _, err := os.Stat(filepath.Join(dir, dbDir)); err == nil {
		return "", "", fmt.Errorf("%s is missing but %s holds a database signed with it: the hub's signing key is lost; restore the data dir from a backup", sp, dir)
	}
	skey, vkey, err = chain.GenerateKey(origin)
	if err != nil {
		return "", "", fmt.Errorf("origin %q: %w", origin, err)
	}
	if err := durableWrite(sp, []byte(skey+"\n")); err != nil {
		return "", "", err
	}
	if err := durableWrite(vp, []byte(vkey+"\n")); err != nil {
		return "", "", err
	}
	return skey, vkey, nil
}

// verifierOf derives the note verifier key of an ed25519 note signer key
// ("PRIVATE+KEY+name+hash+base64(1 || seed)").
func verifierOf(skey string) (string, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return "", err
	}
	parts := strings.SplitN(skey, "+", 5)
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return "", errors.New("not an ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(s.Name(), pub)
}

// LoadWitnessKey returns the hub's witness key pair, creating it on the
// first start that lacks one (a hub made before witnessing gets one then;
// a lost one is a new witness identity, which other hubs must be told of,
// so unlike hub.key it may be made again).
func LoadWitnessKey(dir, origin string) (skey, vkey string, err error) {
	sp := filepath.Join(dir, WitnessKeyFile)
	b, err := os.ReadFile(sp)
	if errors.Is(err, os.ErrNotExist) {
		skey, vkey, err = witness.GenerateKey(origin + "/witness")
		if err != nil {
			return "", "", err
		}
		if err := durableWrite(sp, []byte(skey+"\n")); err != nil {
			return "", "", err
		}
		return skey, vkey, durableWrite(sp+".pub", []byte(vkey+"\n"))
	}
	if err != nil {
		return "", "", err
	}
	skey = strings.TrimSpace(string(b))
	if vkey, err = witness.VerifierKey(skey); err != nil {
		return "", "", fmt.Errorf("%s: %v: the witness key is damaged; remove it to make a new witness identity (tell the hubs you witness for)", sp, err)
	}
	if pb, err := os.ReadFile(sp + ".pub"); err != nil || strings.TrimSpace(string(pb)) != vkey {
		if err := durableWrite(sp+".pub", []byte(vkey+"\n")); err != nil {
			return "", "", err
		}
	}
	return skey, vkey, nil
}

// ensureHostKey creates the SSH host key at path, as OpenSSH and wish write
// it, unless it is there; and checks that one there is readable. The door
// then only reads it (wish would otherwise create it without syncing).
func ensureHostKey(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		block, err := gossh.MarshalPrivateKey(priv, "")
		if err != nil {
			return err
		}
		if err := durableWrite(path, pem.EncodeToMemory(block)); err != nil {
			return err
		}
		b, err = os.ReadFile(path)
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	k, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return fmt.Errorf("SSH host key %s is unreadable (%v): members' ssh clients know the hub by it; restore it from a backup, or remove it to make a new one (members will then see a host key warning)", path, err)
	}
	pub := path + ".pub"
	if _, err := os.Stat(pub); errors.Is(err, os.ErrNotExist) {
		return durableWrite(pub, gossh.MarshalAuthorizedKey(k.PublicKey()))
	}
	return nil
}

// tightenModes makes the data dir and its private keys owner-only. A hub
// tightens rather than refuses: the mode is a mistake it can mend, and the
// steward is told, since the key may have been read meanwhile.
func tightenModes(dir string) ([]string, error) {
	var out []string
	fix := func(path string, want os.FileMode, what string) error {
		fi, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&^want == 0 {
			return nil
		}
		if err := os.Chmod(path, want); err != nil {
			return fmt.Errorf("%s is %s, readable by others, and cannot be made %s: %w", path, fi.Mode().Perm(), want, err)
		}
		out = append(out, fmt.Sprintf("%s %s was %s, readable by others; made it %s (if others could log in here, consider the key exposed)", what, path, fi.Mode().Perm(), want))
		return nil
	}
	if err := fix(dir, dirMode, "data dir"); err != nil {
		return out, err
	}
	for _, k := range []string{signKeyFile, HostKeyFile, WitnessKeyFile} {
		if err := fix(filepath.Join(dir, k), fileMode, "private key"); err != nil {
			return out, err
		}
	}
	return out, nil
}

// ErrBehindHead means a data dir's database holds less history than its
// HEAD file says the hub published: members may hold checkpoints it lacks,
// so nothing may seal on it, and what reads it must say so.
// It is ErrHistoryLost under the name the read-only tools' callers use.
var ErrBehindHead = ErrHistoryLost

// stoppedDir is a stopped hub's data dir opened only to read: Badger in
// read-only mode, which never truncates, compacts or writes a byte, so
// verify, export and backup leave the evidence as they found it.
type stoppedDir struct {
	dir  string
	db   *badger.DB
	v    note.Verifier
	vkey string
	// scratch is the copy of db/ read instead of the dir's own, when a
	// crash left it unopenable read-only; removed on Close.
	scratch string
}

func openStopped(dir string) (*stoppedDir, error) {
	if dir == "" {
		return nil, errors.New("no data dir given")
	}
	if _, err := os.Stat(filepath.Join(dir, formatFile)); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no polis data dir at %s", dir)
	}
	if err := checkFormat(dir); err != nil {
		return nil, err
	}
	vb, err := os.ReadFile(filepath.Join(dir, VerifyKey))
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	vkey := strings.TrimSpace(string(vb))
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	db, err := openBadger(filepath.Join(dir, dbDir), true)
	if err == nil {
		return &stoppedDir{dir: dir, db: db, v: v, vkey: vkey}, nil
	}
	if !strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
		return nil, err
	}
	// A crash left the write log's preallocated tail: read a scratch copy,
	// where Badger may cut it, and leave the dir as the crash left it.
	scratch, err := scratchCopy(filepath.Join(dir, dbDir))
	if err != nil {
		return nil, fmt.Errorf("%s was not stopped cleanly (a crash or kill -9) and %w", dir, err)
	}
	if db, err = openBadger(scratch, false); err != nil {
		os.RemoveAll(scratch)
		return nil, err
	}
	return &stoppedDir{dir: dir, db: db, v: v, vkey: vkey, scratch: scratch}, nil
}

// Close closes the database and removes any scratch copy.
func (d *stoppedDir) Close() error {
	err := d.db.Close()
	if d.scratch != "" {
		os.RemoveAll(d.scratch)
	}
	return err
}

// Crashed reports that the dir was not stopped cleanly, so a scratch copy
// of its database was read (its write log replayed there, not in place).
func (d *stoppedDir) Crashed() bool { return d.scratch != "" }

// checkHead refuses a database behind the data dir's HEAD, or holding
// another checkpoint at HEAD's height than HEAD.
func (d *stoppedDir) checkHead(r state.Reader) error {
	return checkHeadMark(d.dir, d.v, r)
}

func checkHeadMark(dir string, v note.Verifier, r state.Reader) error {
	mark, signed, ok, err := ReadHead(dir, v)
	if err != nil || !ok {
		return err
	}
	return compareToHead(dir, mark, signed, v, r)
}

// compareToHead is the one rule both Open and the read-only tools apply to
// a database and the published head of its data dir: refused if it is
// behind the head, or holds another checkpoint at the head's height. (A
// height inside a rollback's gap is absent, and that is no mismatch.)
func compareToHead(dir string, mark chain.Checkpoint, signed []byte, v note.Verifier, r state.Reader) error {
	stored, err := storedHead(r, v)
	if err != nil {
		return err
	}
	if mark.Height > stored.Height {
		return fmt.Errorf("%w: %s records that checkpoint %d (%d events) was published, but the database holds only up to checkpoint %d (%d events); members may hold what it lost (a damaged disk, or an old copy), and the hub will not sign those heights again: do not serve it; 'polis restore --help' says how to go on", ErrHistoryLost,
			filepath.Join(dir, HeadFile), mark.Height, mark.Size, stored.Height, stored.Size)
	}
	if b, ok := r.Get(state.CheckpointKey(mark.Height)); ok && !bytes.Equal(b, signed) {
		return fmt.Errorf("%w: %s records checkpoint %d (%d events, root %s) as published, but the database holds another checkpoint %d (%d events): two histories; do not serve it", ErrHistoryLost,
			filepath.Join(dir, HeadFile), mark.Height, mark.Size, b64(mark.Root[:]), mark.Height, storedSize(b, v))
	}
	return nil
}

// storedHead is the latest checkpoint in the database; zero before the
// first.
func storedHead(r state.Reader, v note.Verifier) (chain.Checkpoint, error) {
	b, ok := r.Get(keyHead)
	if !ok {
		return chain.Checkpoint{}, nil
	}
	h, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return chain.Checkpoint{}, fmt.Errorf("corrupt head %q", b)
	}
	signed, ok := r.Get(state.CheckpointKey(h))
	if !ok {
		return chain.Checkpoint{}, fmt.Errorf("corrupt data dir: checkpoint %d missing", h)
	}
	c, err := chain.Open(signed, v)
	if err != nil {
		return c, fmt.Errorf("checkpoint %d: %w", h, err)
	}
	return c, nil
}

// SetSignerKey gives a data dir that holds no database yet the checkpoint
// key skey in place of the one PrepareDir made: the nodes of a replicated
// hub all sign with one key derived from their genesis.
func SetSignerKey(dir, skey string) error {
	if _, err := os.Stat(filepath.Join(dir, dbDir)); err == nil {
		return fmt.Errorf("%s already holds a database signed with its own key", dir)
	}
	vkey, err := verifierOf(skey)
	if err != nil {
		return err
	}
	if err := durableWrite(filepath.Join(dir, signKeyFile), []byte(skey+"\n")); err != nil {
		return err
	}
	return durableWrite(filepath.Join(dir, VerifyKey), []byte(vkey+"\n"))
}
