#!/usr/bin/env bash
# The vip4j namespace lab: one bridge, a DCS host with a real etcd, three nodes and a client, all in network
# namespaces this script creates and removes. Nothing touches a real interface; there is no default route.
#
#   scripts/lab.sh up                 create the lab and start etcd at 198.51.100.10:2379
#   scripts/lab.sh down               stop everything the lab started and delete its namespaces
#   scripts/lab.sh put KEY VALUE      write a key (etcd v3 JSON gateway, from the DCS host)
#   scripts/lab.sh del KEY            delete a key
#   scripts/lab.sh holders            print the nodes that have the VIP on eth0
#   scripts/lab.sh node N CMD...      run a command in node N's namespace (1..3)
#   scripts/lab.sh etcd-stop|etcd-start   stop etcd (SIGTERM, data kept) / start it again
#   scripts/lab.sh cut N | heal N     pull node N's cable (its bridge port down): no etcd, no news / plug it back
#   scripts/lab.sh if-del N | if-add N   delete node N's eth0 (with its addresses) / create it again (new index)
#   scripts/lab.sh rogue-up|rogue-down    a foreign host on the bridge that owns the VIP / remove it
#   scripts/lab.sh vip-add N | vip-del N  add or remove the VIP by hand on node N, behind vip4j's back
#   scripts/lab.sh put-via N KEY VALUE    write a key through etcd member N (LAB_ETCD_COLOCATED only)
#   scripts/lab.sh member-stop N | member-start N   stop etcd member N (SIGTERM, data kept) / start it again
#
# LAB_ETCD_V2=1 also serves etcd's v2 API (for vip-manager 1.0.2, which speaks nothing else).
# LAB_ZOOKEEPER=1 also runs a ZooKeeper (Debian's zookeeper 3.8) on the DCS host at 198.51.100.10:2181, for
# Patroni's zookeeper mode; zk-stop|zk-start stop it (data kept) / start it again.
# LAB_ETCD_COLOCATED=1 runs etcd as many Patroni clusters do: a 3-member cluster, member eN on node nN at
# 198.51.100.1N:2379, and no etcd on the DCS host. Each node resolves etcd1..etcd3 through /etc/netns/<ns>/hosts
# (a name server at 127.0.0.1 inside the namespace answers nothing, so no other name ever resolves).
# LAB (default vip4jlab) prefixes every name, so labs of parallel runs never meet. Addresses: 198.51.100.10 etcd,
# .11-.13 nodes n1-n3, .20 client, .100/24 the VIP.
set -euo pipefail
LAB=${LAB:-vip4jlab}
STATE=${LAB_STATE:-/tmp/$LAB}
VIP=${LAB_VIP:-198.51.100.100}
SW=$LAB-sw
ETCD=${ETCD_BIN:-/usr/bin/etcd}
# etcd's data in memory: on a busy VM disk an fdatasync took 100-600 ms now and then, and every key write waited for
# it, so the lab's handover figures measured the disk, not vip4j. LAB_ETCD_DATA puts it elsewhere.
ETCD_DATA=${LAB_ETCD_DATA:-/dev/shm/$LAB-etcd}
[ -d /dev/shm ] && [ -w /dev/shm ] || ETCD_DATA=${LAB_ETCD_DATA:-$STATE/etcd}

ZK_DATA=${LAB_ZK_DATA:-/dev/shm/$LAB-zk}
[ -d /dev/shm ] && [ -w /dev/shm ] || ZK_DATA=${LAB_ZK_DATA:-$STATE/zk}
ZK_JAR=/usr/share/java/zookeeper.jar

host_ns() { echo "$LAB-$1"; }

add_host() { # role address
  local ns; ns=$(host_ns "$1")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # both ends created directly inside the namespaces: the root namespace never sees them
  ip link add eth0 netns "$ns" type veth peer name "p-$1" netns "$SW"
  ip -n "$SW" link set "p-$1" master br0 up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}

b64() { printf %s "$1" | base64 -w0; }

gateway() { # path json [member]: the DCS host's etcd, or a co-located member (the first healthy one unless given)
  if [ -z "${3:-}" ] && colocated; then
    for n in 1 2 3; do
      if ip netns exec "$(host_ns dcs)" curl -s --max-time 1 "http://198.51.100.1$n:2379/health" | grep -q true; then
        gateway "$1" "$2" "$n"
        return
      fi
    done
    echo "lab.sh: no healthy etcd member" >&2
    return 1
  fi
  local at=127.0.0.1
  [ -z "${3:-}" ] || at=198.51.100.1$3
  ip netns exec "$(host_ns dcs)" curl -sS --fail --max-time 5 -X POST "http://$at:2379$1" -d "$2"
}

