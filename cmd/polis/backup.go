package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/polis-hub/polis/state/store"
)

func backupCmd() *cobra.Command {
	var data, out string
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a complete backup of a hub, while it serves or stopped",
		Long: `Write a complete backup of the hub in --data: its signing key, its SSH host
key and every other file of the data dir, and one consistent snapshot of its
database. The file holds the hub's private keys: it is written with mode 0600;
keep it as safe as the data dir itself.

While the hub serves, the backup is taken through the hub itself (a socket in
the data dir), and it keeps serving. The snapshot holds every write
acknowledged before the backup began, and may hold some acknowledged during
it, never part of one. A stopped hub's data dir is read directly.

The file is a tar archive (see 'polis restore --help'); restore it with
'polis restore --in FILE --data NEW-DIR'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out FILE is required ('-' for stdout)")
			}
			w, commit, abort, err := createOut(cmd, out, data)
			if err != nil {
				return err
			}
			bar := newByteBar(cmd.ErrOrStderr())
			start := time.Now()
			info, err := backup(data, w, bar)
			bar.done()
			if err != nil {
				abort()
				return err
			}
			if err := commit(); err != nil {
				abort()
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "polis: backup of %d events (checkpoint %d) written to %s: %s in %v\n",
				info.Size, info.Head.Height, out, bytesText(info.Bytes), time.Since(start).Round(time.Millisecond))
			if m := info.HeadMark; m.Height > info.Head.Height {
				fmt.Fprintf(cmd.ErrOrStderr(), "polis: WARNING: the database (checkpoint %d, size %d) is behind the hub's published head (HEAD: checkpoint %d, size %d): it has lost history members may hold; restoring this backup will need --rollback\n",
					info.Head.Height, info.Head.Size, m.Height, m.Size)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir of the hub (env POLIS_DATA)")
	cmd.Flags().StringVar(&out, "out", "", "backup file to write, never overwritten; '-' for stdout")
	return cmd
}

// backup asks the hub serving dir for a backup, or reads dir directly when
// no hub serves it. What the hub sends is checked as it arrives: a cut
// connection never leaves a file that looks complete.
func backup(dir string, w io.Writer, bar *byteBar) (store.BackupInfo, error) {
	if _, err := os.Stat(filepath.Join(dir, "FORMAT")); err != nil {
		return store.BackupInfo{}, fmt.Errorf("no polis data dir at %s", dir)
	}
	rc, est, err := requestBackup(dir)
	if errors.Is(err, errNoHub) {
		info, err := store.BackupDir(dir, w, bar.update)
		if errors.Is(err, store.ErrLocked) {
			return info, fmt.Errorf("%w, and it does not answer on %s", err, filepath.Join(dir, controlSocket))
		}
		return info, err
	}
	if err != nil {
		return store.BackupInfo{}, err
	}
	defer rc.Close()
	cw := &countingWriter{w: w, progress: func(n int64) { bar.update(n, est) }}
	info, err := store.CheckBackup(io.TeeReader(rc, cw))
	if err != nil {
		return info, fmt.Errorf("the backup from the hub is incomplete (see the hub's log): %w", err)
	}
	return info, nil
}

type countingWriter struct {
	w        io.Writer
	n        int64
	progress func(int64)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.progress(c.n)
	return n, err
}

// createOut opens the backup's destination: stdout, or a new file that
// appears under its name only once complete and synced.
func createOut(cmd *cobra.Command, path, data string) (w io.Writer, commit func() error, abort func(), err error) {
	if path == "-" {
		return cmd.OutOrStdout(), func() error { return nil }, func() {}, nil
	}
	if inside(path, data) {
		return nil, nil, nil, fmt.Errorf("%s is inside the data dir; write the backup elsewhere", path)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, nil, nil, fmt.Errorf("%s exists; polis never overwrites a backup", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, nil, nil, err
	}
	// CreateTemp makes the file 0600: the backup holds private keys.
	commit = func() error {
		if err := f.Sync(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s appeared while the backup ran; the backup is in %s", path, f.Name())
		}
		return os.Rename(f.Name(), path)
	}
	abort = func() {
		f.Close()
		os.Remove(f.Name())
	}
	return f, commit, abort, nil
}

// inside reports whether path would be written into dir.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(filepath.Dir(path))
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func restoreCmd() *cobra.Command {
	var in, data, head string
	var verify, rollback bool
	cmd := &cobra.Command{
		Use:   "restore --in FILE --data DIR [--head FILE]",
		Short: "Restore a hub from a backup into a new data dir",
		Long: `Restore a hub from a file written by 'polis backup' into --data, which must
not exist or be empty: restore never overwrites a hub. Then replay and check
the restored hub as 'polis verify' does. Start it with 'polis serve --data DIR':
it has the backup's signing key, SSH host key and chain head, and seals any
events the backup holds after its last checkpoint.

A hub never signs a checkpoint height twice. Restore knows the heights the
hub had published from the HEAD file the backup carries and from --head: the
latest checkpoint it published, as the HEAD file of the data dir being
replaced (or that dir itself), or as a member kept it ('ssh HUB chain head').
Without --head, restore cannot know of checkpoints sealed after the backup
was taken: pass it whenever the old hub ran on after the backup.

A backup older than the published head is refused: restoring it would sign
heights members already hold over other events. If it is all there is,
--rollback restores it anyway: the events after the backup are lost, and
the hub resumes at the published height + 1, linked to the backup's last
checkpoint. 'polis verify' reports that gap; members who kept a lost
checkpoint see it with 'polis verify --since'.

A backup is a tar archive: the entry polis-backup (format and origin), the
data dir's files under dir/, Badger's backup stream in chunks under badger/,
and an end entry with the log size, head height and a SHA-256 over it all. A
file that is not a polis backup, or is truncated or altered, is refused, and
nothing is left behind.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return errors.New("--in FILE is required ('-' for stdin)")
			}
			o := store.RestoreOptions{Rollback: rollback}
			if head != "" {
				var err error
				if o.Head, err = readHeadArg(head); err != nil {
					return fmt.Errorf("--head: %w", err)
				}
			}
			var r io.Reader = cmd.InOrStdin()
			var total int64
			if in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return err
				}
				defer f.Close()
				if fi, err := f.Stat(); err == nil {
					total = fi.Size()
				}
				r = f
			}
			bar := newByteBar(cmd.ErrOrStderr())
			o.Progress = func(n int64) { bar.update(n, total) }
			info, err := store.Restore(r, data, o)
			bar.done()
			if err != nil {
				return fmt.Errorf("%s: %w", in, err)
			}
			w := cmd.ErrOrStderr()
			fmt.Fprintf(w, "polis: restored %d events (checkpoint %d, origin %s, backed up %s) into %s\n",
				info.Size, info.Head.Height, info.Origin, info.Created.Format(time.RFC3339), data)
			if rb := info.Rollback; rb != nil {
				fmt.Fprintf(w, "polis: ROLLBACK: checkpoints %d..%d were published but this backup lacks them; every event after size %d is lost.\n"+
					"polis: the hub resumes at checkpoint %d (size %d), linked to its checkpoint %d, and never signs heights %d..%d again.\n"+
					"polis: tell the members: receipts for the lost events are void, and 'polis verify --since' flags a kept checkpoint above %d.\n",
					rb.Kept+1, info.Published.Height, rb.KeptSize, rb.Resumed, rb.Size, rb.Kept, rb.Kept+1, info.Published.Height, rb.Kept)
			} else if head == "" {
				fmt.Fprintf(w, "polis: restore knows of no checkpoint published after this backup's (%d). If the old hub sealed later ones, members hold them: remove %s and restore again with --head (the old data dir's HEAD, or a checkpoint a member kept), or the hub will sign those heights again.\n",
					info.Head.Height, data)
			}
			if !verify {
				return nil
			}
			vbar := newBar(cmd.ErrOrStderr())
			rep, err := store.VerifyDir(data, vbar.update)
			vbar.done()
			if err != nil {
				return fmt.Errorf("the restored hub does not verify: %w", err)
			}
			fmt.Fprintf(w, "polis: verify ok: %d events, %d checkpoints, head %d at size %d\n",
				rep.Events, rep.Checkpoints, rep.Head.Height, rep.Head.Size)
			return nil
		},
	}
	cmd.Flags().StringVar(&in, "in", "", "backup file to read; '-' for stdin")
	cmd.Flags().StringVar(&data, "data", envOr("POLIS_DATA", "./polis-data"), "new data dir to create (env POLIS_DATA)")
	cmd.Flags().StringVar(&head, "head", "", "the latest checkpoint the hub published: the old data dir (or its HEAD file), or a checkpoint a member kept")
	cmd.Flags().BoolVar(&rollback, "rollback", false, "restore a backup older than the published head: lose the events after it, resume above that head")
	cmd.Flags().BoolVar(&verify, "verify", true, "replay and check the restored hub (--verify=false skips it)")
	return cmd
}

// readHeadArg reads --head: a data dir (its HEAD file) or a file.
func readHeadArg(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, store.HeadFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}
