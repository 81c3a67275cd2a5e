package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/polis-hub/polis/witness"
)

// addCheckpoint is C2SP tlog-witness's add-checkpoint over HTTP, for the
// public witness network's logs and clients: the same call as `ssh HUB
// witness add-checkpoint`, answered by the same witness, with the spec's
// own statuses.
func (s *Site) addCheckpoint(w http.ResponseWriter, r *http.Request) {
	wit := s.hub.Witness()
	if wit == nil {
		http.Error(w, "this hub runs no witness", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, witness.MaxRequest+1))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	lines, err := wit.AddCheckpoint(body)
	var we *witness.Error
	switch {
	case errors.As(err, &we):
		if we.Status == witness.StatusConflict {
			w.Header().Set("Content-Type", "text/x.tlog.size")
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte(strconv.FormatInt(we.Latest, 10) + "\n"))
			return
		}
		http.Error(w, we.Msg, we.Status)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(lines)
}
