#!/usr/bin/env bash
# Writes packaging/deb/vip4j.classlist: the classes a real run of bin/vip4j loads, from which
# `bin/vip4j --create-cds-archive` (and the Debian package, at install time) makes the class-data sharing archive.
# The run, in a network namespace of its own (a veth pair, a real etcd on its loopback; nothing leaves it): the key
# names this node (acquire, announce, hold), then another (release), then this one again, then SIGTERM (release on
# stop): the paths of a first handover are in the archive too. LauncherEndToEndIT fails when the list misses more
# than 5 % of the classes a lab node loads; run this again then (as root, after mvn -B package).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=vip-examples/target/vip4j.jar
out=packaging/deb/vip4j.classlist
[ -f "$jar" ] || { echo "cds-classlist: $jar not found; run mvn -B package first" >&2; exit 1; }
command -v etcd >/dev/null || { echo "cds-classlist: needs /usr/bin/etcd (apt-get install etcd-server)" >&2; exit 1; }
ns=vip4j-cds-$$
work=$(mktemp -d /tmp/vip4j-cds.XXXXXX)
etcd_pid= vip_pid=
cleanup() {
  [ -n "$vip_pid" ] && kill "$vip_pid" 2>/dev/null || true
  [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add d0 type veth peer name d1
ip -n "$ns" addr add 198.51.100.11/24 dev d0
ip -n "$ns" link set d0 up
ip -n "$ns" link set d1 up
ip netns exec "$ns" etcd --data-dir "$work/etcd" --listen-client-urls http://127.0.0.1:2379 \
  --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 >"$work/etcd.log" 2>&1 &
etcd_pid=$!
put() {
  local k v
  k=$(printf %s /service/cds/leader | base64 -w0) v=$(printf %s "$1" | base64 -w0)
  ip netns exec "$ns" curl -sf -X POST http://127.0.0.1:2379/v3/kv/put -d "{\"key\":\"$k\",\"value\":\"$v\"}" >/dev/null
}
await() { # $1: a pattern in the launcher's log, $2: how many times it must be there
  for _ in $(seq 300); do
    [ "$(grep -c -- "$1" "$work/vip4j.log" || true)" -ge "$2" ] && return 0
    sleep 0.05
  done
  echo "cds-classlist: the launcher never logged '$1' ($2 times):" >&2
  cat "$work/vip4j.log" >&2
  exit 1
}
for _ in $(seq 100); do
  ip netns exec "$ns" curl -sf http://127.0.0.1:2379/health >/dev/null && break
  sleep 0.1
done
put n1
VIP_IP=198.51.100.100 VIP_NETMASK=24 VIP_INTERFACE=d0 VIP_TRIGGER_KEY=/service/cds/leader VIP_TRIGGER_VALUE=n1 \
  VIP_DCS_ENDPOINTS=http://127.0.0.1:2379 VIP4J_CDS_ARCHIVE=/nonexistent \
  JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$work/classlist" \
  ip netns exec "$ns" bin/vip4j run >"$work/vip4j.log" 2>&1 &
vip_pid=$!
await "-> HOLDING" 1
put n2
await "HOLDING -> " 1
put n1
await "-> HOLDING" 2
kill -TERM "$vip_pid"
wait "$vip_pid"
vip_pid=
await "-> STOPPED" 1
mv "$work/classlist" "$out"
echo "cds-classlist: $out: $(wc -l <"$out") classes ($(grep -c '^org/vip4j/' "$out") of vip4j's)"
