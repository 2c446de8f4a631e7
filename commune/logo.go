package commune

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/image/draw"

	"guichet/apperr"
	"guichet/files"
	"guichet/models"
)

// Logo limits: the file the admin sends, the image it holds (checked from
// its header before it is decoded, so that a small file announcing a huge
// image is refused before it takes the memory), and the box the logo is
// fitted into, proportions kept.
const (
	MaxLogoBytes  = 2_000_000
	MaxLogoSide   = 2500
	LogoBoxWidth  = 400
	LogoBoxHeight = 160
)

// LogoField is the logo's form field.
const LogoField = "logo"

// LogoTooLarge refuses a file over MaxLogoBytes.
var LogoTooLarge = fmt.Sprintf("Ce fichier est trop volumineux pour un logo : %d\u00a0Mo au plus.", MaxLogoBytes/1_000_000)

func logoRefusal(format string, args ...any) error {
	return apperr.Field(LogoField, fmt.Sprintf(format, args...))
}

// SaveLogo makes data (a whole file, at most MaxLogoBytes, as the admin
// sent it) the commune's logo: its type sniffed from its content (PNG or
// JPEG only), its dimensions checked, decoded, fitted into the logo box
// and re-encoded as PNG, so that nothing of the bytes sent is ever served.
func SaveLogo(ctx context.Context, db bun.IDB, c *models.Commune, data []byte, now time.Time) error {
	if len(data) > MaxLogoBytes {
		return apperr.Field(LogoField, LogoTooLarge)
	}
	kind, err := files.Sniff(data[:min(len(data), files.SniffLen)])
	if err != nil || (kind.MIME != "image/png" && kind.MIME != "image/jpeg") {
		return logoRefusal("Ce fichier n'est pas une image PNG ou JPEG : enregistrez le logo dans l'un de ces formats.")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return logoRefusal("Cette image n'a pas pu être lue : elle est peut-être abîmée. Enregistrez-la à nouveau en PNG ou en JPEG.")
	}
	if cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return logoRefusal("Cette image mesure %d × %d pixels : un logo en fait %d au plus de côté. Réduisez-la, le logo affiché tient dans %d × %d pixels.",
			cfg.Width, cfg.Height, MaxLogoSide, LogoBoxWidth, LogoBoxHeight)
	}
	decode := png.Decode
	if kind.MIME == "image/jpeg" {
		decode = jpeg.Decode
	}
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return logoRefusal("Cette image n'a pas pu être lue : elle est peut-être abîmée. Enregistrez-la à nouveau en PNG ou en JPEG.")
	}
	var out bytes.Buffer
	if err := png.Encode(&out, fit(src, LogoBoxWidth, LogoBoxHeight)); err != nil {
		return err
	}
	sum := sha256.Sum256(out.Bytes())
	l := &models.CommuneLogo{PNG: out.Bytes(), SHA256: hex.EncodeToString(sum[:]), UpdatedAt: now}
	if err := models.SetCommuneLogo(ctx, db, c.ID, l); err != nil {
		return err
	}
	c.LogoSHA256 = l.SHA256
	return nil
}

// RemoveLogo leaves the commune without a logo.
func RemoveLogo(ctx context.Context, db bun.IDB, c *models.Commune) error {
	if err := models.SetCommuneLogo(ctx, db, c.ID, nil); err != nil {
		return err
	}
	c.LogoSHA256 = ""
	return nil
}

// fit draws src into the largest size that fits w × h with its
// proportions, never enlarged.
func fit(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := sw, sh
	if dw > w {
		dw, dh = w, max(1, sh*w/sw)
	}
	if dh > h {
		dw, dh = max(1, sw*h/sh), h
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}