up() {
  [ "$(id -u)" -eq 0 ] || { echo "lab.sh: needs root (network namespaces)" >&2; exit 1; }
  [ -x "$ETCD" ] || { echo "lab.sh: $ETCD missing: apt-get install etcd-server" >&2; exit 1; }
  if ip netns list | grep -q "^$SW\b"; then down; fi
  mkdir -p "$STATE"
  ip netns add "$SW"
  ip -n "$SW" link add br0 type bridge
  ip -n "$SW" link set br0 up
  add_host dcs 198.51.100.10
  add_host n1 198.51.100.11
  add_host n2 198.51.100.12
  add_host n3 198.51.100.13
  add_host client 198.51.100.20
  if [ -n "${LAB_ETCD_COLOCATED:-}" ]; then
    touch "$STATE/colocated"
    for n in 1 2 3; do
      mkdir -p "/etc/netns/$(host_ns "n$n")"
      printf '127.0.0.1 localhost\n198.51.100.11 etcd1\n198.51.100.12 etcd2\n198.51.100.13 etcd3\n' \
        >"/etc/netns/$(host_ns "n$n")/hosts"
      echo "nameserver 127.0.0.1" >"/etc/netns/$(host_ns "n$n")/resolv.conf"
    done
    for n in 1 2 3; do start_member "$n"; done
    for n in 1 2 3; do await_member "$n"; done
  else
    start_etcd
  fi
  if [ -n "${LAB_ZOOKEEPER:-}" ]; then
    touch "$STATE/zookeeper"
    start_zk
  fi
}

# A standalone ZooKeeper listening on the DCS host's addresses only (the namespace has no other). A tick of 500 ms
# lets clients ask for sessions of 1 to 30 s: Patroni asks for its ttl, vip4j for 1.5 keepalive-periods
start_zk() {
  [ -r "$ZK_JAR" ] || { echo "lab.sh: $ZK_JAR missing: apt-get install zookeeper" >&2; exit 1; }
  mkdir -p "$ZK_DATA"
  cat >"$STATE/zoo.cfg" <<CFG
tickTime=500
maxSessionTimeout=30000
dataDir=$ZK_DATA
clientPort=2181
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok,mntr
forceSync=no
CFG
  ip netns exec "$(host_ns dcs)" java -Xmx96m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$ZK_JAR:/usr/share/java/slf4j-simple.jar" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$STATE/zoo.cfg" >>"$STATE/zookeeper.log" 2>&1 &
  echo $! >"$STATE/zookeeper.pid"
  for _ in $(seq 1 600); do
    if ip netns exec "$(host_ns dcs)" bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && cat <&3' \
        2>/dev/null | grep -q "Mode: "; then
      return 0
    fi
    sleep 0.05
  done
  echo "lab.sh: ZooKeeper did not start serving; see $STATE/zookeeper.log" >&2
  exit 1
}

stop_zk() {
  [ -f "$STATE/zookeeper.pid" ] || return 0
  kill "$(cat "$STATE/zookeeper.pid")" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$(cat "$STATE/zookeeper.pid")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$STATE/zookeeper.pid"
}

colocated() { [ -f "$STATE/colocated" ]; }

# N: member eN in node nN's namespace; the initial cluster only matters on its first start. With --pre-vote (3.5's
# default; 3.4's is off) a member that was cut off rejoins without forcing an election: without it, the heal cost the
# cluster about 1.3 s without a leader in the lab, and a holder that confirmed just before would keep the VIP only
# if that election ends within its lease
start_member() {
  local ip=198.51.100.1$1
  ip netns exec "$(host_ns "n$1")" "$ETCD" --name "e$1" --data-dir "$ETCD_DATA$1" \
    --listen-client-urls "http://$ip:2379,http://127.0.0.1:2379" --advertise-client-urls "http://$ip:2379" \
    --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
    --initial-cluster e1=http://198.51.100.11:2380,e2=http://198.51.100.12:2380,e3=http://198.51.100.13:2380 \
    --initial-cluster-token "$LAB" --initial-cluster-state new --pre-vote >>"$STATE/etcd$1.log" 2>&1 &
  echo $! >"$STATE/etcd$1.pid"
}

await_member() { # N: member eN answers /health with a leader (etcd's /health is false without one)
  for _ in $(seq 1 200); do
    if ip netns exec "$(host_ns "n$1")" curl -s --max-time 1 http://127.0.0.1:2379/health | grep -q true; then
      return 0
    fi
    sleep 0.05
  done
  echo "lab.sh: etcd member e$1 did not become healthy; see $STATE/etcd$1.log" >&2
  exit 1
}

stop_member() {
  local pidfile=$STATE/etcd$1.pid
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$pidfile"
}

