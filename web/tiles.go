package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/polis-hub/polis/state"
)

// tile serves C2SP tlog-tiles: /checkpoint and /tile/..., the bytes
// `ssh HUB chain tile PATH` writes, read by state.Hub.LogTile for a
// visitor. The hash tiles are public; the entry bundles are the log's own
// bytes, members' only, so the site (whose every reader is a visitor)
// refuses them and says where members get them.
func (s *Site) tile(w http.ResponseWriter, r *http.Request) {
	path := state.TileCheckpoint
	if r.URL.Path != "/checkpoint" {
		path = "tile/" + r.PathValue("path")
	}
	b, immutable, err := s.hub.LogTile(path, visitor)
	h := w.Header()
	switch {
	case errors.Is(err, state.ErrLogMembersOnly):
		h.Set("Cache-Control", "no-store")
		http.Error(w, err.Error()+" (members: ssh HUB chain tile "+path+")", http.StatusForbidden)
		return
	case errors.Is(err, state.ErrNotFound):
		h.Set("Cache-Control", "no-store")
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	switch {
	case path == state.TileCheckpoint:
		// Mutable: the spec asks that it not be cached beyond seconds.
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
	case immutable:
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		// A partial tile's bytes never change either (its width is in
		// its path); a client that wants the wider one asks for it.
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Cache-Control", "public, max-age=3600")
	}
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}
