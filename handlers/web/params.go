package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// IDParam reads a numeric path parameter; anything else is 0, which finds nothing.
func IDParam(c *gin.Context, name string) int64 {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// DayRange reads the days of a list's filter "du" and "au" (yyyy-mm-dd, in
// Paris) as [from, to): to is the end of its day. A bad day goes in errs.
func DayRange(from, to string, errs map[string]string) (*time.Time, *time.Time) {
	day := func(field, s string, next int) *time.Time {
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, Paris)
		if err != nil {
			errs[field] = "Date invalide : utilisez le format jj/mm/aaaa."
			return nil
		}
		t = t.AddDate(0, 0, next)
		return &t
	}
	f, t := day("du", from, 0), day("au", to, 1)
	if f != nil && t != nil && !t.After(*f) {
		errs["au"] = "La date de fin doit suivre la date de début."
		t = nil
	}
	return f, t
}
