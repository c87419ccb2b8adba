#!/bin/sh
# Latency benchmark of the basic address manager (netlink + raw sockets) against `ip addr` subprocesses, run in a
# throw-away network namespace. Needs root. Usage: vip-net-linux/bench.sh [iterations] [subprocess-iterations]
set -eu
cd "$(dirname "$0")/.."
flock /tmp/vip4j-mvn.lock mvn -B -q -pl vip-net-linux -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="vip-net-linux/target/test-classes:vip-net-linux/target/classes:$(cat vip-net-linux/target/bench.classpath)"
echo "| operation | n | p50 µs | p90 µs | p99 µs | max µs |"
echo "|---|---|---|---|---|---|"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" org.vip4j.net.linux.AddressBenchmark "$@"
