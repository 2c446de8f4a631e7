package migrations

// ChainHistory is the Go migration that chains the entries written before
// the history was chained, for its test.
var ChainHistory = chainHistory

// RelinkHistory is the Go migration that relinks every chain in the next
// format, for its test.
var RelinkHistory = relinkHistory

// SQL is the text of an SQL migration, to run again on a test's data.
func SQL(name string) (string, error) {
	b, err := sqlFiles.ReadFile(name)
	return string(b), err
}
