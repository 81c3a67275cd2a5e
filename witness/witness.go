// Package witness is a C2SP tlog-witness: it cosigns a log's checkpoint
// only if it extends the last one it cosigned for that log, so a log that
// shows two histories is caught by whoever compares cosigned checkpoints.
//
// The protocol is tlog-witness v1.0.0's add-checkpoint (c2sp.org/tlog-witness)
// carried over any byte stream: polis carries it over SSH, where the HTTP
// status codes become exit codes (see Error). Cosignatures are Ed25519
// cosignature/v1 (c2sp.org/tlog-cosignature), made and checked by
// github.com/transparency-dev/formats/note.
package witness

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// MaxRequest bounds an add-checkpoint request body: an old size line, at
// most 63 proof lines and a checkpoint of a few kilobytes fit well inside.
const MaxRequest = 64 << 10

// Error is a refusal, with the HTTP status tlog-witness gives it.
type Error struct {
	Status int    // 400, 403, 404, 409 or 422
	Msg    string // one line
	// Latest is the size of the latest cosigned checkpoint (409 only).
	Latest int64
}

func (e *Error) Error() string { return e.Msg }

// The statuses of tlog-witness.
const (
	StatusBadRequest    = 400
	StatusForbidden     = 403
	StatusNotFound      = 404
	StatusConflict      = 409
	StatusUnprocessable = 422
)

