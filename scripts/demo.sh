#!/usr/bin/env bash
# The vip4j demo: a namespace lab with a real etcd and three nodes running the vip4j launcher; the leader key moves
# n1 -> n2 -> n3 and is deleted, and the client sees the VIP follow. Installs what is missing, builds, cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export LAB=${LAB:-vip4jdemo}
STATE=/tmp/$LAB
KEY=/service/demo/leader
VIP=198.51.100.100

echo "== building vip4j (mvn package, tests skipped)"
mvn -B -q -DskipTests package
JAR=$PWD/vip-examples/target/vip4j.jar

cleanup() { scripts/lab.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

echo "== lab: bridge, etcd at 198.51.100.10, nodes n1-n3 at .11-.13, client at .20 (network namespaces '$LAB-*')"
scripts/lab.sh up
for n in 1 2 3; do
  VIP_IP=$VIP VIP_NETMASK=24 VIP_INTERFACE=eth0 VIP_TRIGGER_KEY=$KEY VIP_TRIGGER_VALUE=n$n \
  VIP_DCS_ENDPOINTS=http://198.51.100.10:2379 \
    ip netns exec "$LAB-n$n" bin/vip4j >"$STATE/n$n.log" 2>&1 &
  echo $! >"$STATE/n$n.pid"
done
for n in 1 2 3; do
  for _ in $(seq 1 300); do grep -q "first decision" "$STATE/n$n.log" 2>/dev/null && break; sleep 0.05; done
  echo "   n$n: $(grep -o 'first decision [0-9]* ms after JVM start' "$STATE/n$n.log" || echo 'did not start, see log')"
done

mac_of() { ip -n "$LAB-$1" link show eth0 | awk '/ether/ {print $2}'; }
show() { # expected holder
  local holders client_mac
  holders=$(scripts/lab.sh holders)
  ip netns exec "$LAB-client" ping -c1 -W1 "$VIP" >/dev/null 2>&1 && ping_ok=answered || ping_ok="no answer"
  client_mac=$(ip -n "$LAB-client" neigh show "$VIP" | awk '{print $5}')
  echo "   holders: [${holders% }]  ping from client: $ping_ok  client ARP: $VIP -> ${client_mac:-none}"
  if [ -n "$1" ]; then echo "   $1's eth0 MAC is $(mac_of "$1")"; fi
}

for leader in n1 n2 n3; do
  echo
  echo "== leader key $KEY := $leader"
  start=$(date +%s%N)
  scripts/lab.sh put "$KEY" "$leader"
  until [ "$(scripts/lab.sh holders)" = "$leader " ]; do :; done
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  inside=$(grep -h "names this node ($leader)" -A1 "$STATE/${leader}.log" | tail -2 | awk '{print $1}' \
    | sed 's/.*T//;s/Z//' | awk -F: 'NR==1{a=$3} NR==2{printf "%.0f", ($3-a)*1000}')
  echo "   $leader holds the VIP: ${took} ms from the key write (includes the curl that wrote it and ip polling);"
  echo "   ${inside:-?} ms inside $leader from the watch event to the VIP added and announced (from its log)"
  show "$leader"
done

echo
echo "== leader key deleted (no next leader): the holder keeps the VIP for handover-grace (250 ms), then releases"
scripts/lab.sh del "$KEY"
sleep 0.5
echo "   holders: [$(scripts/lab.sh holders | sed 's/ $//')]"

echo
echo "== SIGTERM to all nodes: each releases what it holds and exits 0"
scripts/lab.sh put "$KEY" n1
until [ "$(scripts/lab.sh holders)" = "n1 " ]; do :; done
for n in 1 2 3; do kill -TERM "$(cat "$STATE/n$n.pid")"; done
for n in 1 2 3; do wait "$(cat "$STATE/n$n.pid")" && echo "   n$n exited 0" || echo "   n$n exited $?"; rm -f "$STATE/n$n.pid"; done
echo "   holders after stop: [$(scripts/lab.sh holders | sed 's/ $//')]"
echo
echo "== n1's log:"
grep -h "VipManager" "$STATE/n1.log" | sed 's/^/   /' | tail -12
echo
echo "demo finished; lab removed"
