package routing_test

import (
	"testing"

	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
