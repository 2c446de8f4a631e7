#!/usr/bin/env bash
# A Guichet cluster on one machine, on loopback, for tests (docs/SCALING.md):
# a PostgreSQL primary and a streaming replica (pg_basebackup -R), Debian's
# PgBouncer in transaction pooling mode, three `guichet serve` and Debian's
# HAProxy in front, checking each server's /readyz.
#
#   scripts/cluster.sh start | stop | status | env
#   scripts/cluster.sh kill-serve N | start-serve N      (N = 1..3; kill is kill -9)
#   scripts/cluster.sh stop-replica | start-replica
#   scripts/cluster.sh restart-pgbouncer   (online: pgbouncer -R, no connection dropped)
#   scripts/cluster.sh kill-pgbouncer      (kill -9, then started again: a crash)
#   scripts/cluster.sh start-direct | stop-direct        (a serve on the primary, for the bench)
#   scripts/cluster.sh seed N                            (the bench's data: guichet bench seed)
#
# Everything lives in CLUSTER_DIR (default var/cluster, git-ignored); the
# ports are CLUSTER_PORT+… (default 17000: HAProxy 17080, servers 17081-17083,
# their metrics 17091-17093, HAProxy's stats 17089, the direct serve 17088,
# PostgreSQL 17432 and 17433, PgBouncer 17434). Authentication is trust on
# loopback: a test cluster, not a production set-up.
#
# The servers keep nothing of their own: uploads live in the database
# (FILE_STORE=postgres), as do sessions, jobs and the development keys; the
# DATA_DIR they share holds only the spool of mail being received. Lists,
# the inbox, indicators and exports read from the replica
# (DATABASE_REPLICA_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

