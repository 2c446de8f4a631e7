#!/bin/sh
# Installs, only when missing, what the tests and the cluster run: from
# Debian's packages PostgreSQL's server binaries (every test), PgBouncer (the
# transaction-pooling tests and the cluster) and HAProxy (the cluster only);
# from its Go module SeaweedFS (the S3 store's tests).
# `make test` and `make cluster` run it first, so that a fresh machine needs
# nothing else. Safe to run again. Installing needs root.
#   scripts/install.sh test | cluster
set -eu

missing=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v pgbouncer >/dev/null 2>&1 || missing="$missing pgbouncer"
if [ "${1:-test}" = cluster ]; then
	command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
fi

# SeaweedFS's `weed`, the S3-compatible server the FILE_STORE=s3 tests run
# against (files/s3test): Debian's only S3 server is Ceph's radosgw, a whole
# Ceph cluster to stand up, so it is built from its Go module, at this
# version, into Go's bin directory (some minutes, the first time only).
weed_version=v0.0.0-20261109003541-7506e5f91cd6
weed="$(go env GOPATH)/bin/weed"
if [ "${1:-test}" = test ] && [ -z "${WEED:-}" ] && ! command -v weed >/dev/null 2>&1 && ! "$weed" version 2>/dev/null | grep -q .; then
	echo "scripts/install.sh: building SeaweedFS $weed_version into $weed"
	src=$(go mod download -json "github.com/seaweedfs/seaweedfs@$weed_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	# Built as the main module, in its own directory: its go.mod has
	# replace directives, which `go install pkg@version` refuses.
	(cd "$src" && go build -o "$weed" ./weed)
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/install.sh: missing$missing; as root: apt-get install -y$missing" >&2
	exit 1
fi
echo "scripts/install.sh: installing$missing"
apt-get update -qq
# PgBouncer's package starts its own service on 6432; the tests and the
# cluster start theirs on other ports, so it is left as Debian sets it.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
