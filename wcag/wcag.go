// Package wcag computes the contrast of two colours as WCAG 2 defines it:
// the one formula behind the refusal of a commune's accent colour and the
// choice of the text colour drawn on it.
package wcag

import (
	"image/color"
	"math"
	"regexp"
	"strconv"
)

// MinText is the least contrast of normal text with its background (WCAG
// 2.1, success criterion 1.4.3, level AA).
const MinText = 4.5

// White and Black are the two text colours drawn on an accent.
var (
	White = color.RGBA{0xff, 0xff, 0xff, 0xff}
	Black = color.RGBA{0, 0, 0, 0xff}
)

var hexRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ParseHex reads a colour written #rrggbb (either case).
func ParseHex(s string) (color.RGBA, bool) {
	if !hexRe.MatchString(s) {
		return color.RGBA{}, false
	}
	v, _ := strconv.ParseUint(s[1:], 16, 32)
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
}

// Contrast is the contrast ratio of a and b, from 1 (the same) to 21 (black
// on white): (L1 + 0.05) / (L2 + 0.05), L1 the lighter one's luminance.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
