// Package money parses and formats amounts as integers in minor units of an
// asset (cents, satoshis). There are no floats anywhere: "12.34" with two
// decimals is 1234, and "1e9999", "12.345" (three decimals for a
// two-decimal asset), "-5" and "abc" are errors with a clear message.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxMinor bounds any amount: 10^15 minor units (ten trillion dollars, or
// ten million bitcoin), far beyond a community treasury and far below the
// int64 limit, so sums of many amounts cannot overflow in practice.
const MaxMinor = 1_000_000_000_000_000

// Parse reads a positive decimal amount with at most decimals fraction
// digits.
func Parse(s string, decimals int) (int64, error) {
	if decimals < 0 || decimals > 18 {
		return 0, fmt.Errorf("asset has %d decimals", decimals)
	}
	shown := s
	if len(shown) > 24 {
		shown = shown[:24] + "…"
	}
	if s == "" {
		return 0, fmt.Errorf("amount is empty")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if !digits(whole) || (hasDot && !digits(frac)) {
		return 0, fmt.Errorf("amount %q is not a plain decimal number like 250.00", shown)
	}
	if len(frac) > decimals {
		return 0, fmt.Errorf("amount %q has %d decimals; this asset has %d", shown, len(frac), decimals)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 16 {
		return 0, fmt.Errorf("amount %q is too large", shown)
	}
	var n int64
	if whole != "" {
		var err error
		if n, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, fmt.Errorf("amount %q is too large", shown)
		}
	}
	for i := 0; i < decimals; i++ {
		if n > MaxMinor {
			return 0, fmt.Errorf("amount %q is too large", shown)
		}
		n *= 10
		if i < len(frac) {
			n += int64(frac[i] - '0')
		}
	}
	if n <= 0 {
		return 0, fmt.Errorf("amount must be more than zero")
	}
	if n > MaxMinor {
		return 0, fmt.Errorf("amount %q is too large", shown)
	}
	return n, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes minor units with the asset's decimals: Format(1234, 2) is
// "12.34", Format(-5, 2) is "-0.05".
func Format(n int64, decimals int) string {
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	if decimals <= 0 {
		return sign + s
	}
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	return sign + s[:len(s)-decimals] + "." + s[len(s)-decimals:]
}