start_etcd() {
  ip netns exec "$(host_ns dcs)" "$ETCD" --name lab --data-dir "$ETCD_DATA" \
    --listen-client-urls http://198.51.100.10:2379,http://127.0.0.1:2379 \
    --advertise-client-urls http://198.51.100.10:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster lab=http://127.0.0.1:2380 ${LAB_ETCD_V2:+--enable-v2=true} >"$STATE/etcd.log" 2>&1 &
  echo $! >"$STATE/etcd.pid"
  for _ in $(seq 1 200); do
    if ip netns exec "$(host_ns dcs)" curl -s --max-time 1 http://127.0.0.1:2379/health | grep -q true; then
      return 0
    fi
    sleep 0.05
  done
  echo "lab.sh: etcd did not become healthy; see $STATE/etcd.log" >&2
  exit 1
}

stop_etcd() {
  [ -f "$STATE/etcd.pid" ] || return 0
  kill "$(cat "$STATE/etcd.pid")" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$(cat "$STATE/etcd.pid")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$STATE/etcd.pid"
}

down() {
  for pidfile in "$STATE"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 0.3
  for pidfile in "$STATE"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # anything still running inside the lab's namespaces was started by the lab. A PostgreSQL killed here leaves its
  # dynamic shared memory segments in /dev/shm (its clean shutdown would remove them): note the ones the lab's
  # processes have mapped, and remove them once those are gone
  local segments=""
  for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB-" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      segments+=" $(grep -o '/dev/shm/PostgreSQL\.[0-9]*' "/proc/$pid/maps" 2>/dev/null | sort -u | tr '\n' ' ' || true)"
      kill -9 "$pid" 2>/dev/null || true
    done
    ip netns delete "$ns" 2>/dev/null || true
  done
  # shellcheck disable=SC2086 # a list of paths without spaces
  [ -z "${segments// /}" ] || rm -f $segments
  # LAB_LOGS: where a test keeps the lab's logs; etcd's and ZooKeeper's are the ones in the state directory
  if [ -n "${LAB_LOGS:-}" ]; then cp "$STATE"/etcd*.log "$STATE"/zookeeper.log "$LAB_LOGS/" 2>/dev/null || true; fi
  rm -rf "$STATE" "$ETCD_DATA" "$ZK_DATA" "$ETCD_DATA"1 "$ETCD_DATA"2 "$ETCD_DATA"3 \
    "/etc/netns/$(host_ns n1)" "/etc/netns/$(host_ns n2)" "/etc/netns/$(host_ns n3)"
  rmdir /etc/netns 2>/dev/null || true # only if the lab made it and nothing else is in it
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  put-via) gateway /v3/kv/put "{\"key\":\"$(b64 "$3")\",\"value\":\"$(b64 "$4")\"}" "$2" >/dev/null ;;
  member-stop) stop_member "$2" ;;
  member-start) start_member "$2"; await_member "$2" ;;
  put) gateway /v3/kv/put "{\"key\":\"$(b64 "$2")\",\"value\":\"$(b64 "$3")\"}" >/dev/null ;;
  del) gateway /v3/kv/deleterange "{\"key\":\"$(b64 "$2")\"}" >/dev/null ;;
  holders)
    for n in n1 n2 n3; do
      # no `| grep -q` under pipefail: grep exiting early can kill ip with SIGPIPE and hide a holder
      addrs=$(ip -n "$(host_ns "$n")" -o addr show dev eth0 2>/dev/null || true)
      case "$addrs" in *" $VIP/"*) printf '%s ' "$n" ;; esac
    done
    echo ;;
  node) n=$2; shift 2; exec ip netns exec "$(host_ns "n$n")" "$@" ;;
  etcd-stop) stop_etcd ;;
  etcd-start) start_etcd ;;
  zk-stop) stop_zk ;;
  zk-start) start_zk ;;
  cut) ip -n "$SW" link set "p-n$2" down ;;
  if-del) ip -n "$(host_ns "n$2")" link del eth0 ;; # the veth pair goes, and every address on it
  if-add) # the same interface again, as a network service re-creating a VLAN or bond does: a new index
    ns=$(host_ns "n$2")
    ip link add eth0 netns "$ns" type veth peer name "p-n$2" netns "$SW"
    ip -n "$SW" link set "p-n$2" master br0 up
    ip -n "$ns" addr add "198.51.100.1$2/24" dev eth0
    ip -n "$ns" link set eth0 up ;;
  heal) ip -n "$SW" link set "p-n$2" up ;;
  rogue-up) add_host rogue 198.51.100.30; ip -n "$(host_ns rogue)" addr add "$VIP/24" dev eth0 ;;
  rogue-down) ip netns delete "$(host_ns rogue)" ;;
  vip-add) ip -n "$(host_ns "n$2")" addr add "$VIP/24" dev eth0 ;;
  vip-del) ip -n "$(host_ns "n$2")" addr del "$VIP/24" dev eth0 ;;
  *) sed -n '2,24p' "$0"; exit 2 ;;
esac
