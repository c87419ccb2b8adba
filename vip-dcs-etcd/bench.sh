#!/bin/sh
# Benchmark of the etcd client against a local etcd (Debian's /usr/bin/etcd): key write -> observation delivered,
# and the read requests an idle healthy watch costs. Writes docs/etcd-benchmark.md.
# Usage: vip-dcs-etcd/bench.sh [writes=1000] [idle-seconds=60]
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -q -pl vip-dcs-etcd -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="vip-dcs-etcd/target/test-classes:vip-dcs-etcd/target/classes:$(cat vip-dcs-etcd/target/bench.classpath)"
mkdir -p docs
out=docs/etcd-benchmark.md
{
  echo "# etcd client benchmark"
  echo
  echo "Run on $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -r), $(/usr/bin/etcd --version | head -1);"
  echo "etcd on loopback, client with production defaults. Command: \`vip-dcs-etcd/bench.sh $*\`."
  echo
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" org.vip4j.dcs.etcd.EtcdWatchBench "$@"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
