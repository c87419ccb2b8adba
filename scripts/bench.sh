#!/usr/bin/env bash
# Side by side in the namespace lab: vip4j against Debian's vip-manager 1.0.2 (at 1000 ms and 100 ms), same etcd,
# same switches. Writes docs/benchmark.md. Usage: scripts/bench.sh [switches=50]   (about 3 × (switches × 1.5 s + 30 s))
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v vip-manager >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vip-manager >/dev/null; }
mvn -B -q -DskipTests package
mvn -B -q -pl vip-examples -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="vip-examples/target/test-classes:vip-examples/target/classes:$(cat vip-examples/target/bench.classpath)"
out=docs/benchmark.md
mkdir -p docs
{
  echo "# vip4j vs vip-manager, side by side"
  echo
  echo "Run on $(date -u +%Y-%m-%d) with \`scripts/bench.sh ${1:-50}\`: $(nproc) cores, $(uname -r), $(/usr/bin/etcd --version | head -1),"
  echo "vip-manager $(dpkg-query -W -f '${Version}' vip-manager). One namespace lab (scripts/lab.sh), one etcd with its v2 API"
  echo "on: vip4j reads the key through v3, vip-manager through v2, and each run writes it through the API its tool"
  echo "reads. Times from the key write (taken just before the curl that writes it, so they include that curl)"
  echo "to the address change on the node, as \`ip -ts monitor\` in each node's namespace saw it; 1.5 s between switches."
  echo
  (cd vip-examples && java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(echo "$CP" | sed 's|vip-examples/||g')" org.vip4j.examples.SideBySideBench "${1:-50}")
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
