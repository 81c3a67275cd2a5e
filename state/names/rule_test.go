package names

import (
	"strings"
	"testing"
)

func TestCheckRefusesInvisibleAndZalgo(t *testing.T) {
	var zalgo strings.Builder
	zalgo.WriteString("a")
	for r := rune(0x300); r < 0x300+38; r++ {
		zalgo.WriteRune(r)
	}
	for _, c := range []struct{ name, in, want string }{
		{"hangul filler", "\u3164", "invisible character (U+3164)"},
		{"hangul filler after a name", "alice\u3164", "invisible character (U+3164)"},
		{"choseong filler", "\u115F", "invisible character (U+115F)"},
		{"jungseong filler", "\u1160bob", "invisible character (U+1160)"},
		{"halfwidth hangul filler", "\uFFA0", "invisible character (U+FFA0)"},
		{"braille blank", "bob\u2800", "invisible character (U+2800)"},
		{"null notehead", "\U0001D159x", "invisible character (U+1D159)"},
		{"zero width space", "al\u200Bice", "invisible character (U+200B)"},
		{"soft hyphen", "al\u00ADice", "invisible character (U+00AD)"},
		{"tag letter", "bob\U000E0041", "invisible character (U+E0041)"},
		{"lone joiner", "\u200D", "joins nothing"},
		{"joiner inside a word", "al\u200Dice", "joins nothing"},
		{"joiner after the last emoji", "bob 🦊\u200D", "joins nothing"},
		{"joiner between emoji and letter", "🦊\u200Dbob", "joins nothing"},
		{"variation selector on a letter", "alice\uFE0F", "variation selector (U+FE0F)"},
		{"38 combining marks", zalgo.String(), "more than 4 combining marks"},
		{"five acute accents", "e\u0301\u0301\u0301\u0301\u0301", "more than 4 combining marks"},
		{"mark first", "\u0301bob", "combining mark (U+0301) with no character to sit on"},
		{"mark on a space", "bob \u0301x", "combining mark (U+0301) with no character to sit on"},
		{"no letter", "...", "at least one letter or digit"},
		{"emoji only", "🦊", "at least one letter or digit"},
		{"no-break space", "bob\u00A0lee", "other than the ordinary space (U+00A0)"},
		{"ideographic space", "bob\u3000lee", "other than the ordinary space (U+3000)"},
		{"line separator", "bob\u2028lee", "other than the ordinary space (U+2028)"},
		{"leading space", " bob", "leading or trailing spaces"},
		{"trailing space", "bob ", "leading or trailing spaces"},
		{"two spaces", "bob  lee", "two spaces in a row"},
		{"private use", "bob\uE000", "private-use character (U+E000)"},
		{"control", "bob\x1b[31m", "control, formatting or private-use character (U+001B)"},
		{"bidi override", "bob\u202Eeci", "invisible character (U+202E)"},
		{"replacement character", "bob\uFFFD", "U+FFFD"},
		{"invalid UTF-8", "bob\xff", "not valid UTF-8"},
		{"Unicode 16.0 letter", "\uA7CB", "U+A7CB, which is not a character of Unicode 13.0"},
		{"Unicode 14.0 letter", "\uA7C0la", "U+A7C0, which is not a character of Unicode 13.0"},
		{"Unicode 15.0 emoji", "bob \U0001FAE8", "U+1FAE8, which is not a character of Unicode 13.0"},
		{"unassigned", "bob\U0003FFFF", "U+3FFFF"},
	} {
		err := Check(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Check(%+q) = %v, want an error containing %q", c.name, c.in, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "name ")) {
			t.Errorf("%s: error %q is not one line about the name", c.name, err)
		}
	}
}

func TestCheckAcceptsNamesInManyScripts(t *testing.T) {
	for _, in := range []string{
		"Alice", "O'Brien", "O’Brien", "d'Artagnan", "Jean-Luc Picard", "Mary Ann", "X Æ A-12",
		"José", "Jose\u0301", "Zoë", "Łukasz", "Ñandú", "Søren", "Nguyễn Thị Ánh", "Ḥusayn",
		"张伟", "李小龍", "山田 太郎", "やまだ", "김민준", "محمد", "عبد الله", "فاطمة",
		"देवनागरी", "अर्जुन", "क्षत्रिय", "தமிழ்", "বাংলা", "ශ්‍රී ලංකා", "ศรีสุข", "ກາງ",
		"Сергей", "Ελένη", "Ἀλέξανδρος", "Գևորգ", "ნინო", "שָׁלוֹם", "אברהם", "བསྒྲུབས",
		"ᐃᓄᒃᑎᑐᑦ", "Ꭰ", "ꭰ", "İlkay", "Straße", "Kelvin",
		"Ana 🌻", "👩🏽‍💻 Dev", "❤️ Ana", "Bo 🏳️‍🌈", "1️⃣ Ann", "🇵🇹 Rui", "bob2", "7",
	} {
		if err := Check(in); err != nil {
			t.Errorf("Check(%q) = %v, want nil", in, err)
		}
	}
}

func clash(a, b string) bool {
	for _, x := range Keys(a) {
		for _, y := range Keys(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

func TestKeysClash(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"alice", "аlice", true}, // Cyrillic а
		{"alice", "ALICE", true},
		{"alice", "Alice", true},
		{"alice", "aIice", true}, // capital I
		{"alice", "a1ice", true},
		{"Bill", "BiII", true},
		{"Ian", "lan", true},
		{"paypal", "раураl", true}, // Cyrillic р а у а
		{"José", "Jose\u0301", true},
		{"Straße", "STRASSE", true},
		{"Kelvin", "\u212Aelvin", true}, // Kelvin sign
		{"Ελένη", "ΕΛΈΝΗ", true},
		{"modem", "rnodern", true},
		{"bob", "b0b", true}, // 0's prototype is O, which folds to o
		{"BOB", "b0b", true},
		{"alice", "alicia", false},
		{"Ann", "Anna", false},
		{"李", "季", false},
		{"Ana 🌻", "Ana 🌼", false},
	} {
		if got := clash(c.a, c.b); got != c.want {
			t.Errorf("clash(%q, %q) = %v, want %v (keys %q and %q)", c.a, c.b, got, c.want, Keys(c.a), Keys(c.b))
		}
	}
}
