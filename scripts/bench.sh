#!/usr/bin/env bash
# The benchmarks in the namespace lab; writes docs/benchmark.md and docs/benchmark.png.
# Usage: scripts/bench.sh [switches=50] [PART...]   (all parts: about 60 min at 50 switches on 2 cores)
#
# Each part is one Java class under vip-examples/src/test that prints its own Markdown section ("## ...") into
# docs/bench/PART.md; docs/benchmark.md is the header plus every part's latest section, so naming parts reruns
# only those (e.g. `scripts/bench.sh 50 PatroniBench`):
#   SideBySideBench  vip4j vs vip-manager 1.0.2: switches, GARP at the client, start-up, idle cost, the PNG
#   IdleBench        one VIP, holder and standby, 60 s idle: CPU, RSS, threads, etcd requests (and vip-manager's)
#   ScaleBench       one launcher with 100 VIPs, all keys moved in one etcd transaction
#   ScaleBench1000   the same with 1000 VIPs from 198.18.0.0/15, the keys moved by 10 transactions of 100
#   PatroniBench     Patroni 3.0.2 + PostgreSQL 15: the client's switchover/failover outage per setup
#   ZooKeeperBench   dcs-type zookeeper against etcd in the same run: key change -> VIP, idle cost
#   ElectionBench    an elected VIP against keepalived: a failed check, a dead holder, a partition (~6 min)
#   SoakBench        10,000 random switches, etcd restarted every 1,000: RSS, heap, threads, FDs per minute (~21 min)
# A new part is one more `section` line below. Measurements hold /tmp/vip4j-bench.lock, Maven
# /tmp/vip4j-mvn.lock, so that runs sharing this machine do not skew each other's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
switches=${1:-50}
parts=("${@:2}")
scripts/install-deps.sh
for pkg in keepalived nftables; do  # ElectionBench's comparison and its partition
  dpkg -s "$pkg" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
done
command -v vip-manager >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vip-manager >/dev/null; }
flock /tmp/vip4j-mvn.lock mvn -B -q -DskipTests package
bin/vip4j --create-cds-archive  # as the Debian package does at install time; bin/vip4j then maps it
flock /tmp/vip4j-mvn.lock mvn -B -q -pl vip-examples -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat vip-examples/target/bench.classpath)"
out=docs/benchmark.md
mkdir -p docs

mkdir -p docs/bench
section() { # PART CLASS ARGS...: runs one benchmark class (from vip-examples, as the lab expects) into docs/bench/PART.md
  if [ ${#parts[@]} -gt 0 ] && [[ " ${parts[*]} " != *" $1 "* ]]; then return 0; fi
  (cd vip-examples && flock /tmp/vip4j-bench.lock java -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" "org.vip4j.examples.$2" "${@:3}") > "docs/bench/$1.md.tmp"
  mv "docs/bench/$1.md.tmp" "docs/bench/$1.md"
}

{
  echo "# vip4j benchmarks"
  echo
  echo "Assembled on $(date -u +%Y-%m-%d) by \`scripts/bench.sh $switches ${parts[*]:-}\` (parts rerun: ${parts[*]:-all}): $(nproc) cores, $(uname -r),"
  echo "$(/usr/bin/etcd --version | head -1), $(java -version 2>&1 | head -1). Every part runs in its own namespace lab"
  echo "(scripts/lab.sh); all times are wall-clock microseconds of the one kernel, shared by the writer and the monitors."
  echo
} > "$out.tmp"
section SideBySideBench SideBySideBench "$switches" ../docs/benchmark.png
section IdleBench IdleBench 60
section ScaleBench ScaleBench 10 100
section ScaleBench1000 ScaleBench 10 1000
section PatroniBench PatroniBench 5 2
section ZooKeeperBench ZooKeeperBench "$switches" 60
section ElectionBench ElectionBench 5 10
section SoakBench SoakBench 10000 1000 ../docs/soak.png
for part in SideBySideBench IdleBench ScaleBench ScaleBench1000 PatroniBench ZooKeeperBench ElectionBench SoakBench; do
  [ -f "docs/bench/$part.md" ] && { cat "docs/bench/$part.md"; echo; } >> "$out.tmp"
done
mv "$out.tmp" "$out"
cat "$out"
