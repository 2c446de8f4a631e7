package views

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// StaticPrefix is the URL path Static must be mounted at, e.g. with gin:
// engine.GET(views.StaticPrefix+"*filepath", gin.WrapH(views.Static())).
const StaticPrefix = "/static/"

//go:embed static
var staticFS embed.FS

type asset struct {
	data []byte
	hash string
}

// assets maps a path under static/ to its content, read once: the embedded
// files cannot change while the program runs.
var assets = loadAssets()

func loadAssets() map[string]asset {
	m := map[string]asset{}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticFS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(path, "static/")] = asset{data: b, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		// Only a broken build can get here: the files are embedded.
		panic(fmt.Sprintf("views: reading embedded static files: %v", err))
	}
	return m
}

// assetURL is the template func "asset": the file's URL with a content hash,
// so that it can be cached for a year and still change on each release.
func assetURL(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", fmt.Errorf("views: unknown asset %q", name)
	}
	return StaticPrefix + name + "?v=" + a.hash, nil
}

// Static serves the embedded static files under StaticPrefix. A URL carrying
// the current content hash is cached for a year; any other is revalidated, so
// a stale or missing ?v= never pins an old file in caches.
func Static() http.Handler {
	return http.StripPrefix(StaticPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if r.URL.Query().Get("v") == a.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		h.Set("ETag", `"`+a.hash+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, r.URL.Path, time.Time{}, bytes.NewReader(a.data))
	}))
}
