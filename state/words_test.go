package state

import (
	"strings"
	"testing"
)

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 beds", 1: "1 bed", 2: "2 beds"} {
		if got := Plural(n, "bed", "beds"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// The signed dossier reads as English at a count of one.
func TestDossierSingulars(t *testing.T) {
	d := Dossier{Hub: "Casa", Governance: GovRecord{Decided: 1, Delegating: 1},
		Census:   CensusFigures{Beds: 1},
		Spaces:   []SpaceRecord{{Name: "Loft", City: "Lisbon", Country: "PT", Beds: 1}},
		Disputes: DisputeRecord{Filed: 1}}
	md := d.Markdown()
	for _, want := range []string{"1 proposal decided", "1 member delegates their vote", "Loft, Lisbon, PT: 1 bed\n", "(1 bed)", "1 case filed"} {
		if !strings.Contains(md, want) {
			t.Errorf("dossier lacks %q:\n%s", want, md)
		}
	}
	for _, bad := range []string{"1 proposals", "1 beds", "1 cases", "1 members"} {
		if strings.Contains(md, bad) {
			t.Errorf("dossier says %q", bad)
		}
	}
}