func refuse(status int, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Cosigned is the latest checkpoint a witness cosigned for one log.
type Cosigned struct {
	Size int64
	Hash tlog.Hash
	// Note is the checkpoint as submitted, with its signatures, and the
	// witness's own cosignature line after them.
	Note []byte
}

// Store keeps the latest cosigned checkpoint per log origin. Put must be
// durable when it returns: a witness answers only after it.
type Store interface {
	Latest(origin string) (Cosigned, bool, error)
	Put(origin string, c Cosigned) error
}

// Logs tells the witness which logs it watches: the verifier of origin's
// checkpoints, or false.
type Logs func(origin string) (note.Verifier, bool)

// Witness cosigns checkpoints.
type Witness struct {
	signer note.Signer
	vkey   string
	store  Store
	logs   Logs

	// Check and persist are one step per log (tlog-witness's race); logs
	// apart go in parallel, so their disk writes overlap.
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// lock takes origin's lock; the caller unlocks it.
func (w *Witness) lock(origin string) *sync.Mutex {
	w.mu.Lock()
	if w.locks == nil {
		w.locks = map[string]*sync.Mutex{}
	}
	l, ok := w.locks[origin]
	if !ok {
		l = &sync.Mutex{}
		w.locks[origin] = l
	}
	w.mu.Unlock()
	l.Lock()
	return l
}

// New returns a witness signing with skey (a note signer key, Ed25519;
// its cosignatures are cosignature/v1).
func New(skey string, store Store, logs Logs) (*Witness, error) {
	s, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	vkey, err := VerifierKey(skey)
	if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	return &Witness{signer: s, vkey: vkey, store: store, logs: logs}, nil
}

// VerifierKey is the key others check this witness's cosignatures with.
func (w *Witness) VerifierKey() string { return w.vkey }

// Name is the witness's name, as in its cosignature lines.
func (w *Witness) Name() string { return w.signer.Name() }

// Request is a parsed add-checkpoint body.
type Request struct {
	Old        int64
	Proof      tlog.TreeProof
	Checkpoint []byte // the signed note
}

// ParseRequest reads an add-checkpoint body: "old N", proof lines, a blank
// line, then the signed checkpoint.
func ParseRequest(body []byte) (Request, error) {
	var r Request
	if len(body) > MaxRequest {
		return r, refuse(StatusBadRequest, "request is %d bytes, over the %d byte limit", len(body), MaxRequest)
	}
	rest := body
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return nil, false
		}
		l := rest[:i]
		rest = rest[i+1:]
		return l, true
	}
	first, ok := line()
	if !ok || !bytes.HasPrefix(first, []byte("old ")) {
		return r, refuse(StatusBadRequest, `request does not start with an "old SIZE" line`)
	}
	n, err := strconv.ParseInt(string(first[4:]), 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != string(first[4:]) {
		return r, refuse(StatusBadRequest, "old size %q is not a decimal without leading zeros", first[4:])
	}
	r.Old = n
	for {
		l, ok := line()
		if !ok {
			return r, refuse(StatusBadRequest, "request has no blank line before the checkpoint")
		}
		if len(l) == 0 {
			break
		}
		if len(r.Proof) == 63 {
			return r, refuse(StatusBadRequest, "more than 63 consistency proof lines")
		}
		h, err := tlog.ParseHash(string(l))
		if err != nil {
			return r, refuse(StatusBadRequest, "proof line %d is not a base64 hash", len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, h)
	}
	r.Checkpoint = rest
	return r, nil
}

// FormatRequest writes an add-checkpoint body.
func FormatRequest(old int64, proof tlog.TreeProof, signed []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		b.WriteString(h.String())
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(signed)
	return b.Bytes()
}

// AddCheckpoint runs tlog-witness's add-checkpoint: it returns the
// witness's cosignature line(s) for the checkpoint, or an *Error with the
// spec's status. A refusal changes nothing.
func (w *Witness) AddCheckpoint(body []byte) ([]byte, error) {
	req, err := ParseRequest(body)
	if err != nil {
		return nil, err
	}
	origin, _, _ := bytes.Cut(req.Checkpoint, []byte("\n"))
	v, ok := w.logs(string(origin))
	if !ok {
		return nil, refuse(StatusNotFound, "this witness does not watch the log %q", truncate(string(origin)))
	}
	n, err := note.Open(req.Checkpoint, note.VerifierList(v))
	if err != nil {
		var bad *note.InvalidSignatureError
		if errors.As(err, &bad) {
			return nil, refuse(StatusForbidden, "the checkpoint's signature by %s does not verify", v.Name())
		}
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return nil, refuse(StatusForbidden, "the checkpoint carries no signature by the log's key %s", v.Name())
		}
		return nil, refuse(StatusBadRequest, "the checkpoint is not a signed note")
	}
	tree, err := parseTree(n.Text)
	if err != nil {
		return nil, refuse(StatusBadRequest, "the checkpoint's size and root lines are malformed")
	}
	if req.Old > tree.N {
		return nil, refuse(StatusBadRequest, "old size %d is larger than the checkpoint's size %d", req.Old, tree.N)
	}
	defer w.lock(string(origin)).Unlock()
	last, seen, err := w.store.Latest(string(origin))
	if err != nil {
		return nil, err
	}
	if req.Old != last.Size {
		e := refuse(StatusConflict, "old size %d is not the latest size this witness cosigned, %d", req.Old, last.Size)
		e.Latest = last.Size
		return nil, e
	}
	switch {
	case tree.N == 0 && tree.Hash != emptyRoot:
		return nil, refuse(StatusUnprocessable, "a checkpoint of size 0 must have the empty tree's root")
	case req.Old == 0 && len(req.Proof) != 0:
		return nil, refuse(StatusUnprocessable, "old size 0 needs no consistency proof, yet one was sent")
	case seen && req.Old == tree.N:
		if tree.Hash != last.Hash {
			return nil, refuse(StatusUnprocessable, "the checkpoint has the size this witness cosigned, %d, with another root: the log shows two histories", tree.N)
		}
	case req.Old > 0:
		if err := tlog.CheckTree(req.Proof, tree.N, tree.Hash, req.Old, last.Hash); err != nil {
			return nil, refuse(StatusUnprocessable, "the consistency proof from size %d to %d does not verify: the checkpoint does not extend the one this witness cosigned", req.Old, tree.N)
		}
	}
	cosigned, err := note.Sign(&note.Note{Text: n.Text}, w.signer)
	if err != nil {
		return nil, err
	}
	line := cosigned[len(n.Text)+1:] // the signature block after the blank line
	full := append(bytes.Clone(req.Checkpoint), line...)
	if err := w.store.Put(string(origin), Cosigned{Size: tree.N, Hash: tree.Hash, Note: full}); err != nil {
		return nil, fmt.Errorf("recording the cosigned checkpoint: %w", err)
	}
	return line, nil
}

// emptyRoot is RFC 6962's root of the empty tree, the hash of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// parseTree reads a tlog-checkpoint's size and root (its second and third
// lines); extension lines may follow.
func parseTree(text string) (tlog.Tree, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return tlog.Tree{}, errors.New("short checkpoint")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return tlog.Tree{}, errors.New("bad size")
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		return tlog.Tree{}, err
	}
	return tlog.Tree{N: n, Hash: h}, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// GenerateKey makes a witness key named name: the signer key to keep
// secret (a note Ed25519 key) and the cosignature/v1 verifier key others
// name the witness by.
func GenerateKey(name string) (skey, vkey string, err error) {
	skey, _, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", err
	}
	vkey, err = VerifierKey(skey)
	return skey, vkey, err
}

// VerifierKey is the cosignature/v1 verifier key of a witness signer key.
func VerifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("not a note signer key")
	}
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return "", errors.New("not an Ed25519 note signer key")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(parts[2], pub)
	if err != nil {
		return "", err
	}
	return fnote.VKeyToCosignatureV1(vkey)
}

// NewVerifier parses a witness's cosignature/v1 verifier key.
func NewVerifier(vkey string) (note.Verifier, error) {
	return fnote.NewVerifierForCosignatureV1(vkey)
}
