// Package zones resolves IANA time zone names from a pinned copy of the
// time zone database: zoneinfo.zip in this directory, the archive Go 1.26.8
// ships in $GOROOT/lib/time, built from IANA tzdata release 2025c. It never
// reads the system's zoneinfo, $ZONEINFO or the toolchain's time/tzdata, so
// which zone names a space may use (checked by Apply) and which calendar
// day it is in a zone (checked when booking) do not depend on the machine.
//
// Updating it: copy a newer lib/time/zoneinfo.zip, change TZDataVersion,
// the digest in zones_test.go and docs/events.md together. A release that
// removes a zone name changes which events Apply accepts.
package zones

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// TZDataVersion is the IANA tzdata release zoneinfo.zip was built from.
const TZDataVersion = "2025c"

//go:embed zoneinfo.zip
var archive []byte

var index = sync.OnceValue(func() map[string]*zip.File {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		panic("zones: embedded zoneinfo.zip: " + err.Error())
	}
	m := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		m[f.Name] = f
	}
	return m
})

var (
	mu     sync.Mutex
	loaded = map[string]*time.Location{}
)

// Valid reports whether name is a zone (or link) of the pinned database,
// such as "Europe/Lisbon" or "UTC". "" and "Local" are not.
func Valid(name string) bool { _, ok := index()[name]; return ok }

// Load returns the zone's rules from the pinned database.
func Load(name string) (*time.Location, error) {
	mu.Lock()
	defer mu.Unlock()
	if loc, ok := loaded[name]; ok {
		return loc, nil
	}
	f, ok := index()[name]
	if !ok {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocationFromTZData(name, b)
	if err != nil {
		return nil, err
	}
	loaded[name] = loc
	return loc, nil
}

// Names lists every zone name, sorted.
func Names() []string {
	var out []string
	for n := range index() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
