package state

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
)

// The export file holds what an offline verifier needs and nothing else: the
// hub's verifier key, every signed checkpoint and every event's canonical
// bytes, each framed by a header line with its length (see docs/events.md).
const exportMagic = "polis-chain-export 1"

// WriteExport writes the whole log and every checkpoint, as of one
// snapshot, to w.
func (s *Store) WriteExport(w io.Writer) error {
	_, err := writeExport(s.db, s.vkey, w)
	return err
}

// ExportInfo says what an export holds.
type ExportInfo struct {
	Events      uint64
	Checkpoints int
	Key         string // the verifier key it names
}

// ExportDir writes the export of a stopped hub's data dir. It only reads:
// it never seals what is unsealed (the export holds those events after
// the last checkpoint), and it refuses a database behind the dir's HEAD.
func ExportDir(dir string, w io.Writer) (ExportInfo, error) {
	d, err := openStopped(dir)
	if err != nil {
		return ExportInfo{}, err
	}
	defer d.Close()
	if err := d.db.View(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		if err := d.checkHead(r); err != nil {
			return err
		}
		return r.err
	}); err != nil {
		return ExportInfo{}, err
	}
	return writeExport(d.db, d.vkey, w)
}

// Signer loads the hub's checkpoint signing key from its data dir, for
// documents the hub signs outside the log (the dossier).
func Signer(dir string) (note.Signer, error) {
	b, err := os.ReadFile(filepath.Join(dir, signKeyFile))
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return chain.NewSigner(strings.TrimSpace(string(b)))
}

func writeExport(db *badger.DB, vkey string, w io.Writer) (ExportInfo, error) {
	info := ExportInfo{Key: vkey}
	bw := bufio.NewWriterSize(w, 64<<10)
	err := db.View(func(txn *badger.Txn) error {
		fmt.Fprintf(bw, "%s\nkey %s\n", exportMagic, vkey)
		var size uint64
		if v, err := txn.Get([]byte(keySize)); err == nil {
			b, _ := v.ValueCopy(nil)
			size, _ = strconv.ParseUint(string(b), 10, 64)
		}
		if err := scanRaw(txn, prefixCkpt, func(_, v []byte) error {
			fmt.Fprintf(bw, "checkpoint %d\n", len(v))
			bw.Write(v)
			info.Checkpoints++
			return bw.WriteByte('\n')
		}); err != nil {
			return err
		}
		var n uint64
		if err := scanRaw(txn, prefixEvent, func(_, v []byte) error {
			if n >= size {
				return nil
			}
			fmt.Fprintf(bw, "event %d %d\n", n, len(v))
			bw.Write(v)
			n++
			return bw.WriteByte('\n')
		}); err != nil {
			return err
		}
		info.Events = n
		_, err := fmt.Fprintf(bw, "end %d\n", n)
		return err
	})
	if err != nil {
		return info, err
	}
	return info, bw.Flush()
}

func scanRaw(txn *badger.Txn, prefix string, fn func(k, v []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(it.Item().KeyCopy(nil), v); err != nil {
			return err
		}
	}
	return nil
}

// Export is a parsed export file.
type Export struct {
	Key         string
	Checkpoints [][]byte
	Events      [][]byte
}

