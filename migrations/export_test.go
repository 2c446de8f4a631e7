package migrations

// ChainHistory is the Go migration that chains the entries written before
// the history was chained, for its test.
var ChainHistory = chainHistory
