package wcag

import (
	"math"
	"testing"
)

// TestContrast checks the ratio against pairs whose ratio is published
// (WebAIM's contrast checker, the WCAG's own examples).
func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey AA allows on white
		{"#777777", "#ffffff", 4.48}, // one step lighter: refused
		{"#0000ff", "#ffffff", 8.59},
		{"#ff0000", "#ffffff", 4.00}, // WebAIM rounds 3.998 to 4:1
		{"#ffffff", "#595959", 7.0},
	} {
		a, ok1 := ParseHex(tc.a)
		b, ok2 := ParseHex(tc.b)
		if !ok1 || !ok2 {
			t.Fatalf("ParseHex(%q, %q) refused", tc.a, tc.b)
		}
		got := Contrast(a, b)
		if math.Abs(got-tc.want) > 0.005 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
		if back := Contrast(b, a); back != got {
			t.Errorf("Contrast is not symmetric for %s, %s: %v and %v", tc.a, tc.b, got, back)
		}
	}
}

func TestParseHex(t *testing.T) {
	for _, s := range []string{"", "1f4e8c", "#1f4e8", "#1f4e8cc", "#gggggg", "red", " #1f4e8c"} {
		if _, ok := ParseHex(s); ok {
			t.Errorf("ParseHex(%q) accepted", s)
		}
	}
	if c, ok := ParseHex("#1F4e8c"); !ok || c.R != 0x1f || c.G != 0x4e || c.B != 0x8c || c.A != 0xff {
		t.Errorf("ParseHex(#1F4e8c) = %v, %v", c, ok)
	}
}
