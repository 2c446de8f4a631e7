#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for FUZZTIME each (go test can
# fuzz only one target of one package at a time). `make test` runs them
# briefly; `make fuzz` at length. A crasher is kept in the package's
# testdata/fuzz and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
GO=${GO:-go}
targets=$(git ls-files '*_test.go' | xargs grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func / /')
if [ -z "$targets" ]; then
  echo "fuzz: no fuzz target"
  exit 0
fi
while read -r file name; do
  pkg=./$(dirname "$file")
  echo "fuzz: $name in $pkg for $fuzztime"
  $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/fuzz.$$.log 2>&1 || { cat /tmp/fuzz.$$.log; rm -f /tmp/fuzz.$$.log; exit 1; }
done <<<"$targets"
rm -f /tmp/fuzz.$$.log
