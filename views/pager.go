package views

import (
	"fmt"
	"net/url"
	"strconv"
)

// pager is what the "pagination" partial renders, built by newPager.
type pager struct {
	Prev  string // href of the previous page, empty on the first
	Next  string // href of the next page, empty on the last
	Items []pageItem
}

type pageItem struct {
	Number  int
	Href    string
	Current bool
	Gap     bool // stands for skipped pages
}

// newPager reads the "pagination" partial's dict: "page" (current, from 1),
// "pages" (total), "url" (the list's URL with its filters) and optionally
// "param" (the query parameter, "page" by default). It shows the first and
// last pages and those around the current one; a single page gives no items.
func newPager(d map[string]any) (pager, error) {
	page, ok1 := d["page"].(int)
	pages, ok2 := d["pages"].(int)
	raw, ok3 := d["url"].(string)
	if !ok1 || !ok2 || !ok3 {
		return pager{}, fmt.Errorf("pagination: want int page, int pages and string url, got %v", d)
	}
	param := "page"
	if p, ok := d["param"].(string); ok {
		param = p
	}
	u, err := url.Parse(raw)
	if err != nil {
		return pager{}, fmt.Errorf("pagination: %w", err)
	}
	href := func(n int) string {
		q := u.Query()
		if n == 1 {
			q.Del(param)
		} else {
			q.Set(param, strconv.Itoa(n))
		}
		v := *u
		v.RawQuery = q.Encode()
		return v.String()
	}

	var p pager
	if pages <= 1 {
		return p, nil
	}
	for n := 1; n <= pages; n++ {
		switch {
		case n == 1 || n == pages || (n >= page-1 && n <= page+1):
			p.Items = append(p.Items, pageItem{Number: n, Href: href(n), Current: n == page})
		case !p.Items[len(p.Items)-1].Gap:
			p.Items = append(p.Items, pageItem{Gap: true})
		}
	}
	if page > 1 {
		p.Prev = href(page - 1)
	}
	if page < pages {
		p.Next = href(page + 1)
	}
	return p, nil
}

// PageLinks are the links of a list paged by keyset (after the last row
// shown, before the first): what the "keyset_pagination" partial renders.
type PageLinks struct {
	First string // the first page, empty on it
	Prev  string // the previous page, empty on the first
	Next  string // the next page, empty on the last
}

// Count is a number of demands as a list states it: counts stop at
// models.CountCap, and More then says there are more than N.
type Count struct {
	N    int
	More bool
}

// String writes the count in French: "12", "plus de 1 000".
func (c Count) String() string {
	if c.More {
		return "plus de " + groupThousands(c.N)
	}
	return groupThousands(c.N)
}

// Plural tells whether the noun after the count takes an s.
func (c Count) Plural() bool { return c.N > 1 }

// groupThousands writes n with a narrow no-break space between groups of
// three digits, as French does.
func groupThousands(n int) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u202f" + s[i:]
	}
	return s
}
