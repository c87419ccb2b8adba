#!/usr/bin/env bash
# The reference deployment in the namespace lab: Debian's Patroni 3.0.2 and PostgreSQL 15 on three nodes, Patroni's
# etcd3 DCS on the lab's etcd, vip4j beside each member following /service/lab/leader. psql from the client goes
# through the VIP; a switchover and a crashed primary move it. Installs what is missing, builds, cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export LAB=${LAB:-vip4jpg}
STATE=/tmp/$LAB
VIP=198.51.100.100

echo "== building vip4j (mvn package, tests skipped)"
mvn -B -q -DskipTests package

cleanup() { scripts/lab.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

rest() { ip netns exec "$LAB-client" curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://198.51.100.1$1:8008/$2" || true; }
await() { # what, command...
  local what=$1; shift
  for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "   $what did not happen within 60 s; Patroni logs: $STATE/patroni-n*.log" >&2; exit 1
}
is_primary() { [ "$(rest "$1" primary)" = 200 ]; }
holder_is() { [ "$(scripts/lab.sh holders)" = "$1 " ]; }
streaming() { [ "$(scripts/patroni-lab.sh psql "198.51.100.1$1" \
  "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name LIKE 'n_'" 2>/dev/null)" = 2 ]; }
via_vip() {
  local out
  out=$(scripts/patroni-lab.sh psql "SELECT current_setting('data_directory'), pg_is_in_recovery()" 2>&1) \
    || { echo "   psql via $VIP: $out"; return; }
  node=$(echo "$out" | sed 's|.*/pg-\(n[0-9]\)/data.*|\1|'); ro=$(echo "$out" | cut -d'|' -f2)
  echo "   psql -h $VIP: connected to $node, pg_is_in_recovery = $ro$([ "$ro" = f ] && echo ' (the primary)')"
}

echo "== lab: etcd at 198.51.100.10, nodes n1-n3 at .11-.13, client at .20 (network namespaces '$LAB-*')"
scripts/lab.sh up
echo "== Patroni: bootstrap on n1, then n2 and n3 as replicas (scripts/patroni-lab.sh; config in $STATE/patroni-n1.yml)"
scripts/patroni-lab.sh start 1
await "n1 primary" is_primary 1
scripts/patroni-lab.sh start 2
scripts/patroni-lab.sh start 3
await "replicas streaming" streaming 1
scripts/patroni-lab.sh list

echo "== vip4j beside each member, configured like this (n1's file; trigger-value is the member name):"
for n in 1 2 3; do
  cat >"$STATE/vip4j-n$n.yml" <<EOF
ip: $VIP
netmask: 24
interface: eth0
trigger-key: /service/lab/leader
trigger-value: n$n
dcs-type: etcd
dcs-endpoints: http://198.51.100.10:2379
EOF
  ip netns exec "$LAB-n$n" bin/vip4j -c "$STATE/vip4j-n$n.yml" >"$STATE/vip4j-n$n.log" 2>&1 &
  echo $! >"$STATE/vip4j-n$n.pid"
done
sed 's/^/   /' "$STATE/vip4j-n1.yml"
await "the VIP on n1" holder_is n1
echo "   holders: [$(scripts/lab.sh holders | sed 's/ $//')]"
scripts/patroni-lab.sh psql 198.51.100.11 "CREATE TABLE demo(id serial, at timestamptz DEFAULT now())" >/dev/null
via_vip

echo
echo "== patronictl switchover to n2"
scripts/patroni-lab.sh switchover n2 | grep -o "Successfully.*" | sed "s/^/   /"
await "the VIP on n2" holder_is n2
await "n2 accepting writes through the VIP" scripts/patroni-lab.sh psql "INSERT INTO demo DEFAULT VALUES"
echo "   holders: [$(scripts/lab.sh holders | sed 's/ $//')]"
via_vip
grep -h "handed over\|HANDOVER_WAIT" "$STATE/vip4j-n1.log" | sed 's/^.*: HOLDING/   n1: HOLDING/' | tail -3

echo
echo "== n2 crashes (SIGKILL to Patroni and PostgreSQL); its leader key expires after Patroni's ttl (10 s here)"
await "n1, n3 streaming from n2" streaming 2
scripts/patroni-lab.sh kill 2
start=$(date +%s%N)
await "a new primary behind the VIP" scripts/patroni-lab.sh psql "INSERT INTO demo DEFAULT VALUES"
echo "   writes through the VIP again after $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "   holders: [$(scripts/lab.sh holders | sed 's/ $//')]"
via_vip
echo "   rows written through the VIP: $(scripts/patroni-lab.sh psql "SELECT count(*) FROM demo")"

echo
echo "== SIGTERM to vip4j: each releases what it holds and exits 0"
for n in 1 2 3; do kill -TERM "$(cat "$STATE/vip4j-n$n.pid")"; done
for n in 1 2 3; do wait "$(cat "$STATE/vip4j-n$n.pid")" && echo "   n$n exited 0" || echo "   n$n exited $?"; rm -f "$STATE/vip4j-n$n.pid"; done
echo "demo finished; lab removed"
