package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	charmssh "charm.land/ssh"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	polisssh "github.com/polis-hub/polis/ssh"
	"github.com/polis-hub/polis/state"
)

type serveFlags struct {
	data, listen, name, origin string
	adminKeys                  []string
	every                      int
	interval                   time.Duration
}

func serveCmd() *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the hub (the default command)",
		Long: `Run the hub. The first start creates the data dir with the hub's checkpoint
signing key and SSH host key, and prints a one-time founder code unless admin
keys were given. Flags override POLIS_* environment variables.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", envOr("POLIS_DATA", "./polis-data"), "data dir (env POLIS_DATA)")
	fl.StringVar(&f.listen, "listen", envOr("POLIS_LISTEN", "127.0.0.1:23234"), "SSH listen address (env POLIS_LISTEN)")
	fl.StringVar(&f.name, "name", envOr("POLIS_NAME", "polis"), "community name, set on first start (env POLIS_NAME)")
	fl.StringVar(&f.origin, "origin", envOr("POLIS_ORIGIN", "polis.local/hub"), "checkpoint origin and signing key name, set on first start")
	fl.StringArrayVar(&f.adminKeys, "admin-key", nil, "authorized_keys file whose keys become stewards (repeatable; env POLIS_INITIAL_ADMIN_KEYS holds key lines)")
	every, _ := strconv.Atoi(envOr("POLIS_CHECKPOINT_EVERY", "1000"))
	fl.IntVar(&f.every, "checkpoint-every", every, "seal a checkpoint after this many events")
	interval, _ := time.ParseDuration(envOr("POLIS_CHECKPOINT_INTERVAL", "2s"))
	fl.DurationVar(&f.interval, "checkpoint-interval", interval, "seal unsealed events at least this often")
	return cmd
}

func serve(cmd *cobra.Command, f *serveFlags) error {
	out := cmd.OutOrStdout()
	keys, err := adminKeyLines(f.adminKeys, os.Getenv("POLIS_INITIAL_ADMIN_KEYS"))
	if err != nil {
		return err
	}
	st, err := state.Open(state.Options{Dir: f.data, Origin: f.origin, CheckpointEvery: f.every, CheckpointInterval: f.interval})
	if err != nil {
		return err
	}
	defer st.Close()
	hub := state.NewHub(st)
	ctx := context.Background()
	if st.Size() == 0 {
		if _, err := hub.Submit(ctx, state.SystemActor, state.CreateHub{Name: f.name}); err != nil {
			return fmt.Errorf("creating the hub: %w", err)
		}
	}
	for _, k := range keys {
		if _, err := hub.Submit(ctx, state.SystemActor, state.AdmitAdmin{Key: k.key, Name: k.name}); err != nil {
			return fmt.Errorf("admin key %s: %w", k.where, err)
		}
	}
	members, err := hub.Members()
	if err != nil {
		return err
	}
	founder := ""
	if len(members) == 0 {
		if founder, err = hub.IssueFounderCode(ctx); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.listen, err)
	}
	srv, err := polisssh.New(hub, polisssh.Config{Addr: f.listen, HostKeyPath: filepath.Join(f.data, "ssh_host_ed25519_key")})
	if err != nil {
		ln.Close()
		return err
	}
	info, _ := hub.Info()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(out, "polis: %s is serving on %s (data in %s)\n", info.Name, ln.Addr(), f.data)
	if fp, err := hostKeyFingerprint(filepath.Join(f.data, "ssh_host_ed25519_key")); err == nil {
		fmt.Fprintf(out, "polis: host key %s\n", fp)
	}
	fmt.Fprintf(out, "polis: open the app with   ssh -p %s %s\n", port, host)
	if founder != "" {
		fmt.Fprintf(out, "polis: no members yet. Become the founding steward with:\n\n    ssh -p %s %s join %s --name YOUR-NAME\n\n", port, host, founder)
		fmt.Fprintln(out, "polis: this founder code works once; a restart before it is used replaces it.")
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Proposals close by an event the hub emits at their deadline.
	dctx, stopDeadlines := context.WithCancel(ctx)
	defer stopDeadlines()
	go hub.RunDeadlines(dctx, time.Second)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case s := <-sig:
		fmt.Fprintf(out, "polis: %v: shutting down\n", s)
	case err := <-errc:
		if err != nil && !errors.Is(err, charmssh.ErrServerClosed) {
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	return st.Close()
}

type adminKey struct{ key, name, where string }

// adminKeyLines reads authorized_keys files and the environment variable's
// lines; blank lines and # comments are skipped, any other bad line is an
// error naming where it came from.
func adminKeyLines(files []string, env string) ([]adminKey, error) {
	var out []adminKey
	add := func(where string, text string) error {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			canon, _, comment, err := state.ParseKey(line)
			if err != nil {
				return fmt.Errorf("%s line %d: %w", where, n, err)
			}
			name := comment
			if i := strings.IndexByte(name, '@'); i > 0 {
				name = name[:i]
			}
			out = append(out, adminKey{key: canon, name: name, where: fmt.Sprintf("%s line %d", where, n)})
		}
		return sc.Err()
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--admin-key: %w", err)
		}
		if err := add(f, string(b)); err != nil {
			return nil, err
		}
	}
	if err := add("POLIS_INITIAL_ADMIN_KEYS", env); err != nil {
		return nil, err
	}
	return out, nil
}

// hostKeyFingerprint is what members' ssh clients will show on first
// connect, so the steward can tell them out of band.
func hostKeyFingerprint(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	k, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return "", err
	}
	return gossh.FingerprintSHA256(k.PublicKey()), nil
}
