package main

import (
	"testing"

	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
