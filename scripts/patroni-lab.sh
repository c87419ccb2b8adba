#!/usr/bin/env bash
# A Patroni + PostgreSQL cluster in the namespace lab of scripts/lab.sh: Debian's patroni and postgresql-15, one
# member per node namespace (n1..n3 at 198.51.100.11-13), Patroni's DCS on the lab's etcd, scope "lab", so the
# leader key is /service/lab/leader and its value the member name (n1, n2, n3). Run `scripts/lab.sh up` first.
#
#   scripts/patroni-lab.sh start N [etcd3|etcd|zookeeper]   start Patroni on node N (etcd = v2 API, for
#                                                 vip-manager 1.0.2; zookeeper needs the lab's LAB_ZOOKEEPER=1)
#   scripts/patroni-lab.sh stop N                 stop it (SIGTERM: Patroni stops PostgreSQL, releases the key)
#   scripts/patroni-lab.sh stop-all               stop every member at once, the same way
#   scripts/patroni-lab.sh kill N                 SIGKILL Patroni and PostgreSQL on node N: a crashed primary
#   scripts/patroni-lab.sh switchover TO          patronictl switchover to member TO, now
#   scripts/patroni-lab.sh list                   patronictl list
#   scripts/patroni-lab.sh psql [ADDR] SQL        run SQL as postgres at ADDR (default the VIP) from the client
#
# Same LAB / LAB_STATE as lab.sh. Timings are Patroni's fast end (ttl 10 s, loop_wait 1 s, retry_timeout 4 s) so a
# run takes seconds; the lab's etcd must be up. Nothing listens outside the lab's namespaces.
set -euo pipefail
LAB=${LAB:-vip4jlab}
STATE=${LAB_STATE:-/tmp/$LAB}
VIP=${LAB_VIP:-198.51.100.100}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3  # Debian's patroni modules live in the system interpreter, whatever python3 is on PATH

need() {
  [ "$(id -u)" -eq 0 ] || { echo "patroni-lab.sh: needs root (network namespaces)" >&2; exit 1; }
  command -v patroni >/dev/null || { echo "patroni-lab.sh: patroni missing: apt-get install patroni python3-etcd" >&2; exit 1; }
  [ -x "$PGBIN/postgres" ] || { echo "patroni-lab.sh: $PGBIN/postgres missing: apt-get install postgresql-15" >&2; exit 1; }
  "$PY" -c 'import etcd' 2>/dev/null || { echo "patroni-lab.sh: python3-etcd missing: apt-get install python3-etcd" >&2; exit 1; }
  [ "${2:-}" != zookeeper ] || "$PY" -c 'import kazoo' 2>/dev/null \
    || { echo "patroni-lab.sh: python3-kazoo missing (Patroni's ZooKeeper client): apt-get install python3-kazoo" >&2; exit 1; }
  [ -d "$STATE" ] || { echo "patroni-lab.sh: no lab at $STATE; run scripts/lab.sh up first" >&2; exit 1; }
}

config() { # node dcs
  local n=$1 dcs=$2 addr=198.51.100.1$1
  cat <<EOF
scope: lab
namespace: /service/
name: n$n
restapi:
  listen: $addr:8008
  connect_address: $addr:8008
$dcs:
  hosts: $([ "$dcs" = zookeeper ] && echo "['198.51.100.10:2181']" || echo 198.51.100.10:2379)
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: "on"
        max_connections: 50
        shared_buffers: 16MB
        fsync: "off"
  initdb:
  - encoding: UTF8
  pg_hba:
  - local all all trust
  - host replication replicator 198.51.100.0/24 md5
  - host all all 198.51.100.0/24 md5
  - host all all 127.0.0.1/32 md5
postgresql:
  listen: 0.0.0.0:5432
  connect_address: $addr:5432
  data_dir: $STATE/pg-n$n/data
  bin_dir: $PGBIN
  pgpass: $STATE/pg-n$n/pgpass
  parameters:
    unix_socket_directories: $STATE/pg-n$n
  authentication:
    replication:
      username: replicator
      password: lab-repl
    superuser:
      username: postgres
      password: lab-super
tags:
  nofailover: false
  noloadbalance: false
EOF
}

start() { # node dcs
  need "$1" "${2:-etcd3}"
  local n=$1 dcs=${2:-etcd3} dir=$STATE/pg-n$1
  mkdir -p "$dir"
  chmod 755 "$STATE"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  config "$n" "$dcs" >"$STATE/patroni-n$n.yml"
  chown postgres "$STATE/patroni-n$n.yml"
  ip netns exec "$LAB-n$n" setpriv --reuid postgres --regid postgres --init-groups \
    "$PY" /usr/bin/patroni "$STATE/patroni-n$n.yml" >>"$STATE/patroni-n$n.log" 2>&1 &
  echo $! >"$STATE/patroni-n$n.pid"
}

# Every member at once: SIGTERM lets Patroni shut its PostgreSQL down cleanly, which also removes its shared memory
stop_all() {
  local pids=()
  for n in 1 2 3; do
    local pidfile=$STATE/patroni-n$n.pid
    [ -f "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  done
  rm -f "$STATE"/patroni-n?.pid
}

stop() {
  local pidfile=$STATE/patroni-n$1.pid
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$pidfile"
}

crash() {
  local pidfile=$STATE/patroni-n$1.pid pm=$STATE/pg-n$1/data/postmaster.pid
  [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  # the postmaster outlives its Patroni; killing it too is the crash of the whole primary. Its dynamic shared memory
  # segments in /dev/shm outlive it (a clean shutdown removes them, a restart does not): note them, remove them
  local segments=""
  if [ -f "$pm" ]; then
    local postmaster; postmaster=$(head -1 "$pm")
    for pid in "$postmaster" $(pgrep -P "$postmaster" || true); do
      segments+=" $(grep -o '/dev/shm/PostgreSQL\.[0-9]*' "/proc/$pid/maps" 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    done
    kill -9 "$postmaster" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086 # a list of paths without spaces
  [ -z "${segments// /}" ] || rm -f $segments
  rm -f "$pidfile"
}

ctl() {
  ip netns exec "$LAB-n1" "$PY" /usr/bin/patronictl -c "$STATE/patroni-n1.yml" "$@"
}

case "${1:-}" in
  start) start "$2" "${3:-etcd3}" ;;
  stop) stop "$2" ;;
  stop-all) stop_all ;;
  kill) crash "$2" ;;
  switchover) ctl switchover --candidate "$2" --force lab ;;
  list) ctl list lab ;;
  psql)
    if [ $# -ge 3 ]; then addr=$2; sql=$3; else addr=$VIP; sql=$2; fi
    PGPASSWORD=lab-super ip netns exec "$LAB-client" psql -h "$addr" -U postgres -d postgres -Atc "$sql" ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