// ReadExport parses an export file, bounding every frame.
func ReadExport(r io.Reader) (*Export, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line := func() (string, error) {
		s, err := br.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("export: truncated")
			}
			return "", err
		}
		return strings.TrimSuffix(s, "\n"), nil
	}
	first, err := line()
	if err != nil {
		return nil, err
	}
	if first != exportMagic {
		return nil, fmt.Errorf("export: not a polis chain export (first line %q)", truncate(first, 40))
	}
	kl, err := line()
	if err != nil {
		return nil, err
	}
	key, ok := strings.CutPrefix(kl, "key ")
	if !ok {
		return nil, errors.New("export: missing key line")
	}
	x := &Export{Key: key}
	for {
		h, err := line()
		if err != nil {
			return nil, err
		}
		f := strings.Fields(h)
		switch {
		case len(f) == 2 && f[0] == "end":
			if n, err := strconv.Atoi(f[1]); err != nil || n != len(x.Events) {
				return nil, fmt.Errorf("export: end says %s events, read %d", f[1], len(x.Events))
			}
			return x, nil
		case len(f) == 2 && f[0] == "checkpoint":
			b, err := frame(br, f[1], 8<<10)
			if err != nil {
				return nil, fmt.Errorf("export: checkpoint %d: %w", len(x.Checkpoints)+1, err)
			}
			x.Checkpoints = append(x.Checkpoints, b)
		case len(f) == 3 && f[0] == "event":
			if f[1] != strconv.Itoa(len(x.Events)) {
				return nil, fmt.Errorf("export: event %s out of order (want %d)", truncate(f[1], 20), len(x.Events))
			}
			b, err := frame(br, f[2], MaxEventBytes)
			if err != nil {
				return nil, fmt.Errorf("export: event %d: %w", len(x.Events), err)
			}
			x.Events = append(x.Events, b)
		default:
			return nil, fmt.Errorf("export: unexpected line %q", truncate(h, 40))
		}
	}
}

func frame(br *bufio.Reader, lenStr string, max int) ([]byte, error) {
	n, err := strconv.Atoi(lenStr)
	if err != nil || n < 0 || n > max {
		return nil, fmt.Errorf("bad length %q", truncate(lenStr, 20))
	}
	b := make([]byte, n+1)
	if _, err := io.ReadFull(br, b); err != nil {
		return nil, errors.New("truncated")
	}
	if b[n] != '\n' {
		return nil, errors.New("frame not terminated by a newline")
	}
	return b[:n], nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Receipt proves that one event is in the log: its position and leaf hash,
// and an inclusion proof against a signed checkpoint, checkable offline
// with only the hub's verifier key.
type Receipt struct {
	Seq        uint64   `json:"seq"`
	LeafHash   string   `json:"leaf_hash"`
	Event      string   `json:"event,omitempty"` // canonical bytes; members only (ReadLog), omitted for anyone else
	Checkpoint string   `json:"checkpoint,omitempty"`
	TreeSize   int64    `json:"tree_size"`
	Proof      []string `json:"proof"`
	Sealed     bool     `json:"sealed"` // false: not yet covered by a checkpoint
}

// CheckReceipt verifies a receipt offline against the hub's verifier key.
func CheckReceipt(rc Receipt, vkey string) error {
	if !rc.Sealed {
		return errors.New("receipt is not sealed by a checkpoint yet")
	}
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return err
	}
	c, err := chain.Open([]byte(rc.Checkpoint), v)
	if err != nil {
		return err
	}
	if c.Size != rc.TreeSize {
		return fmt.Errorf("receipt tree size %d is not the checkpoint's %d", rc.TreeSize, c.Size)
	}
	// A receipt without the event (as anyone but a member gets it) proves
	// only that its leaf hash is in the log; with it, that these bytes are.
	lh := chain.LeafHash([]byte(rc.Event))
	if rc.Event == "" {
		b, err := base64Std.DecodeString(rc.LeafHash)
		if err != nil || len(b) != len(lh) {
			return errors.New("bad leaf hash")
		}
		copy(lh[:], b)
	} else if b64(lh[:]) != rc.LeafHash {
		return errors.New("event bytes do not match the leaf hash")
	}
	var p chain.InclusionProof
	for _, s := range rc.Proof {
		b, err := base64Std.DecodeString(s)
		if err != nil || len(b) != 32 {
			return errors.New("bad proof hash")
		}
		var h chain.Hash
		copy(h[:], b)
		p = append(p, h)
	}
	return chain.CheckInclusion(p, c.Size, c.Root, int64(rc.Seq), lh)
}
