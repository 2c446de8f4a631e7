package web

import (
	"strconv"

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
