#!/usr/bin/env bash
# The benchmarks in the namespace lab; writes docs/benchmark.md and docs/benchmark.png.
# Usage: scripts/bench.sh [switches=50]   (about 15 min at 50 switches on 2 cores, waits included)
#
# Each part is one Java class under vip-examples/src/test that prints its own Markdown section ("## ..."):
#   SideBySideBench  vip4j vs vip-manager 1.0.2: switches, GARP at the client, start-up, idle cost, the PNG
#   ScaleBench       one launcher with 100 VIPs, all keys moved in one etcd transaction
# A new part is one more `section` line below. Measurements hold /tmp/vip4j-bench.lock, Maven
# /tmp/vip4j-mvn.lock, so that runs sharing this machine do not skew each other's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
switches=${1:-50}
scripts/install-deps.sh
command -v vip-manager >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vip-manager >/dev/null; }
flock /tmp/vip4j-mvn.lock mvn -B -q -DskipTests package
flock /tmp/vip4j-mvn.lock mvn -B -q -pl vip-examples -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat vip-examples/target/bench.classpath)"
out=docs/benchmark.md
mkdir -p docs

section() { # CLASS ARGS...: runs one benchmark class (from vip-examples, as the lab expects) and appends its section
  (cd vip-examples && flock /tmp/vip4j-bench.lock java -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" "org.vip4j.examples.$1" "${@:2}") >> "$out.tmp"
}

{
  echo "# vip4j benchmarks"
  echo
  echo "Run on $(date -u +%Y-%m-%d) with \`scripts/bench.sh $switches\`: $(nproc) cores, $(uname -r),"
  echo "$(/usr/bin/etcd --version | head -1), $(java -version 2>&1 | head -1). Every part runs in its own namespace lab"
  echo "(scripts/lab.sh); all times are wall-clock microseconds of the one kernel, shared by the writer and the monitors."
  echo
} > "$out.tmp"
section SideBySideBench "$switches" ../docs/benchmark.png
section ScaleBench 10 100
mv "$out.tmp" "$out"
cat "$out"
