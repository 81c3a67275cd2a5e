package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/polis-hub/polis/state/durable"
)

// SalvageLog accepts the loss a damaged memtable log holds (see walcheck.go):
// it copies every memtable log of the data dir dir, as found, into a new
// directory damaged-log-TIME in dir, then lets Badger open the database,
// which cuts each log at its first bad record, and closes it. It returns
// the copy's path, or "" when the log was not damaged (and nothing was
// done). What was cut is lost; the hub still refuses to start if that
// takes its store behind the published high-water mark (HEAD).
func SalvageLog(dir string) (string, error) {
	if err := checkFormat(dir); err != nil {
		return "", err
	}
	dbPath := filepath.Join(dir, dbDir)
	release, err := lockDir(dbPath)
	if errors.Is(err, errLocked) {
		return "", fmt.Errorf("%w (%s): stop it first", ErrLocked, dir)
	}
	if err != nil {
		return "", err
	}
	release() // checkLog and Badger take it again
	if err := checkLog(dbPath); err == nil {
		return "", nil
	} else if !errors.Is(err, ErrDamagedLog) {
		return "", err
	}
	logs, err := memLogs(dbPath)
	if err != nil {
		return "", err
	}
	keep := filepath.Join(dir, "damaged-log-"+time.Now().UTC().Format("20060102T150405Z"))
	if err := durable.MkdirAll(keep, 0o700); err != nil {
		return "", err
	}
	for _, p := range logs {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		if err := durableWrite(filepath.Join(keep, filepath.Base(p)), b); err != nil {
			return "", fmt.Errorf("keeping a copy of %s: %w", p, err)
		}
	}
	db, err := openBadgerUnchecked(dbPath, false)
	if err != nil {
		return keep, err
	}
	return keep, db.Close()
}
