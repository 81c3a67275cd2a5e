package countries

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"testing"
)

func TestValid(t *testing.T) {
	for _, cc := range []string{"PT", "DE", "US", "JP", "BR", "ZA", "XK", "SS", "CW", "AQ", "PS", "TW"} {
		if !Valid(cc) {
			t.Errorf("Valid(%q) = false", cc)
		}
	}
	// Withdrawn, reserved, macro-regions, lower case and other shapes.
	for _, cc := range []string{"", "pt", "Pt", "PRT", "P", "UK", "EU", "UN", "SU", "YU", "ZR", "AN", "QO", "ZZ", "XX", "001", "P\u0422", "#"} {
		if Valid(cc) {
			t.Errorf("Valid(%q) = true", cc)
		}
	}
}

func TestListIsPinned(t *testing.T) {
	codes := Codes()
	if len(codes) != 250 || !sort.StringsAreSorted(codes) {
		t.Fatalf("%d codes, sorted %v; want 250 sorted", len(codes), sort.StringsAreSorted(codes))
	}
	for _, c := range codes {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			t.Fatalf("code %q is not two capital letters", c)
		}
	}
	// Changing the list changes which events Apply accepts: bump Version
	// and docs/events.md with this digest.
	const want = "6de1e983c030bb13fc2e47ce74a7ca51a97f7a48d0b16e776677010e4ee2cf56"
	sum := sha256.Sum256([]byte(data))
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("iso3166-1.txt sha256 = %s, want %s", got, want)
	}
}
