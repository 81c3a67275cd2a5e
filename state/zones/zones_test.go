package zones

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

func TestValid(t *testing.T) {
	for _, n := range []string{"UTC", "Europe/Lisbon", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Pacific"} {
		if !Valid(n) {
			t.Errorf("Valid(%q) = false", n)
		}
	}
	for _, n := range []string{"", "Local", "utc", "europe/lisbon", "Europe/Atlantis", "../etc/passwd", "/etc/localtime", "Europe/", "Europe"} {
		if Valid(n) {
			t.Errorf("Valid(%q) = true", n)
		}
		if _, err := Load(n); err == nil {
			t.Errorf("Load(%q) succeeded", n)
		}
	}
}

// The rules come from the pinned archive: offsets, past and present, of
// zones whose rules changed, checked against the IANA history.
func TestRules(t *testing.T) {
	for _, c := range []struct {
		zone string
		at   time.Time
		off  int // seconds east of UTC
	}{
		{"Europe/Lisbon", time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 0},
		{"Europe/Lisbon", time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), 3600},
		{"Asia/Kolkata", time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), 19800},
		{"Pacific/Chatham", time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 13*3600 + 45*60},
		{"America/Sao_Paulo", time.Date(2018, 12, 15, 12, 0, 0, 0, time.UTC), -2 * 3600},    // last DST summer
		{"America/Sao_Paulo", time.Date(2019, 12, 15, 12, 0, 0, 0, time.UTC), -3 * 3600},    // DST abolished 2019
		{"Europe/Kyiv", time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), 2 * 3600},            // name added in 2022b
		{"America/Ciudad_Juarez", time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), -7 * 3600}, // zone added in 2022g
	} {
		loc, err := Load(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		if _, off := c.at.In(loc).Zone(); off != c.off {
			t.Errorf("%s at %s: offset %d, want %d", c.zone, c.at.Format(time.RFC3339), off, c.off)
		}
	}
}

// The archive is the one docs/events.md names; replacing it is a format
// change (a removed zone name would refuse an old space.added).
func TestArchiveIsPinned(t *testing.T) {
	const want = "8f55634d05f8bca1f7bc7c69c5933428c69357e0bdf565e5ba224e3f88ff12e8"
	sum := sha256.Sum256(archive)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("zoneinfo.zip sha256 = %s, want %s", got, want)
	}
	if n := len(Names()); n != 598 {
		t.Fatalf("%d zone names, want 598", n)
	}
}
