package store

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/polis-hub/polis/chain"
	"github.com/polis-hub/polis/state"
)

// Reading backups back: checking one, and restoring it into an empty dir.

// CheckBackup reads a whole backup and checks it as Restore would, without
// writing anything.
func CheckBackup(r io.Reader) (BackupInfo, error) {
	return walkBackup(r, nil, io.Discard)
}

// walkBackup reads a backup, handing each data dir file to file and the
// Badger stream to db, and checks the stream against its end entry.
func walkBackup(r io.Reader, file func(name string, data []byte) error, db io.Writer) (BackupInfo, error) {
	var info BackupInfo
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil || h.Name != entryHeader || h.Size > 4096 {
		return info, errors.New("not a polis backup")
	}
	hb, err := io.ReadAll(tr)
	if err != nil {
		return info, errors.New("not a polis backup")
	}
	fields := keyLines(hb)
	var ver int
	if _, err := fmt.Sscanf(string(hb), backupMagic+" %d\n", &ver); err != nil {
		return info, errors.New("not a polis backup")
	}
	if ver > BackupVersion {
		return info, fmt.Errorf("backup format %d is newer than this polis reads (%d): upgrade polis", ver, BackupVersion)
	}
	info.Origin = fields["origin"]
	info.Created, _ = time.Parse(time.RFC3339, fields["created"])
	var v note.Verifier
	var headFile []byte
	sum, scan := sha256.New(), &streamScan{}
	next := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return info, errors.New("backup is truncated: no end entry")
		}
		if err != nil {
			return info, fmt.Errorf("backup is truncated or corrupt: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			return info, fmt.Errorf("backup entry %q is not a regular file", h.Name)
		}
		switch {
		case strings.HasPrefix(h.Name, prefixDirFile) && next == 0:
			name := strings.TrimPrefix(h.Name, prefixDirFile)
			if !safeName(name) || h.Size > maxDirFile || slices.Contains(info.Files, name) {
				return info, fmt.Errorf("backup entry %q is not a data dir file", h.Name)
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return info, fmt.Errorf("backup is truncated: %w", err)
			}
			if name == VerifyKey {
				if v, err = chain.NewVerifier(strings.TrimSpace(string(b))); err != nil {
					return info, fmt.Errorf("backup's %s: %w", VerifyKey, err)
				}
				if v.Name() != info.Origin {
					return info, fmt.Errorf("backup's %s is for %q, not %q", VerifyKey, v.Name(), info.Origin)
				}
			}
			if name == HeadFile {
				headFile = b
			}
			sumFile(sum, name, b)
			if file != nil {
				if err := file(name, b); err != nil {
					return info, err
				}
			}
			info.Files = append(info.Files, name)
		case h.Name == fmt.Sprintf("%s%08d", prefixChunk, next):
			if next == 0 {
				if missing := missingFiles(info.Files); missing != "" {
					return info, fmt.Errorf("backup lacks the data dir's %s", missing)
				}
			}
			next++
			if _, err := io.Copy(io.MultiWriter(scanWriter{scan}, sum, db), tr); err != nil {
				return info, fmt.Errorf("backup is truncated or corrupt: %w", err)
			}
		case h.Name == entryEnd && h.Size <= 4096:
			eb, err := io.ReadAll(tr)
			if err != nil {
				return info, fmt.Errorf("backup is truncated: %w", err)
			}
			if next == 0 {
				return info, errors.New("backup holds no database")
			}
			if err := finishWalk(&info, keyLines(eb), scan, sum.Sum(nil), v, tr); err != nil {
				return info, err
			}
			if headFile != nil {
				if info.HeadMark, err = openHeadMark(headFile, v); err != nil {
					return info, fmt.Errorf("backup's %s: %w", HeadFile, err)
				}
			}
			return info, nil
		default:
			return info, fmt.Errorf("backup entry %q is out of place", h.Name)
		}
	}
}

func finishWalk(info *BackupInfo, end map[string]string, scan *streamScan, sum []byte, v note.Verifier, tr *tar.Reader) error {
	if end["sha256"] != hex.EncodeToString(sum) || end["bytes"] != strconv.FormatInt(scan.n, 10) {
		return errors.New("backup is corrupt: its contents do not match its checksum")
	}
	var err error
	if info.Size, info.Head, err = scan.result(v); err != nil {
		return fmt.Errorf("backup is corrupt: %w", err)
	}
	if end["size"] != strconv.FormatUint(info.Size, 10) || end["head"] != strconv.FormatInt(info.Head.Height, 10) {
		return fmt.Errorf("backup is corrupt: its end entry says size %s head %s, its database %d and %d", end["size"], end["head"], info.Size, info.Head.Height)
	}
	info.Bytes = scan.n
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		return errors.New("backup is corrupt: entries after its end")
	}
	return nil
}

