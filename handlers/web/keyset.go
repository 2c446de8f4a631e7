package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/models"
	"guichet/views"
)

// Keyset names the query parameters that carry a list's page position:
// after the last row shown ("next"), or before the first ("previous").
// Lists of demands are paged by keyset, never by OFFSET, so that a deep
// page costs what the first does.
type Keyset struct{ After, Before string }

// ListKeyset is the back-office lists' page position.
var ListKeyset = Keyset{After: "apres", Before: "avant"}

// Cursor reads the page position of the URL; nil is the first page, false
// a position that does not parse (see BadCursor).
func (k Keyset) Cursor(c *gin.Context) (*models.Cursor, bool) {
	if s := c.Query(k.Before); s != "" {
		return parseCursor(s, true)
	}
	if s := c.Query(k.After); s != "" {
		return parseCursor(s, false)
	}
	return nil, true
}

// Keep copies the page position of the URL into v.
func (k Keyset) Keep(c *gin.Context, v url.Values) {
	for _, name := range []string{k.After, k.Before} {
		if s := c.Query(name); s != "" {
			v.Set(name, s)
		}
	}
}

// Links are the page's links to its neighbours and to the first page, from
// the rows models.ListDemands returned for cur (more: rows past the far
// end). link gives the list's address with edit applied to its query
// (without a page position; edit nil: the first page).
func (k Keyset) Links(rows []models.DemandRow, cur *models.Cursor, more bool, link func(edit func(url.Values)) string) views.PageLinks {
	return PageLinks(k, rows, cur, more, link)
}

// Keyed is a row of a list paged by keyset: its sort value and id.
type Keyed interface{ Key() (string, int64) }

// PageLinks is Keyset.Links for rows of any list.
func PageLinks[R Keyed](k Keyset, rows []R, cur *models.Cursor, more bool, link func(edit func(url.Values)) string) views.PageLinks {
	var p views.PageLinks
	// "next" starts after the page's last row, "previous" ends before its
	// first; a page reached backwards always has a next one.
	if len(rows) > 0 {
		firstKey, firstID := rows[0].Key()
		lastKey, lastID := rows[len(rows)-1].Key()
		backwards := cur != nil && cur.Before
		if more || backwards {
			p.Next = link(func(v url.Values) { v.Set(k.After, EncodeCursor(lastKey, lastID)) })
		}
		if (backwards && more) || (!backwards && cur != nil) {
			p.Prev = link(func(v url.Values) { v.Set(k.Before, EncodeCursor(firstKey, firstID)) })
		}
	}
	if cur != nil {
		p.First = link(nil)
	}
	return p
}

// EncodeCursor writes a page position for the URL.
func EncodeCursor(key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key)) + "." + strconv.FormatInt(id, 10)
}

// parseCursor reads a page position as EncodeCursor wrote it; false: it is
// not one (a key PostgreSQL cannot hold as text is not one either).
func parseCursor(s string, before bool) (*models.Cursor, bool) {
	k, id, _ := strings.Cut(s, ".")
	key, err1 := base64.RawURLEncoding.DecodeString(k)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 || !forms.Storable(string(key)) {
		return nil, false
	}
	return &models.Cursor{Key: string(key), ID: n, Before: before}, true
}

// BadCursor answers a page position that does not parse, or that does not
// fit the list's sort (models.ErrBadCursor), with a link to the list's
// first page, filters kept.
func (s *Base) BadCursor(c *gin.Context, first string) {
	p := s.Page(c, "Page introuvable")
	p.Data = views.ErrorData{Title: p.Title, Message: "Cette page de la liste n'existe pas : le lien de pagination est incomplet ou a été modifié.",
		BackURL: first, BackLabel: "Revenir à la première page de la liste"}
	s.Render(c, http.StatusBadRequest, "error", p)
}

// BadCursorError is a list's page position that does not parse, and the
// list's first page.
type BadCursorError struct{ First string }

func (e *BadCursorError) Error() string { return "bad page position" }

const PageSize = 50
