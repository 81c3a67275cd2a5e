package store

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// WriteExport writes the whole log and every checkpoint, as of one
// snapshot, to w.
func (s *Store) WriteExport(w io.Writer) error { return s.WriteExportTo(w, s.Published().Size) }

// WriteExportTo is described at state.Engine. Only what was published is
// written: a batch committed but not yet published (its HEAD not yet
// written) is not part of the log anyone may read.
func (s *Store) WriteExportTo(w io.Writer, size uint64, cosigned ...state.Cosignatures) error {
	_, err := writeExport(s.db, s.vkey, w, min(size, s.Published().Size), cosigned...)
	return err
}

// ExportDir writes the export of a stopped hub's data dir. It only reads:
// it never seals what is unsealed (the export holds those events after
// the last checkpoint), and it refuses a database behind the dir's HEAD.
func ExportDir(dir string, w io.Writer) (state.ExportInfo, error) {
	d, err := openStopped(dir)
	if err != nil {
		return state.ExportInfo{}, err
	}
	defer d.Close()
	if err := d.db.View(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		if err := d.checkHead(r); err != nil {
			return err
		}
		return r.err
	}); err != nil {
		return state.ExportInfo{}, err
	}
	return writeExport(d.db, d.vkey, w, math.MaxUint64)
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

// writeExport writes the first limit events of db's log (and no more than
// it holds) with the checkpoints over them.
func writeExport(db *badger.DB, vkey string, w io.Writer, limit uint64, cosigned ...state.Cosignatures) (info state.ExportInfo, err error) {
	err = db.View(func(txn *badger.Txn) error {
		r := &badgerReader{txn: txn}
		var size uint64
		if v, ok := r.Get(keySize); ok {
			size, _ = strconv.ParseUint(string(v), 10, 64)
		}
		size = min(size, limit)
		if info, err = state.WriteLog(w, vkey, r, size, cosigned...); err != nil {
			return err
		}
		return r.err
	})
	return info, err
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