dir=${CLUSTER_DIR:-var/cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
base=${CLUSTER_PORT:-17000}
servers=${CLUSTER_SERVERS:-3}
bin=${GUICHET_BIN:-$root/bin/guichet}

p_front=$((base + 80)) p_stats=$((base + 89)) p_direct=$((base + 88))
p_primary=$((base + 432)) p_replica=$((base + 433)) p_bouncer=$((base + 434))
serve_port() { echo $((base + 80 + $1)); }
metrics_port() { echo $((base + 90 + $1)); }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/pg_ctl" ] || { echo "cluster: PostgreSQL's server binaries are missing (apt-get install postgresql)"; exit 1; }
for p in pgbouncer haproxy; do
  command -v $p >/dev/null || { echo "cluster: $p is missing: apt-get install -y pgbouncer haproxy"; exit 1; }
done

# PostgreSQL and PgBouncer refuse to run as root: as root, they run as the
# postgres system user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
own() { if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$@"; fi; }

dsn() { echo "postgres://postgres@127.0.0.1:$1/$2?sslmode=disable"; }
primary_url=$(dsn $p_primary guichet)
pooled_url=$(dsn $p_bouncer guichet)
replica_url=$(dsn $p_bouncer guichet_replica)
front_url=http://127.0.0.1:$p_front

# serve_env is the environment of every server: the same database through
# PgBouncer, the same DATA_DIR, the same public address (HAProxy's).
serve_env() {
  echo GUICHET_ENV=development DATA_DIR="$dir/app" DATABASE_URL="$pooled_url" DATABASE_POOLING=transaction FILE_STORE=postgres \
    DATABASE_REPLICA_URL="$replica_url" BASE_URL="$front_url" HOST=127.0.0.1 TRUSTED_PROXIES=127.0.0.1 \
    LOG_FORMAT=json ARGON2_MEMORY_KIB=8192 SMTP_URL=
}

wait_for() { # what, seconds, command...
  local what=$1 n=$(($2 * 10)); shift 2
  until "$@" >/dev/null 2>&1; do
    n=$((n - 1))
    [ $n -gt 0 ] || { echo "cluster: $what did not come up"; return 1; }
    sleep 0.1
  done
}

pg_up() { "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$1" -U postgres -d guichet; }

start_primary() {
  if [ ! -f "$dir/primary/PG_VERSION" ]; then
    mkdir -p "$dir/primary" "$dir/run" "$dir/log"
    own "$dir/primary" "$dir/run" "$dir/log"
    chmod 700 "$dir/primary"
    as_pg "$pgbin/initdb" -D "$dir/primary" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=trust >/dev/null
    cat >>"$dir/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $p_primary
unix_socket_directories = '$dir/run'
max_connections = 200
wal_level = replica
max_wal_senders = 5
hot_standby = on
EOF
    echo "host replication postgres 127.0.0.1/32 trust" >>"$dir/primary/pg_hba.conf"
  fi
  pg_up $p_primary || as_pg "$pgbin/pg_ctl" start -w -D "$dir/primary" -l "$dir/log/primary.log" >/dev/null
  "$pgbin/psql" -qAt -h 127.0.0.1 -p $p_primary -U postgres -c "SELECT 1 FROM pg_database WHERE datname = 'guichet'" | grep -q 1 ||
    "$pgbin/createdb" -h 127.0.0.1 -p $p_primary -U postgres guichet
}

start_replica() {
  if [ ! -f "$dir/replica/PG_VERSION" ]; then
    mkdir -p "$dir/replica" && own "$dir/replica" && chmod 700 "$dir/replica"
    # -R writes standby.signal and primary_conninfo; the slot keeps the WAL
    # the replica has not replayed while it is stopped.
    as_pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p $p_primary -U postgres -D "$dir/replica" -R -X stream -C -S guichet_replica
    echo "port = $p_replica" >>"$dir/replica/postgresql.conf"
  fi
  pg_up $p_replica || as_pg "$pgbin/pg_ctl" start -w -D "$dir/replica" -l "$dir/log/replica.log" >/dev/null
}

stop_pg() { # name
  [ -f "$dir/$1/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" stop -D "$dir/$1" -m fast -w >/dev/null || true
}

pgbouncer_config() {
  mkdir -p "$dir/pgbouncer"
  echo '"postgres" ""' >"$dir/pgbouncer/userlist.txt"
  # Transaction pooling: a server connection is lent for one transaction,
  # so that the servers' 3 × 20 client connections share 20 server ones.
  # 1.18 keeps no prepared statement across transactions: the servers run
  # with DATABASE_POOLING=transaction (models.OpenTransactionPooled).
  cat >"$dir/pgbouncer/pgbouncer.ini" <<EOF
[databases]
guichet = host=127.0.0.1 port=$p_primary dbname=guichet
guichet_replica = host=127.0.0.1 port=$p_replica dbname=guichet
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $p_bouncer
unix_socket_dir = $dir/run
auth_type = trust
auth_file = $dir/pgbouncer/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
server_login_retry = 1
logfile = $dir/log/pgbouncer.log
pidfile = $dir/run/pgbouncer.pid
EOF
  own "$dir/pgbouncer" "$dir/run" "$dir/log"
}

start_pgbouncer() {
  pgbouncer_config
  running "$dir/run/pgbouncer.pid" || as_pg pgbouncer -d -q "$dir/pgbouncer/pgbouncer.ini"
  wait_for PgBouncer 10 pg_up $p_bouncer
}

# restart_pgbouncer is the operator's restart (a new binary, a changed
# setting that RELOAD does not apply): an online restart. The new process
# connects to the old one's admin console on the Unix socket (hence
# unix_socket_dir), SUSPENDs it (its buffers flushed), takes its listening,
# client and server sockets (SHOW FDS) and carries on with them: no client
# is disconnected, no transaction broken, the port never closed. With
# PgBouncer 1.18, two processes on one port (so_reuseport) would not do:
# the one stopped closes its clients' connections (1.23's SIGTERM waits for
# them to leave instead).
restart_pgbouncer() {
  local old
  old=$(cat "$dir/run/pgbouncer.pid" 2>/dev/null || true)
  pgbouncer_config
  as_pg pgbouncer -d -R -q "$dir/pgbouncer/pgbouncer.ini"
  wait_for "PgBouncer's new process" 10 new_pgbouncer "$old"
  wait_for PgBouncer 10 pg_up $p_bouncer
}

new_pgbouncer() { running "$dir/run/pgbouncer.pid" && [ "$(cat "$dir/run/pgbouncer.pid")" != "$1" ]; }

# kill_pgbouncer is a crash: every connection through it is lost, and it
# is started again at once, as systemd's Restart= would.
kill_pgbouncer() {
  kill -KILL "$(cat "$dir/run/pgbouncer.pid")"
  rm -f "$dir/run/pgbouncer.pid"
  start_pgbouncer
}

stop_pgbouncer() {
  # SIGINT: PgBouncer's safe shutdown, which waits for the transactions under way.
  stop_pid "$dir/run/pgbouncer.pid" INT
}

start_haproxy() {
  mkdir -p "$dir/haproxy"
  {
    cat <<EOF
global
  maxconn 2000
  pidfile $dir/run/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A request that never reached a server (refused: it has just died) goes
  # to another; one a server died while answering is not replayed, since a
  # POST may have been committed: the client sees an error and retries.
  retries 1
  option redispatch
  retry-on conn-failure
  option forwardfor
listen stats
  bind 127.0.0.1:$p_stats
  stats enable
  stats uri /
backend guichet
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
EOF
    for i in $(seq 1 "$servers"); do echo "  server s$i 127.0.0.1:$(serve_port $i) check"; done
    cat <<EOF
frontend www
  bind 127.0.0.1:$p_front
  default_backend guichet
EOF
  } >"$dir/haproxy/haproxy.cfg"
  haproxy -c -q -f "$dir/haproxy/haproxy.cfg"
  running "$dir/run/haproxy.pid" || haproxy -D -f "$dir/haproxy/haproxy.cfg"
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() { # pidfile [signal]
  local f=$1 pid
  running "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -"${2:-TERM}" "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$f"
}

ready() { curl -fsS -o /dev/null "$1/readyz"; }

# start_serve N [url port]: one `guichet serve`; the direct one (the bench's
# reference) talks to the primary without the pooler, and reads there too.
start_serve() {
  local n=$1 port url env
  mkdir -p "$dir/app" "$dir/run" "$dir/log"
  running "$dir/run/serve$n.pid" && return 0
  if [ "$n" = direct ]; then
    port=$p_direct
    env="$(serve_env) DATABASE_URL=$primary_url DATABASE_POOLING= DATABASE_REPLICA_URL="
  else
    port=$(serve_port "$n")
    env="$(serve_env) METRICS_ADDR=127.0.0.1:$(metrics_port "$n")"
  fi
  # shellcheck disable=SC2086
  env $env PORT=$port setsid "$bin" serve >>"$dir/log/serve$n.log" 2>&1 </dev/null &
  echo $! >"$dir/run/serve$n.pid"
  wait_for "guichet serve $n" 60 ready "http://127.0.0.1:$port"
}

# operator runs a guichet command on the cluster's database, as the servers do.
operator() {
  # shellcheck disable=SC2046
  env $(serve_env) "$bin" "$@"
}

start() {
  [ -x "$bin" ] || { echo "cluster: $bin is missing: make build"; exit 1; }
  start_primary
  start_replica
  start_pgbouncer
  # Migrations and the demo commune once, before the servers start
  # (through PgBouncer, as the servers will).
  operator demo >"$dir/log/demo.log" 2>&1 || { cat "$dir/log/demo.log"; exit 1; }
  for i in $(seq 1 "$servers"); do start_serve "$i"; done
  start_haproxy
  wait_for "HAProxy" 20 ready "$front_url"
  write_env
  status
  echo "cluster: $front_url (browser tests: make e2e-cluster)"
}

# write_env leaves the variables that reach the cluster in $dir/env, for
# make e2e-cluster and the fault journey.
write_env() {
  {
    echo "E2E_BASE_URL=$front_url"
    echo "CLUSTER_URL=$front_url"
    echo "CLUSTER_DIRECT_URL=http://127.0.0.1:$p_direct"
    echo "CLUSTER_SERVE1_URL=http://127.0.0.1:$(serve_port 1)"
    echo "CLUSTER_PRIMARY_URL=$primary_url"
    for kv in $(serve_env); do echo "$kv"; done
  } >"$dir/env"
}

stop() {
  stop_pid "$dir/run/haproxy.pid"
  for f in "$dir"/run/serve*.pid; do [ -e "$f" ] && stop_pid "$f"; done
  stop_pgbouncer
  stop_pg replica
  stop_pg primary
}

status() {
  local s
  state() { if "$@" >/dev/null 2>&1; then echo up; else echo down; fi; }
  echo "primary    127.0.0.1:$p_primary  $(state pg_up $p_primary)"
  s=$(state pg_up $p_replica)
  if [ "$s" = up ]; then
    s="up, $("$pgbin/psql" -qAt -h 127.0.0.1 -p $p_primary -U postgres -c \
      "SELECT coalesce(max(state), 'not streaming') || ', replay lag ' || coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::text, '?') || ' bytes' FROM pg_stat_replication" 2>/dev/null)"
  fi
  echo "replica    127.0.0.1:$p_replica  $s"
  echo "pgbouncer  127.0.0.1:$p_bouncer  $(state pg_up $p_bouncer)"
  for i in $(seq 1 "$servers"); do
    echo "serve $i    127.0.0.1:$(serve_port "$i")  $(state ready "http://127.0.0.1:$(serve_port "$i")")"
  done
  echo "haproxy    127.0.0.1:$p_front  $(state ready "$front_url")"
  # HAProxy's own view: each server's status by its health check.
  curl -fsS "http://127.0.0.1:$p_stats/;csv" 2>/dev/null | awk -F, '$1 == "guichet" && $2 ~ /^s[0-9]/ { printf "  haproxy sees %s %s\n", $2, $18 }' || true
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
env) write_env && cat "$dir/env" ;;
kill-serve) kill -KILL "$(cat "$dir/run/serve$2.pid")" && rm -f "$dir/run/serve$2.pid" ;;
start-serve) start_serve "$2" ;;
start-direct) start_serve direct ;;
stop-direct) stop_pid "$dir/run/servedirect.pid" ;;
stop-replica) stop_pg replica ;;
start-replica) start_replica ;;
restart-pgbouncer) restart_pgbouncer ;;
kill-pgbouncer) kill_pgbouncer ;;
seed) env $(serve_env) DATABASE_URL="$primary_url" DATABASE_POOLING= "$bin" bench seed -demands "${2:-10000}" ;;
*) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
