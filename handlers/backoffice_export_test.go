package handlers

// EncodeCursor lets the benchmarks jump deep into a list, as a "next" link would.
var EncodeCursor = encodeCursor
