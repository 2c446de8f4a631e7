# Guichet: `make run` serves the product, `make test` runs every test.
# Neither needs anything started by hand: without DATABASE_URL, Guichet starts
# its own PostgreSQL from the system's binaries.

GO ?= go
BIN := bin/guichet

.PHONY: build run test fuzz vet fmt bench bench-scale e2e clean cluster cluster-stop cluster-status e2e-cluster cluster-faults cluster-bench

build:
	$(GO) build -o $(BIN) ./cmd/guichet

# Development instance on http://127.0.0.1:$${PORT:-8080}, data kept in ./var.
run: build
	GUICHET_ENV=$${GUICHET_ENV:-development} ./$(BIN) serve

test:
	@scripts/install.sh test
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	GO=$(GO) FUZZTIME=$${FUZZTIME:-3s} scripts/fuzz.sh

# Every fuzz target at length (FUZZTIME each, default two minutes).
fuzz:
	GO=$(GO) FUZZTIME=$${FUZZTIME:-2m} scripts/fuzz.sh

# Browser tests: Debian's Chromium (playwright-core), axe-core and the Nu Html
# Checker against a fresh instance on a free port with its own database; see
# e2e/README.md. `e2e/install.sh` installs what they need on a new machine.
# One file: make e2e E2E=tests/case_a.test.mjs
e2e: build
	@test -d e2e/node_modules || { echo "e2e/node_modules is missing: run e2e/install.sh"; exit 1; }
	cd e2e && node run.mjs $(E2E)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Measures at the scale of a large platform (docs/PERFORMANCE.md): each size
# gets its own PostgreSQL in var/bench-N (git-ignored), seeded once (the
# million takes about two minutes and 3 GB), then measured.
BENCH_SIZES ?= 10000 100000 1000000
bench-scale: build
	@for n in $(BENCH_SIZES); do \
	  test -f var/bench-$$n/seeded || { DATA_DIR=var/bench-$$n ./$(BIN) bench seed -demands $$n && touch var/bench-$$n/seeded; } || exit 1; \
	  DATA_DIR=var/bench-$$n ./$(BIN) bench run $(BENCH_FLAGS) || exit 1; \
	done

# A cluster on loopback (docs/SCALING.md): a PostgreSQL primary and its
# streaming replica, PgBouncer (transaction pooling), three `guichet serve`
# and HAProxy on http://127.0.0.1:17080, in var/cluster. Debian's pgbouncer
# and haproxy are installed first when missing (scripts/install.sh).
cluster: build
	@scripts/install.sh cluster
	scripts/cluster.sh start

cluster-stop:
	scripts/cluster.sh stop

cluster-status:
	scripts/cluster.sh status

# The browser tests through the cluster's HAProxy (make cluster first).
e2e-cluster: build
	@test -f var/cluster/env || { echo "no cluster: run make cluster"; exit 1; }
	set -a && . var/cluster/env && set +a && cd e2e && node run.mjs $(E2E)

# A journey through the cluster while a server is killed, the replica
# stopped and PgBouncer restarted; then the cluster's cost against direct.
cluster-faults: build
	set -a && . var/cluster/env && set +a && ./$(BIN) bench faults

cluster-bench: build
	set -a && . var/cluster/env && set +a && ./$(BIN) bench cluster

clean:
	rm -rf bin
