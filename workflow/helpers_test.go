package workflow_test

import (
	"testing"

	"github.com/uptrace/bun"

	"guichet/testdb"
)

func testdbNew(t testing.TB) *bun.DB { return testdb.New(t) }
