#!/bin/sh
# Installs, from Debian's packages and only when missing, what the tests and
# the cluster run: PostgreSQL's server binaries (every test), PgBouncer (the
# transaction-pooling tests and the cluster) and HAProxy (the cluster only).
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
