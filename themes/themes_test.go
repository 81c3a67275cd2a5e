package themes

import (
	"slices"
	"testing"
)

func TestNamesAndGet(t *testing.T) {
	names := Names()
	for _, want := range []string{"dark", "light"} {
		if !slices.Contains(names, want) {
			t.Fatalf("Names() = %v, missing %q", names, want)
		}
	}
	if names[0] != Default {
		t.Fatalf("first theme %q, want the default %q", names[0], Default)
	}
	for _, n := range names {
		th, ok := Lookup(n)
		if !ok || th.Name != n {
			t.Fatalf("Lookup(%q) = %q, %v", n, th.Name, ok)
		}
		if Describe(n) == "" {
			t.Fatalf("theme %q has no description", n)
		}
		if th.Heading.Render("x") == "" {
			t.Fatalf("theme %q renders nothing", n)
		}
	}
	if got := Get("no-such-theme").Name; got != Default {
		t.Fatalf("Get(unknown) = %q, want %q", got, Default)
	}
	if _, ok := Lookup("no-such-theme"); ok {
		t.Fatal("Lookup(unknown) reported ok")
	}
	if !Get("mono").Mono || Get("dark").Mono {
		t.Fatal("only mono is mono")
	}
}
