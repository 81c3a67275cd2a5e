package state

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// idKey is prefix + id as %012d. (Hot in apply, hence not fmt.)
func idKey(prefix string, id uint64) string {
	b := make([]byte, 0, len(prefix)+20)
	return string(appendPadded(append(b, prefix...), id, 12))
}

// appendPadded appends n in decimal, zero-padded to width digits, as %0*d.
func appendPadded(b []byte, n uint64, width int) []byte {
	var buf [20]byte
	d := strconv.AppendUint(buf[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// getJSON reads and decodes a state value. State values are written only by
// apply, so a value that fails to decode means the store is corrupt.
func getJSON(r Reader, key string, v any) bool {
	if loadObj(r, key, v) {
		return true
	}
	b, ok := r.Get(key)
	if !ok {
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		panic(corruptError{key: key, err: err})
	}
	storeObj(r, key, v)
	return true
}

func putJSON(w Writer, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are stored
	}
	w.Set(key, normalizeLists(b))
	storeObj(w, key, v)
}

type corruptError struct {
	key string
	err error
}

func (e corruptError) Error() string {
	return fmt.Sprintf("state value %s is corrupt: %v", e.key, e.err)
}

// nextID is the next free ID of a kind; IDs start at 1.
func nextID(r Reader, kind string) uint64 {
	b, ok := r.Get(prefixNext + kind)
	if !ok {
		return 1
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: prefixNext + kind, err: err})
	}
	return n
}

// useID records that id of kind is taken.
func useID(w Writer, kind string, id uint64) {
	if id >= nextID(w, kind) {
		w.Set(prefixNext+kind, []byte(strconv.FormatUint(id+1, 10)))
	}
}

func sortStrings(s []string) { sort.Strings(s) }