type scanWriter struct{ s *streamScan }

func (w scanWriter) Write(p []byte) (int, error) { return len(p), w.s.feed(p) }

// keyLines reads "key value" lines.
func keyLines(b []byte) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, " "); ok {
			m[k] = v
		}
	}
	return m
}

func safeName(n string) bool {
	return n != "" && !strings.HasPrefix(n, ".") && n != dbDir && len(n) <= 255 && !strings.ContainsAny(n, "/\\\x00")
}

func missingFiles(have []string) string {
	var miss []string
	for _, f := range []string{formatFile, signKeyFile, VerifyKey} {
		if !slices.Contains(have, f) {
			miss = append(miss, f)
		}
	}
	return strings.Join(miss, ", ")
}

// RestoreOptions say what restore knows about the hub beyond the backup.
type RestoreOptions struct {
	// Head is a checkpoint the hub is known to have published, in any form
	// ParseSaved reads: the HEAD file of the data dir being replaced, or a
	// checkpoint a member kept. Without it, restore knows only the HEAD the
	// backup carries, which is never beyond the backup itself.
	Head []byte
	// Rollback lets a backup older than the published head be restored:
	// the events after it are lost, and the hub resumes above the published
	// head, never signing a published height again (see Rollback).
	Rollback bool
	Progress func(done int64)
	Clock    func() time.Time // the resuming checkpoint's time; time.Now if nil
}

// RestoreInfo describes a restored hub.
type RestoreInfo struct {
	BackupInfo
	// Published is the latest checkpoint known to be published (from
	// Options.Head or the backup's HEAD); Height 0 if none was known.
	Published state.Head
	// Rollback is set when the hub was rolled back: Head is then the
	// checkpoint it resumes at, above Published.
	Rollback *state.Rollback
}

// ErrRollback means the backup is older than a checkpoint the hub
// published: restoring it as it is would sign those heights again.
var ErrRollback = errors.New("the backup is older than the hub's published head")

// Restore unpacks a backup into dir, which must not exist or be empty. The
// FORMAT file is written last, so a restore cut short never looks like a
// data dir; on any error what was written is removed again. It refuses a
// backup older than the published head it knows of, unless o.Rollback.
func Restore(r io.Reader, dir string, o RestoreOptions) (info RestoreInfo, err error) {
	created, err := claimEmptyDir(dir)
	if err != nil {
		return info, err
	}
	defer func() {
		if err != nil {
			cleanDir(dir, created)
		}
	}()
	db, err := openBadger(filepath.Join(dir, dbDir), false)
	if err != nil {
		return info, err
	}
	var format []byte
	pr, pw := io.Pipe()
	loaded := make(chan error, 1)
	go func() {
		err := db.Load(pr, 64)
		pr.CloseWithError(err) // unblock the walk if Load gave up early
		loaded <- err
	}()
	cr := &countReader{r: r, progress: o.Progress}
	info.BackupInfo, err = walkBackup(cr, func(name string, b []byte) error {
		switch name {
		case formatFile:
			format = b
			return checkFormatBytes(b)
		case HeadFile:
			return nil // settleHead writes it
		}
		return durableWrite(filepath.Join(dir, name), b)
	}, pw)
	pw.CloseWithError(err)
	if lerr := <-loaded; err == nil && lerr != nil {
		err = fmt.Errorf("loading the database: %w", lerr)
	}
	if err == nil {
		err = settleHead(db, dir, &info, o)
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return info, err
	}
	return info, durableWrite(filepath.Join(dir, formatFile), format)
}

func checkFormatBytes(b []byte) error {
	var v int
	if _, err := fmt.Sscanf(string(b), "polis %d\n", &v); err != nil {
		return fmt.Errorf("backup's %s is unreadable: %q", formatFile, bytes.TrimSpace(b))
	}
	if v > state.FormatVersion {
		return fmt.Errorf("backup was written by a newer polis (format %d; this binary reads up to %d): upgrade polis", v, state.FormatVersion)
	}
	return nil
}

// claimEmptyDir creates dir, or accepts an existing empty one, and says
// whether it created it.
func claimEmptyDir(dir string) (bool, error) {
	if dir == "" {
		return false, errors.New("no data dir given")
	}
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return true, os.MkdirAll(dir, 0o700)
	case err != nil:
		return false, err
	case len(ents) > 0:
		return false, fmt.Errorf("%s is not empty: restore only into a new or empty dir", dir)
	}
	return false, nil
}

func cleanDir(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

type countReader struct {
	r        io.Reader
	n        int64
	progress func(done int64)
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.n)
	}
	return n, err
}
