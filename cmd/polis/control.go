package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/polis-hub/polis/state/store"
)

// A serving hub holds its database's lock, so `polis backup` asks the hub
// itself over a Unix socket in the data dir. The data dir's mode (0700) and
// the socket's (0600) are its access control: whoever may read the hub's
// keys may take a backup, nobody else.
//
// The protocol is one line each way, then the stream: the client sends
// "backup 1"; the hub answers "ok ESTIMATE" (bytes) and streams the backup,
// or "error MESSAGE". "export 1" streams the public log as an export file
// (`polis dossier` on a serving hub).
const controlSocket = "polis.sock"

type control struct {
	ln  net.Listener
	st  *store.Store
	log *slog.Logger

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
	wg     sync.WaitGroup
}

// listenControl starts the control socket. Serving holds the data dir's
// lock, so a socket file already there is a crashed hub's and is replaced.
func listenControl(dir string, st *store.Store, log *slog.Logger) (*control, error) {
	path := filepath.Join(dir, controlSocket)
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(path)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	c := &control{ln: ln, st: st, log: log, conns: map[net.Conn]bool{}}
	c.wg.Add(1)
	go c.serve()
	return c, nil
}

func (c *control) serve() {
	defer c.wg.Done()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			conn.Close()
			return
		}
		c.conns[conn] = true
		c.wg.Add(1)
		c.mu.Unlock()
		go func() {
			defer c.wg.Done()
			c.handle(conn)
			c.mu.Lock()
			delete(c.conns, conn)
			c.mu.Unlock()
			conn.Close()
		}()
	}
}

func (c *control) handle(conn net.Conn) {
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(conn, 256)).ReadString('\n')
	if err != nil {
		return
	}
	conn.SetReadDeadline(time.Time{})
	switch strings.TrimSpace(line) {
	case "clock 1", "clock confirm 1":
		c.clock(conn, strings.TrimSpace(line) == "clock confirm 1")
		return
	case "backup 1":
	case "export 1":
		// The public log, for `polis dossier` on a serving hub.
		fmt.Fprintf(conn, "ok %d\n", c.st.Size())
		if err := c.st.WriteExport(conn); err != nil {
			c.log.Error("export failed", "err", err)
		}
		return
	default:
		fmt.Fprintf(conn, "error unknown request %q\n", strings.TrimSpace(line))
		return
	}
	st := c.st.Stats()
	fmt.Fprintf(conn, "ok %d\n", st.LSMBytes+st.VlogBytes)
	start := time.Now()
	c.log.Info("backup started", "events", st.Size)
	info, err := c.st.Backup(conn, nil)
	if err != nil {
		c.log.Error("backup failed", "err", err)
		return
	}
	c.log.Info("backup done", "events", info.Size, "checkpoint", info.Head.Height, "bytes", info.Bytes, "took", time.Since(start).Round(time.Millisecond))
}

// close stops taking requests and cuts backups still running, so that the
// store can close under no reader.
func (c *control) close() {
	c.ln.Close()
	c.mu.Lock()
	c.closed = true
	for conn := range c.conns {
		conn.Close()
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// errNoHub means no hub answers on the data dir's control socket.
var errNoHub = errors.New("no hub is serving this data dir")

// requestBackup asks the hub serving dir for a backup. It returns the
// stream and the hub's estimate of its size.
func requestBackup(dir string) (io.ReadCloser, int64, error) { return request(dir, "backup 1") }

// requestExport asks the hub serving dir for its log as an export file.
func requestExport(dir string) (io.ReadCloser, int64, error) { return request(dir, "export 1") }

func request(dir, verb string) (io.ReadCloser, int64, error) {
	conn, err := net.Dial("unix", filepath.Join(dir, controlSocket))
	if err != nil {
		return nil, 0, errNoHub
	}
	if _, err := io.WriteString(conn, verb+"\n"); err != nil {
		conn.Close()
		return nil, 0, err
	}
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil {
		conn.Close()
		return nil, 0, fmt.Errorf("the hub closed the control socket without answering")
	}
	line = strings.TrimSpace(line)
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		conn.Close()
		return nil, 0, fmt.Errorf("the hub refused: %s", msg)
	}
	est, ok := strings.CutPrefix(line, "ok ")
	if !ok {
		conn.Close()
		return nil, 0, fmt.Errorf("the hub answered %q", line)
	}
	n, _ := strconv.ParseInt(est, 10, 64)
	return struct {
		io.Reader
		io.Closer
	}{br, conn}, n, nil
}
